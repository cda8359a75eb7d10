#pragma once
// How a store's front-desk system (POS) signs its callbacks (docs/pos-callbacks.md):
//   X-Api-Key: the key id; X-Timestamp: Unix seconds; X-Nonce: 16-64 of [A-Za-z0-9_-], used once;
//   X-Signature: hex HMAC-SHA256 under the key's secret over "timestamp\nnonce\nMETHOD\npath\nbody".
// Pure: the replay check of the nonce (Redis) and the secret lookup (MariaDB) are the caller's.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

constexpr std::chrono::seconds pos_signature_window{300};

struct pos_signed_request {
    std::string api_key, timestamp, nonce, signature;  // the four headers, as sent
    std::string method, path, body;                     // path without the query; body as raw bytes
};

enum class pos_signature_problem {
    missing_header,   // one of the four headers absent or empty
    malformed_header, // not the documented shape
    stale_timestamp,  // more than 300 s from now, either way
    bad_signature,    // well-formed but not the HMAC of the request under the key's secret
};

std::string_view to_string(pos_signature_problem problem);

// The bytes that are signed.
std::string pos_string_to_sign(std::string_view timestamp, std::string_view nonce, std::string_view method, std::string_view path,
                               std::string_view body);

// Headers present, well-formed, and the timestamp within the window (before any lookup).
std::optional<pos_signature_problem> check_pos_headers(const pos_signed_request& request, std::chrono::system_clock::time_point now);

// The signature over the request under `secret` (constant-time comparison).
bool pos_signature_matches(const pos_signed_request& request, std::string_view secret);

}  // namespace sharedstore
