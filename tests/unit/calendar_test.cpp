#include "server/domain/calendar.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

std::chrono::system_clock::time_point at(const char* text) { return *parse_rfc3339(text); }

TEST(calendar, today_and_this_month_start_at_local_midnight_in_the_stores_zone) {
    const auto shanghai = *utc_offset_of("Asia/Shanghai");
    // 2026-12-01 01:30 in Shanghai is still 2026-11-30 in UTC: the local day and month rule.
    auto early = day_and_month_start(at("2026-11-30T17:30:00Z"), shanghai);
    EXPECT_EQ(early.day, at("2026-12-01T00:00:00+08:00"));
    EXPECT_EQ(early.month, at("2026-12-01T00:00:00+08:00"));
    auto late = day_and_month_start(at("2026-11-30T15:59:59Z"), shanghai);
    EXPECT_EQ(late.day, at("2026-11-30T00:00:00+08:00"));
    EXPECT_EQ(late.month, at("2026-11-01T00:00:00+08:00"));
    auto leap = day_and_month_start(at("2028-02-29T12:00:00+08:00"), shanghai);
    EXPECT_EQ(leap.month, at("2028-02-01T00:00:00+08:00"));
}

TEST(calendar, only_known_zones_have_an_offset) {
    EXPECT_EQ(utc_offset_of("Asia/Shanghai"), std::chrono::minutes(480));
    EXPECT_FALSE(utc_offset_of("Europe/Paris")) << "a zone with daylight saving needs a zone database, not an offset";
    EXPECT_FALSE(utc_offset_of(""));
}

}  // namespace

TEST(rfc3339, a_stored_time_is_written_in_utc_to_the_second) {
    EXPECT_EQ(format_rfc3339_seconds(at("2026-11-27T16:00:00.999+08:00")), "2026-11-27T08:00:00Z");
    EXPECT_EQ(format_rfc3339_seconds(at("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59Z");
    EXPECT_EQ(format_rfc3339_seconds(at("1970-01-01T00:00:00Z")), "1970-01-01T00:00:00Z");
    EXPECT_EQ(*parse_rfc3339(format_rfc3339_seconds(at("2031-07-04T05:06:07Z"))), at("2031-07-04T05:06:07Z"));
}

TEST(calendar, the_last_local_days_start_at_local_midnight_and_list_each_local_date) {
    const auto shanghai = *utc_offset_of("Asia/Shanghai");
    // 00:30 on 1 December in Shanghai (still 30 November in UTC): "today" is 1 December.
    auto today = last_local_days(at("2026-11-30T16:30:00Z"), shanghai, 1);
    EXPECT_EQ(today.start, at("2026-12-01T00:00:00+08:00"));
    EXPECT_EQ(today.end, at("2026-12-02T00:00:00+08:00"));
    EXPECT_EQ(today.dates, std::vector<std::string>{"2026-12-01"});

    // Seven days back across a month's end, oldest first.
    auto week = last_local_days(at("2026-12-03T23:59:59+08:00"), shanghai, 7);
    EXPECT_EQ(week.start, at("2026-11-27T00:00:00+08:00"));
    EXPECT_EQ(week.end, at("2026-12-04T00:00:00+08:00"));
    EXPECT_EQ(week.dates, (std::vector<std::string>{"2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02",
                                                    "2026-12-03"}));

    // Thirty days over a leap day and a year's end.
    auto month = last_local_days(at("2028-03-01T08:00:00+08:00"), shanghai, 30);
    EXPECT_EQ(month.dates.size(), 30u);
    EXPECT_EQ(month.dates.front(), "2028-02-01");
    EXPECT_EQ(month.dates[28], "2028-02-29");
    EXPECT_EQ(month.dates.back(), "2028-03-01");
    auto new_year = last_local_days(at("2027-01-01T00:00:00+08:00"), shanghai, 2);
    EXPECT_EQ(new_year.dates, (std::vector<std::string>{"2026-12-31", "2027-01-01"}));
    EXPECT_EQ(new_year.start, at("2026-12-31T00:00:00+08:00"));
}

TEST(rfc3339, an_orders_creation_time_keeps_its_microseconds) {
    EXPECT_EQ(format_rfc3339_micros(at("2026-11-27T08:00:00.123456Z")), "2026-11-27T08:00:00.123456Z");
    EXPECT_EQ(format_rfc3339_micros(at("2026-11-27T08:00:00Z")), "2026-11-27T08:00:00.000000Z");
}

TEST(calendar, contract_days_are_read_strictly) {
    using namespace std::chrono;
    EXPECT_EQ(parse_iso_day("2027-02-28"), sys_days{year{2027} / 2 / 28});
    for (const auto* bad : {"2027-02-29", "2027-2-28", "2027-02-28 ", "27-02-28", "2027/02/28", "2027-13-01", "2027-00-10", ""})
        EXPECT_FALSE(parse_iso_day(bad)) << bad;
    EXPECT_EQ(format_iso_day(sys_days{year{2027} / 2 / 8}), "2027-02-08");
    EXPECT_EQ(local_day_of(sys_days{year{2026} / 12 / 31} + hours{17}, minutes{480}), sys_days{year{2027} / 1 / 1});
}
