#pragma once
// Secrets the server must read back later (a POS API key's secret: checking an HMAC needs the
// secret itself, so it cannot be hashed). Sealed with AES-256-GCM under the data key
// (security.data_key_file), a fresh random 12-byte nonce each time, and associated data naming
// what the secret belongs to (e.g. the key id), so a sealed value copied to another row fails to
// open. Pure: no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

inline constexpr std::size_t data_key_bytes = 32;

// 64 hex characters -> the 32-byte key; nullopt for anything else.
std::optional<std::string> parse_data_key_hex(std::string_view hex);

// base64(nonce || ciphertext || tag). `data_key` must be 32 bytes (throws std::invalid_argument).
std::string seal_secret(std::string_view data_key, std::string_view associated_data, std::string_view plaintext);
// nullopt when the value was sealed under another key or other associated data, or was altered.
std::optional<std::string> open_secret(std::string_view data_key, std::string_view associated_data, std::string_view sealed);

}  // namespace sharedstore
