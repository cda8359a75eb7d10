#include "server/domain/calendar.hpp"

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

}  // namespace sharedstore
