#include "server/domain/bonus_periods.hpp"

#include <cstdio>

namespace sharedstore {

namespace {

using namespace std::chrono;

int months_of(bonus_period period) {
    switch (period) {
    case bonus_period::month: return 1;
    case bonus_period::quarter: return 3;
    case bonus_period::year: return 12;
    }
    return 3;
}

}  // namespace

bonus_period_span bonus_period_of(bonus_period period, system_clock::time_point at, minutes utc_offset) {
    const auto local = floor<days>(at + utc_offset);
    const year_month_day ymd{local};
    const int span = months_of(period);
    const int first_month = (static_cast<int>(static_cast<unsigned>(ymd.month())) - 1) / span * span + 1;
    const year_month start_month{ymd.year(), month{static_cast<unsigned>(first_month)}};
    const year_month end_month = start_month + months{span};
    const auto start = sys_days{start_month / 1} - utc_offset;
    const auto end = sys_days{end_month / 1} - utc_offset;
    char key[16];
    const int y = static_cast<int>(ymd.year());
    if (period == bonus_period::month) std::snprintf(key, sizeof key, "%04d-%02d", y, first_month);
    else if (period == bonus_period::quarter) std::snprintf(key, sizeof key, "%04d-Q%d", y, (first_month - 1) / 3 + 1);
    else std::snprintf(key, sizeof key, "%04d", y);
    return {time_point_cast<system_clock::duration>(start), time_point_cast<system_clock::duration>(end), key};
}

bonus_period_span last_settled_period(bonus_period period, system_clock::time_point now, seconds refund_window, minutes utc_offset) {
    // The period containing (now - window) has not closed its window yet unless it ended by then:
    // the one before it has.
    auto span = bonus_period_of(period, now - refund_window, utc_offset);
    return bonus_period_of(period, span.start - seconds(1), utc_offset);
}

}  // namespace sharedstore
