#pragma once
// Times as the API takes them: RFC 3339 with a zone. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

// RFC 3339 with a zone ("2026-11-24T10:00:00+08:00", "...Z", fractions allowed); nullopt otherwise,
// and for a time without a zone, which is ambiguous.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

// The API's form of a stored time: UTC to the second, "2026-11-27T08:00:00Z" (fractions dropped).
std::string format_rfc3339_seconds(std::chrono::system_clock::time_point when);
// The same with microseconds, "2026-11-27T08:00:00.123456Z" (an order's created_at).
std::string format_rfc3339_micros(std::chrono::system_clock::time_point when);

}  // namespace sharedstore
