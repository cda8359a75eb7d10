#pragma once
#include <chrono>
#include <string>

namespace sharedstore {

// RFC 3339 in UTC with milliseconds, e.g. 2026-11-24T13:35:56.123Z.
std::string format_rfc3339_utc(std::chrono::system_clock::time_point when);

// The same instant as MariaDB DATETIME text in UTC (sessions run in UTC), e.g.
// 2026-11-24 13:35:56.123: for binding to DATETIME(6) parameters.
std::string format_sql_datetime_utc(std::chrono::system_clock::time_point when);

}  // namespace sharedstore
