#include "server/domain/member_funnel.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace sharedstore;

namespace {

constexpr auto shanghai = std::chrono::minutes(8 * 60);

std::chrono::system_clock::time_point at(const char* text) {
    const auto t = parse_rfc3339(text);
    if (!t) throw std::invalid_argument(std::string("bad time in test: ") + text);
    return *t;
}

std::optional<std::chrono::system_clock::time_point> maybe(const char* text) {
    if (!text) return std::nullopt;
    return at(text);
}

stage_times person(const char* stage, const char* fan, const char* customer = nullptr, const char* member = nullptr,
                   const char* partner = nullptr) {
    return {maybe(fan), maybe(customer), maybe(member), maybe(partner), stage};
}

// 2026-01-14 is a Wednesday: with 3 weeks the window is the weeks of Mon 2025-12-29, 2026-01-05 and 2026-01-12.
const auto now = at("2026-01-14T12:00:00+08:00");

std::vector<stage_times> people() {
    return {
        // The week of 2026-01-05.
        person("partner", "2026-01-05T10:00:00+08:00", "2026-01-06T10:00:00+08:00", "2026-01-08T10:00:00+08:00",
               "2026-01-09T10:00:00+08:00"),
        person("customer", "2026-01-06T10:00:00+08:00", "2026-01-07T14:00:00+08:00"),
        person("member", "2026-01-07T10:00:00+08:00", "2026-01-10T10:00:00+08:00", "2026-01-11T10:00:00+08:00"),
        person("fan", "2026-01-08T10:00:00+08:00"),
        person("fan", "2026-01-04T16:00:00Z"),  // 00:00 on Monday the 5th in Shanghai (still Sunday in UTC)
        // The week of 2025-12-29: 23:59:59 on Sunday the 4th, local.
        person("fan", "2026-01-04T15:59:59Z"),
        // Before the window: counted by stage, in no cohort.
        person("customer", "2025-12-20T10:00:00+08:00", "2025-12-24T10:00:00+08:00"),
        // Never identified.
        person("passer_by", nullptr),
        person("passer_by", nullptr),
    };
}

}  // namespace

TEST(funnel_median, lower_middle_for_even_counts) {
    struct row {
        std::vector<std::int64_t> durations;
        std::optional<std::int64_t> median;
    };
    const row rows[] = {
        {{}, std::nullopt}, {{5}, 5}, {{3, 1}, 1}, {{5, 1, 3}, 3}, {{4, 1, 3, 2}, 2}, {{7, 7, 1, 9, 9, 9}, 7}, {{0, 0}, 0},
        {{86'400, 172'800}, 86'400},
    };
    for (const auto& r : rows) EXPECT_EQ(median_seconds(r.durations), r.median) << r.durations.size();
}

TEST(funnel_build, counts_per_stage) {
    const auto f = build_member_funnel(people(), now, shanghai, 3);
    EXPECT_EQ(f.passer_by, 2);
    EXPECT_EQ(f.fan, 3);
    EXPECT_EQ(f.customer, 2);
    EXPECT_EQ(f.member, 1);
    EXPECT_EQ(f.partner, 1);
    const auto none = build_member_funnel({}, now, shanghai, 2);
    EXPECT_EQ(none.passer_by + none.fan + none.customer + none.member + none.partner, 0);
    ASSERT_EQ(none.weeks.size(), 2u) << "empty weeks are present";
}

TEST(funnel_build, weekly_cohorts_from_monday_local_time) {
    const auto f = build_member_funnel(people(), now, shanghai, 3);
    ASSERT_EQ(f.weeks.size(), 3u);
    EXPECT_EQ(f.weeks[0].week_start, "2025-12-29");
    EXPECT_EQ(f.weeks[1].week_start, "2026-01-05");
    EXPECT_EQ(f.weeks[2].week_start, "2026-01-12");

    const auto& old = f.weeks[0];
    EXPECT_EQ(old.fans, 1) << "Sunday 23:59:59 local is the week before";
    EXPECT_EQ(old.customers.reached, 0);
    EXPECT_EQ(old.customers.conversion_bp, 0);
    EXPECT_FALSE(old.customers.median_seconds);
    EXPECT_EQ(old.members.conversion_bp, 0) << "no customers before: 0, not a division by zero";

    const auto& w = f.weeks[1];
    EXPECT_EQ(w.fans, 5) << "Monday 00:00 local opens the week";
    EXPECT_EQ(w.customers.reached, 3);
    EXPECT_EQ(w.customers.conversion_bp, 6'000);
    EXPECT_EQ(w.customers.median_seconds, 100'800);  // of 1 d, 1 d 4 h, 3 d
    EXPECT_EQ(w.members.reached, 2);
    EXPECT_EQ(w.members.conversion_bp, 6'666);      // 2 / 3, floored
    EXPECT_EQ(w.members.median_seconds, 86'400);    // of 2 d and 1 d: the lower middle
    EXPECT_EQ(w.partners.reached, 1);
    EXPECT_EQ(w.partners.conversion_bp, 5'000);
    EXPECT_EQ(w.partners.median_seconds, 86'400);

    const auto& empty = f.weeks[2];
    EXPECT_EQ(empty.fans, 0) << "the current week, empty, is still there";
    EXPECT_EQ(empty.customers.reached, 0);
    EXPECT_FALSE(empty.partners.median_seconds);
}

TEST(funnel_build, the_window_ends_with_the_week_of_now_in_local_time) {
    // 2026-01-11T16:30Z is Monday the 12th, 00:30 in Shanghai: the window's last week is the 12th's.
    const auto f = build_member_funnel(people(), at("2026-01-11T16:30:00Z"), shanghai, 1);
    ASSERT_EQ(f.weeks.size(), 1u);
    EXPECT_EQ(f.weeks[0].week_start, "2026-01-12");
    EXPECT_EQ(f.weeks[0].fans, 0);
    // In UTC the same instant is still Sunday the 11th: the week of the 5th.
    const auto utc = build_member_funnel(people(), at("2026-01-11T16:30:00Z"), std::chrono::minutes(0), 1);
    ASSERT_EQ(utc.weeks.size(), 1u);
    EXPECT_EQ(utc.weeks[0].week_start, "2026-01-05");
    EXPECT_EQ(utc.weeks[0].fans, 4) << "in UTC the Monday-midnight fan is Sunday's, the week before";
    // A 10-week window: ten weeks, oldest first, seven days apart, the older ones empty.
    const auto ten = build_member_funnel(people(), now, shanghai, 10);
    ASSERT_EQ(ten.weeks.size(), 10u);
    EXPECT_EQ(ten.weeks[0].week_start, "2025-11-10");
    EXPECT_EQ(ten.weeks[5].week_start, "2025-12-15");
    EXPECT_EQ(ten.weeks[5].fans, 1) << "Saturday 2025-12-20 is in the week of the 15th";
    EXPECT_EQ(ten.weeks[6].fans, 0);
    EXPECT_EQ(ten.weeks[7].fans, 1);
    EXPECT_EQ(ten.weeks[8].fans, 5);
    EXPECT_EQ(ten.weeks[9].week_start, "2026-01-12");
    // No weeks asked: counts only.
    EXPECT_TRUE(build_member_funnel(people(), now, shanghai, 0).weeks.empty());
}

// A fan who became a member without a vested purchase first (a membership product inside its
// window) went past the customer step: the funnel never shows more members than customers.
TEST(funnel_build, a_jump_counts_for_the_steps_it_passed) {
    const std::vector<stage_times> cohort{
        person("member", "2026-01-12T10:00:00+08:00", nullptr, "2026-01-13T10:00:00+08:00"),
        person("customer", "2026-01-12T11:00:00+08:00", "2026-01-13T11:00:00+08:00"),
        person("partner", "2026-01-12T12:00:00+08:00", "2026-01-13T12:00:00+08:00", nullptr, "2026-01-14T12:00:00+08:00"),
    };
    const auto f = build_member_funnel(cohort, now, shanghai, 1);
    ASSERT_EQ(f.weeks.size(), 1u);
    const auto& w = f.weeks[0];
    EXPECT_EQ(w.fans, 3);
    EXPECT_EQ(w.customers.reached, 3);
    EXPECT_EQ(w.customers.conversion_bp, 10'000);
    EXPECT_EQ(w.customers.median_seconds, 86'400) << "over those with both times";
    EXPECT_EQ(w.members.reached, 2);
    EXPECT_EQ(w.members.conversion_bp, 6'666);
    EXPECT_FALSE(w.members.median_seconds) << "nobody has both a customer and a member time";
    EXPECT_EQ(w.partners.reached, 1);
    EXPECT_EQ(w.partners.conversion_bp, 5'000);
    for (const auto* s : {&w.customers, &w.members, &w.partners}) EXPECT_LE(s->conversion_bp, 10'000);
}
