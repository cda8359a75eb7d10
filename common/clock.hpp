#pragma once
#include <chrono>
#include <string>

namespace sharedstore {

using wall_time = std::chrono::system_clock::time_point;

// Where services and jobs read the time: the system's in production, a test's own in tests.
class wall_clock {
public:
    virtual ~wall_clock() = default;
    virtual wall_time now() const = 0;
};

class system_wall_clock final : public wall_clock {
public:
    wall_time now() const override { return std::chrono::system_clock::now(); }
};

// The system's clock, for services built without a clock of their own (it holds no state).
inline const wall_clock& system_clock_instance() {
    static const system_wall_clock clock;
    return clock;
}

// RFC 3339 in UTC with milliseconds, e.g. 2026-11-24T13:35:56.123Z.
std::string format_rfc3339_utc(std::chrono::system_clock::time_point when);

// The same instant as MariaDB DATETIME text in UTC (sessions run in UTC), e.g.
// 2026-11-24 13:35:56.123: for binding to DATETIME(6) parameters.
std::string format_sql_datetime_utc(std::chrono::system_clock::time_point when);

}  // namespace sharedstore
