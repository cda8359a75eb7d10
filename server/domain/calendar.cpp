#include "server/domain/calendar.hpp"

#include <cstdio>

namespace sharedstore {

std::optional<std::chrono::minutes> utc_offset_of(std::string_view zone) {
    if (zone == "Asia/Shanghai") return std::chrono::hours(8);
    return std::nullopt;
}

calendar_starts day_and_month_start(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset) {
    using namespace std::chrono;
    const auto local_day = floor<days>(now + utc_offset);
    const year_month_day ymd{local_day};
    const auto month_first = sys_days{ymd.year() / ymd.month() / 1};
    return {local_day - utc_offset, month_first - utc_offset};
}

local_days last_local_days(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset, int days) {
    using namespace std::chrono;
    const auto today = floor<std::chrono::days>(now + utc_offset);
    const auto first = today - std::chrono::days(days - 1);
    local_days out{.start = first - utc_offset, .end = today + std::chrono::days(1) - utc_offset, .dates = {}};
    for (auto d = first; d <= today; d += std::chrono::days(1)) {
        const year_month_day ymd{d};
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
        out.dates.emplace_back(text);
    }
    return out;
}

std::optional<std::chrono::sys_days> parse_iso_day(std::string_view text) {
    using namespace std::chrono;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](std::size_t from, std::size_t count) -> int {
        int n = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (text[i] < '0' || text[i] > '9') return -1;
            n = n * 10 + (text[i] - '0');
        }
        return n;
    };
    const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (y < 1970 || m < 1 || d < 1) return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
}

std::string format_iso_day(std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

std::chrono::sys_days local_day_of(std::chrono::system_clock::time_point when, std::chrono::minutes utc_offset) {
    return std::chrono::floor<std::chrono::days>(when + utc_offset);
}

}  // namespace sharedstore
