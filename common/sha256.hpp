#pragma once
#include <string>
#include <string_view>

namespace sharedstore {

// SHA-256 of the bytes, as 64 lower-case hex characters.
std::string sha256_hex(std::string_view data);

}  // namespace sharedstore
