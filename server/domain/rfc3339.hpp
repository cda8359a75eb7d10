#pragma once
// Times as the API takes them: RFC 3339 with a zone. Pure.
#include <chrono>
#include <optional>
#include <string_view>

namespace sharedstore {

// RFC 3339 with a zone ("2026-11-24T10:00:00+08:00", "...Z", fractions allowed); nullopt otherwise,
// and for a time without a zone, which is ambiguous.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace sharedstore
