#pragma once
#include <string>
#include <string_view>

namespace sharedstore {

// SHA-256 of the bytes, as 64 lower-case hex characters.
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of the bytes under the key, as 64 lower-case hex characters.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Equal contents, in time that depends only on the lengths (for comparing signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace sharedstore
