#pragma once
// The periods of the top-dealer dividend bonus (docs/business-rules.md section 7): calendar months,
// quarters and years in the store's zone. Pure: `at` is a parameter.
#include "server/domain/bonus_config.hpp"

#include <chrono>
#include <string>

namespace sharedstore {

struct bonus_period_span {
    std::chrono::system_clock::time_point start;  // local midnight on the period's first day, as a UTC instant
    std::chrono::system_clock::time_point end;    // the next period's start (excluded)
    std::string key;                              // "2026-03" (month), "2026-Q1" (quarter), "2026" (year)
};

// The period that contains `at`.
bonus_period_span bonus_period_of(bonus_period period, std::chrono::system_clock::time_point at, std::chrono::minutes utc_offset);
// The latest period whose refund window has closed by `now`: ended at least `refund_window` ago.
bonus_period_span last_settled_period(bonus_period period, std::chrono::system_clock::time_point now, std::chrono::seconds refund_window,
                                      std::chrono::minutes utc_offset);

}  // namespace sharedstore
