#pragma once
// Calendar figures ("today", "this month") in a store's time zone (API conventions: the zone is
// stated in the response). Pure: `now` is a parameter.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

// The zones stores may have, as fixed offsets from UTC. Today only Asia/Shanghai (+08:00: China
// keeps no daylight saving time, so a fixed offset is exact); nullopt for any other name.
std::optional<std::chrono::minutes> utc_offset_of(std::string_view zone);

struct calendar_starts {
    std::chrono::system_clock::time_point day;    // local midnight today, as a UTC instant
    std::chrono::system_clock::time_point month;  // local midnight on the first of this month
};
calendar_starts day_and_month_start(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset);

// The last `days` local days, today included (the dashboard's "today", "7 days", "30 days"):
// [start, end) as UTC instants, start at local midnight `days - 1` days ago, end at the coming
// local midnight; `dates` are the local dates ("2026-12-01"), oldest first. `days` >= 1.
struct local_days {
    std::chrono::system_clock::time_point start;
    std::chrono::system_clock::time_point end;
    std::vector<std::string> dates;
};
local_days last_local_days(std::chrono::system_clock::time_point now, std::chrono::minutes utc_offset, int days);

// A calendar day written "2026-12-01" (contracts' dates): nullopt for anything else, or a day
// that does not exist ("2026-02-30").
std::optional<std::chrono::sys_days> parse_iso_day(std::string_view text);
std::string format_iso_day(std::chrono::sys_days day);
// The local day an instant falls on.
std::chrono::sys_days local_day_of(std::chrono::system_clock::time_point when, std::chrono::minutes utc_offset);

}  // namespace sharedstore
