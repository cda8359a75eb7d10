#include "common/clock.hpp"

#include <cstdio>
#include <ctime>

namespace sharedstore {

std::string format_rfc3339_utc(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(when.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[80];  // room for any int the compiler can imagine, not just real dates
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buffer;
}

std::string format_sql_datetime_utc(std::chrono::system_clock::time_point when) {
    auto text = format_rfc3339_utc(when);
    text[10] = ' ';
    text.pop_back();  // the Z
    return text;
}

}  // namespace sharedstore
