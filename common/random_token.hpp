#pragma once
#include <cstddef>
#include <string>

namespace sharedstore {

// Cryptographically random bytes from OpenSSL, hex-encoded (2 characters a byte).
// Throws std::runtime_error if the system RNG fails: never falls back to a weak source.
std::string random_hex(std::size_t bytes);

// The same randomness in the URL-safe base64 alphabet (A-Z a-z 0-9 - _), no padding: 4 characters
// for every 3 bytes. `bytes` must be a multiple of 3.
std::string random_url_token(std::size_t bytes);

// `length` characters of 23456789ABCDEFGHJKLMNPQRSTUVWXYZ (no 0/O, 1/I: codes people read out
// and type), 5 random bits each.
std::string random_readable_code(std::size_t length);

}  // namespace sharedstore
