#include "server/http/cookies.hpp"

namespace sharedstore {

namespace {
std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}
}  // namespace

std::optional<std::string> cookie_value(const http_request& request, std::string_view name) {
    for (const auto& [header, value] : request.headers) {
        if (header != "cookie") continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            const auto semicolon = rest.find(';');
            const auto pair = trimmed(rest.substr(0, semicolon));
            rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
            const auto equals = pair.find('=');
            if (equals == std::string_view::npos || trimmed(pair.substr(0, equals)) != name) continue;
            auto cookie = trimmed(pair.substr(equals + 1));
            // RFC 6265 allows the value in double quotes.
            if (cookie.size() >= 2 && cookie.front() == '"' && cookie.back() == '"') cookie = cookie.substr(1, cookie.size() - 2);
            return std::string(cookie);
        }
    }
    return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, std::string_view path, std::chrono::seconds max_age, bool secure) {
    std::string out;
    out.append(name).append("=").append(value).append("; Path=").append(path).append("; Max-Age=").append(std::to_string(max_age.count()));
    if (secure) out.append("; Secure");
    out.append("; HttpOnly; SameSite=Strict");
    return out;
}

}  // namespace sharedstore
