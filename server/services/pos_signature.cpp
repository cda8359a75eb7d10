#include "server/services/pos_signature.hpp"

#include "common/sha256.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sharedstore {

namespace {

bool all_of(std::string_view text, bool (*allowed)(char)) { return std::all_of(text.begin(), text.end(), allowed); }
bool nonce_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_'; }
bool hex_char(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view to_string(pos_signature_problem problem) {
    switch (problem) {
    case pos_signature_problem::missing_header: return "missing_header";
    case pos_signature_problem::malformed_header: return "malformed_header";
    case pos_signature_problem::stale_timestamp: return "stale_timestamp";
    case pos_signature_problem::bad_signature: return "bad_signature";
    }
    return "bad_signature";
}

std::string pos_string_to_sign(std::string_view timestamp, std::string_view nonce, std::string_view method, std::string_view path,
                               std::string_view body) {
    std::string out;
    out.reserve(timestamp.size() + nonce.size() + method.size() + path.size() + body.size() + 4);
    out.append(timestamp).append("\n").append(nonce).append("\n").append(method).append("\n").append(path).append("\n").append(body);
    return out;
}

std::optional<pos_signature_problem> check_pos_headers(const pos_signed_request& r, std::chrono::system_clock::time_point now) {
    if (r.api_key.empty() || r.timestamp.empty() || r.nonce.empty() || r.signature.empty()) return pos_signature_problem::missing_header;
    if (r.api_key.size() > 64 || r.timestamp.size() > 12 || !all_of(r.timestamp, digit) || r.nonce.size() < 16 || r.nonce.size() > 64 ||
        !all_of(r.nonce, nonce_char) || r.signature.size() != 64 || !all_of(r.signature, hex_char))
        return pos_signature_problem::malformed_header;
    long long seconds = 0;
    std::from_chars(r.timestamp.data(), r.timestamp.data() + r.timestamp.size(), seconds);
    const auto sent = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    if (sent > now + pos_signature_window || sent < now - pos_signature_window) return pos_signature_problem::stale_timestamp;
    return std::nullopt;
}

bool pos_signature_matches(const pos_signed_request& r, std::string_view secret) {
    std::string given = r.signature;
    std::transform(given.begin(), given.end(), given.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return constant_time_equal(hmac_sha256_hex(secret, pos_string_to_sign(r.timestamp, r.nonce, r.method, r.path, r.body)), given);
}

}  // namespace sharedstore
