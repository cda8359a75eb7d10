// The top-dealer bonus's periods in the store's zone (docs/business-rules.md section 7).
#include "server/domain/bonus_periods.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;
using namespace std::chrono;

namespace {

system_clock::time_point at(const char* text) { return *parse_rfc3339(text); }
std::string text(system_clock::time_point t) { return format_rfc3339_seconds(t); }
const minutes shanghai{8 * 60};

TEST(bonus_periods, a_period_is_a_local_calendar_month_quarter_or_year) {
    struct row {
        bonus_period period;
        const char* at;
        const char* start;
        const char* end;
        const char* key;
    };
    const row rows[] = {
        // 01:00 on 1 April in Shanghai is still 31 March in UTC: the second quarter.
        {bonus_period::quarter, "2026-03-31T17:00:00Z", "2026-03-31T16:00:00Z", "2026-06-30T16:00:00Z", "2026-Q2"},
        {bonus_period::quarter, "2026-03-31T15:59:59Z", "2025-12-31T16:00:00Z", "2026-03-31T16:00:00Z", "2026-Q1"},
        {bonus_period::month, "2026-02-14T04:00:00Z", "2026-01-31T16:00:00Z", "2026-02-28T16:00:00Z", "2026-02"},
        {bonus_period::month, "2026-12-31T18:00:00Z", "2026-12-31T16:00:00Z", "2027-01-31T16:00:00Z", "2027-01"},
        {bonus_period::year, "2026-07-01T00:00:00Z", "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z", "2026"},
    };
    for (const auto& r : rows) {
        const auto span = bonus_period_of(r.period, at(r.at), shanghai);
        EXPECT_EQ(text(span.start), r.start) << r.at;
        EXPECT_EQ(text(span.end), r.end) << r.at;
        EXPECT_EQ(span.key, r.key) << r.at;
    }
}

TEST(bonus_periods, the_last_settled_period_waits_for_its_refund_window) {
    // Five days into the second quarter with a seven-day window: the first quarter's last orders
    // may still be refunded, so the last settled quarter is the fourth of 2025.
    EXPECT_EQ(last_settled_period(bonus_period::quarter, at("2026-04-05T00:00:00Z"), hours(24 * 7), shanghai).key, "2025-Q4");
    EXPECT_EQ(last_settled_period(bonus_period::quarter, at("2026-04-08T00:00:00Z"), hours(24 * 7), shanghai).key, "2026-Q1");
    EXPECT_EQ(last_settled_period(bonus_period::month, at("2026-04-05T00:00:00Z"), seconds(0), shanghai).key, "2026-03");
    // Exactly at the window's end: closed.
    EXPECT_EQ(last_settled_period(bonus_period::month, at("2026-04-07T16:00:00Z"), hours(24 * 7), shanghai).key, "2026-03");
}

}  // namespace
