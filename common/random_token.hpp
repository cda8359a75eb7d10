#pragma once
#include <cstddef>
#include <string>

namespace sharedstore {

// Cryptographically random bytes from OpenSSL, hex-encoded (2 characters a byte).
// Throws std::runtime_error if the system RNG fails: never falls back to a weak source.
std::string random_hex(std::size_t bytes);

}  // namespace sharedstore
