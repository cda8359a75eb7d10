#include "server/domain/member_points.hpp"
#include "server/domain/rfc3339.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>

using namespace sharedstore;
using namespace std::chrono_literals;

namespace {

constexpr auto shanghai = std::chrono::minutes(8 * 60);

std::chrono::system_clock::time_point at(const char* text) {
    const auto t = parse_rfc3339(text);
    if (!t) throw std::invalid_argument(std::string("bad time in test: ") + text);
    return *t;
}

const char* spend_problem_name(std::optional<points_spend_problem> p) {
    if (!p) return "(none)";
    switch (*p) {
    case points_spend_problem::not_positive: return "not_positive";
    case points_spend_problem::spending_off: return "spending_off";
    case points_spend_problem::over_balance: return "over_balance";
    case points_spend_problem::over_order_maximum: return "over_order_maximum";
    case points_spend_problem::leaves_nothing_to_pay: return "leaves_nothing_to_pay";
    }
    return "?";
}

}  // namespace

TEST(member_points_rules, defaults_pass_and_every_problem_code) {
    EXPECT_TRUE(validate_points_rules({}).empty());
    EXPECT_EQ(points_rules{}.validity_months, 24) << "the default validity the rules name";
    EXPECT_TRUE(validate_points_rules({0, 1, 0, 1}).empty()) << "earning off and spending off are allowed";
    EXPECT_TRUE(validate_points_rules({100, 100, 1'000'000, 120}).empty());
    struct row {
        points_rules rules;
        const char* field;
        const char* code;
    };
    const row rows[] = {
        {{-1, 1, 200, 24}, "points_per_yuan", "points_per_yuan_out_of_range"},
        {{101, 1, 200, 24}, "points_per_yuan", "points_per_yuan_out_of_range"},
        {{1, 0, 200, 24}, "point_value_fen", "point_value_out_of_range"},
        {{1, 101, 200, 24}, "point_value_fen", "point_value_out_of_range"},
        {{1, 1, -1, 24}, "max_points_per_order", "max_points_out_of_range"},
        {{1, 1, 1'000'001, 24}, "max_points_per_order", "max_points_out_of_range"},
        {{1, 1, 200, 0}, "points_validity_months", "validity_out_of_range"},
        {{1, 1, 200, 121}, "points_validity_months", "validity_out_of_range"},
    };
    for (const auto& r : rows) {
        const auto problems = validate_points_rules(r.rules);
        ASSERT_EQ(problems.size(), 1u) << r.code;
        EXPECT_EQ(problems[0].field, r.field);
        EXPECT_EQ(problems[0].code, r.code);
    }
    EXPECT_EQ(validate_points_rules({-1, 0, -1, 0}).size(), 4u) << "every problem at once";
}

TEST(member_points_earn, floor_of_paid_times_rate_times_multiplier) {
    struct row {
        std::int64_t paid;
        std::int32_t per_yuan, multiplier_bp;
        std::int64_t points;
    };
    const row rows[] = {
        {34'920, 1, 15'000, 523},   // section 4's gold member: floor(523.8)
        {34'920, 1, 10'000, 349},   {34'920, 2, 12'000, 838},  // floor(838.08)
        {99, 1, 10'000, 0},         {100, 1, 10'000, 1},       {66, 1, 15'000, 0},  // 0.99
        {67, 1, 15'000, 1},         // 1.005
        {0, 1, 10'000, 0},          {-500, 1, 10'000, 0},      {10'000, 0, 10'000, 0},  // earning off
        {500'000, 100, 100'000, 5'000'000},
    };
    for (const auto& r : rows)
        EXPECT_EQ(points_earned(r.paid, r.per_yuan, r.multiplier_bp), r.points) << r.paid << " x " << r.per_yuan << " x " << r.multiplier_bp;
}

TEST(member_points_refund, reversal_to_the_point) {
    struct row {
        std::int64_t earned, amount, before, refund, reversed;
    };
    const row rows[] = {
        {523, 34'920, 0, 34'920, 523},      // full refund: all of it
        {523, 34'920, 0, 17'460, 261},      // half: floor(261.5)
        {523, 34'920, 17'460, 17'460, 262}, // the other half: the rest, 261 + 262 = 523
        {523, 34'920, 0, 1, 0},             // 1 fen takes nothing back yet
        {523, 34'920, 34'919, 1, 1},        // ... and the last fen takes what is left
        {0, 1'000, 0, 1'000, 0},
    };
    for (const auto& r : rows)
        EXPECT_EQ(points_reversed(r.earned, r.amount, r.before, r.refund), r.reversed)
            << r.earned << " of " << r.amount << " after " << r.before << " refund " << r.refund;
    EXPECT_THROW(points_reversed(523, 34'920, 30'000, 5'000), std::invalid_argument) << "a refund past the order";
    EXPECT_THROW(points_reversed(523, 34'920, 0, 0), std::invalid_argument);
}

// A full refund in random partial refunds takes back exactly what was earned, and never more on the way.
TEST(member_points_refund, property_partial_refunds_sum_to_the_earned_points) {
    std::mt19937_64 rng(20260117);
    for (int c = 0; c < 4'000; ++c) {
        const auto amount = std::uniform_int_distribution<std::int64_t>(1, 2'000'000)(rng);
        const auto multiplier = std::uniform_int_distribution<std::int32_t>(10'000, 100'000)(rng);
        const auto per_yuan = std::uniform_int_distribution<std::int32_t>(0, 100)(rng);
        const auto earned = points_earned(amount, per_yuan, multiplier);
        std::int64_t refunded = 0, reversed = 0;
        const auto pieces = std::uniform_int_distribution<int>(1, 12)(rng);
        for (int k = 0; k < pieces && refunded < amount; ++k) {
            const auto left = amount - refunded;
            const auto refund = k == pieces - 1 ? left : std::uniform_int_distribution<std::int64_t>(1, left)(rng);
            const auto back = points_reversed(earned, amount, refunded, refund);
            ASSERT_GE(back, 0);
            reversed += back;
            refunded += refund;
            // Cumulative: what came back so far is the floor of the refunded share, never more.
            ASSERT_EQ(reversed, static_cast<std::int64_t>(static_cast<__int128>(earned) * refunded / amount)) << "case " << c;
        }
        ASSERT_EQ(refunded, amount);
        ASSERT_EQ(reversed, earned) << "case " << c << ": amount " << amount << " earned " << earned;
    }
}

TEST(member_points_spend, max_spendable_leaves_at_least_one_fen) {
    struct row {
        std::int64_t payable, balance;
        points_rules rules;
        std::int64_t max;
    };
    const points_rules defaults{};  // 1 fen a point, 200 a order
    const row rows[] = {
        {10'000, 5'000, defaults, 200},  // the per-order maximum
        {10'000, 150, defaults, 150},    // the balance
        {150, 5'000, defaults, 149},     // 1 fen left to pay
        {201, 5'000, defaults, 200},
        {200, 5'000, defaults, 199},
        {2, 5'000, defaults, 1},
        {1, 5'000, defaults, 0},         // nothing to take off a 1-fen order
        {0, 5'000, defaults, 0},
        {10'000, 0, defaults, 0},
        {10'000, -3, defaults, 0},
        {10'000, 5'000, {1, 1, 0, 24}, 0},  // spending off
        {10, 5'000, {1, 3, 200, 24}, 3},    // 9 fen off, 1 left
        {11, 5'000, {1, 3, 200, 24}, 3},    // 9 off, 2 left (a 4th point would leave -1)
        {13, 5'000, {1, 3, 200, 24}, 4},    // 12 off, 1 left
        {3, 5'000, {1, 3, 200, 24}, 0},     // one point would take all 3 fen
        {1'000'000, 2'000'000, {1, 100, 1'000'000, 24}, 9'999},
    };
    for (const auto& r : rows) {
        const auto max = max_spendable_points(r.payable, r.balance, r.rules);
        EXPECT_EQ(max, r.max) << r.payable << " balance " << r.balance;
        if (max > 0) {
            EXPECT_GE(r.payable - max * r.rules.point_value_fen, 1) << r.payable;
        }
    }
}

TEST(member_points_spend, every_plan_problem) {
    const points_rules rules{1, 2, 200, 24};  // 2 fen a point
    struct row {
        const char* name;
        std::int64_t payable, points, balance;
        points_rules rules;
        std::optional<points_spend_problem> problem;
        std::int64_t discount;
    };
    const row rows[] = {
        {"a plain spend", 10'000, 150, 500, rules, std::nullopt, 300},
        {"the per-order maximum exactly", 10'000, 200, 500, rules, std::nullopt, 400},
        {"the whole balance", 10'000, 120, 120, rules, std::nullopt, 240},
        {"exactly 1 fen left", 401, 200, 500, rules, std::nullopt, 400},
        {"zero points", 10'000, 0, 500, rules, points_spend_problem::not_positive, 0},
        {"negative points", 10'000, -5, 500, rules, points_spend_problem::not_positive, 0},
        {"spending off", 10'000, 10, 500, {1, 2, 0, 24}, points_spend_problem::spending_off, 0},
        {"over the balance", 10'000, 121, 120, rules, points_spend_problem::over_balance, 0},
        {"over the per-order maximum", 10'000, 201, 500, rules, points_spend_problem::over_order_maximum, 0},
        {"would leave 0 fen", 400, 200, 500, rules, points_spend_problem::leaves_nothing_to_pay, 0},
        {"would go past the price", 300, 200, 500, rules, points_spend_problem::leaves_nothing_to_pay, 0},
        {"a 1-fen order", 1, 1, 500, rules, points_spend_problem::leaves_nothing_to_pay, 0},
    };
    for (const auto& r : rows) {
        const auto plan = plan_points_spend(r.payable, r.points, r.balance, r.rules);
        EXPECT_EQ(plan.problem, r.problem) << r.name << ": got " << spend_problem_name(plan.problem);
        EXPECT_EQ(plan.spend.has_value(), !r.problem.has_value()) << r.name << ": a plan or a problem, never both";
        if (plan.spend) {
            EXPECT_EQ(plan.spend->points, r.points) << r.name;
            EXPECT_EQ(plan.spend->discount_fen, r.discount) << r.name;
            EXPECT_GE(r.payable - plan.spend->discount_fen, 1) << r.name;
        }
    }
}

// max_spendable_points is exactly the edge plan_points_spend accepts.
TEST(member_points_spend, property_the_maximum_is_the_edge_of_the_plan) {
    std::mt19937_64 rng(17);
    for (int c = 0; c < 3'000; ++c) {
        const points_rules rules{1, std::uniform_int_distribution<std::int64_t>(1, 100)(rng),
                                 std::uniform_int_distribution<std::int64_t>(0, 5'000)(rng), 24};
        const auto payable = std::uniform_int_distribution<std::int64_t>(0, 200'000)(rng);
        const auto balance = std::uniform_int_distribution<std::int64_t>(0, 6'000)(rng);
        const auto max = max_spendable_points(payable, balance, rules);
        ASSERT_GE(max, 0);
        if (max > 0) {
            const auto plan = plan_points_spend(payable, max, balance, rules);
            ASSERT_TRUE(plan.spend) << "case " << c << ": " << spend_problem_name(plan.problem);
            ASSERT_GE(payable - plan.spend->discount_fen, 1);
        }
        ASSERT_FALSE(plan_points_spend(payable, max + 1, balance, rules).spend) << "case " << c << " payable " << payable;
    }
}

TEST(member_points_lots, earliest_expiry_first_ties_by_id) {
    const auto t1 = at("2026-03-31T16:00:00Z");
    const auto t2 = at("2026-06-30T16:00:00Z");
    const auto t3 = at("2027-01-31T16:00:00Z");
    const std::vector<points_lot> lots{{5, 100, t3}, {9, 40, t1}, {2, 30, t2}, {4, 0, t1}, {7, 50, t1}, {3, 25, t2}};
    struct row {
        std::int64_t points;
        std::vector<std::pair<std::uint64_t, std::int64_t>> draws;
    };
    const row rows[] = {
        {0, {}},
        {10, {{7, 10}}},                         // t1: id 4 is empty, 7 before 9
        {50, {{7, 50}}},
        {51, {{7, 50}, {9, 1}}},
        {95, {{7, 50}, {9, 40}, {2, 5}}},        // then t2, id 2 before 3
        {145, {{7, 50}, {9, 40}, {2, 30}, {3, 25}}},
        {146, {{7, 50}, {9, 40}, {2, 30}, {3, 25}, {5, 1}}},
        {245, {{7, 50}, {9, 40}, {2, 30}, {3, 25}, {5, 100}}},
        {1'000, {{7, 50}, {9, 40}, {2, 30}, {3, 25}, {5, 100}}},  // at most what the lots hold
        {-5, {}},
    };
    for (const auto& r : rows) {
        const auto draws = draw_from_lots(lots, r.points);
        std::vector<std::pair<std::uint64_t, std::int64_t>> got;
        for (const auto& d : draws) got.emplace_back(d.lot_id, d.points);
        EXPECT_EQ(got, r.draws) << r.points;
    }
}

TEST(member_points_expiry, end_of_the_local_day_months_later_clamped_to_month_end) {
    struct row {
        const char* vested;
        std::int32_t months;
        const char* expires;  // the next local midnight after the last valid day
    };
    const row rows[] = {
        {"2026-01-31T10:00:00+08:00", 1, "2026-03-01T00:00:00+08:00"},   // clamps to 2026-02-28
        {"2026-01-30T17:00:00Z", 1, "2026-03-01T00:00:00+08:00"},        // 01:00 on the 31st in Shanghai
        {"2026-01-30T15:59:59Z", 1, "2026-03-01T00:00:00+08:00"},        // 23:59:59 on the 30th: Feb 28 too (clamped)
        {"2026-01-29T12:00:00+08:00", 1, "2026-03-01T00:00:00+08:00"},   // the 29th clamps to the 28th as well
        {"2026-01-28T23:59:59+08:00", 1, "2026-03-01T00:00:00+08:00"},
        {"2026-01-27T16:00:00Z", 1, "2026-03-01T00:00:00+08:00"},        // 00:00 on the 28th local
        {"2026-01-27T15:59:59Z", 1, "2026-02-28T00:00:00+08:00"},        // still the 27th local
        {"2028-01-31T09:00:00+08:00", 1, "2028-03-01T00:00:00+08:00"},   // leap year: Feb 29
        {"2024-02-29T09:00:00+08:00", 12, "2025-03-01T00:00:00+08:00"},  // Feb 29 -> Feb 28 next year
        {"2026-08-31T09:00:00+08:00", 1, "2026-10-01T00:00:00+08:00"},   // Sep 30
        {"2026-03-15T09:00:00+08:00", 24, "2028-03-16T00:00:00+08:00"},  // the default 24 months
        {"2026-11-30T20:00:00+08:00", 3, "2027-03-01T00:00:00+08:00"},   // across a year end: Feb 28 2027
        {"2026-12-31T23:30:00+08:00", 2, "2027-03-01T00:00:00+08:00"},
        {"2026-05-31T12:00:00+08:00", 120, "2036-06-01T00:00:00+08:00"},  // May 31 -> May 31 ten years on
    };
    for (const auto& r : rows)
        EXPECT_EQ(points_expire_at(at(r.vested), r.months, shanghai), at(r.expires)) << r.vested << " + " << r.months;
    // The same instant in UTC (offset 0) is a different local day: its own end of day.
    EXPECT_EQ(points_expire_at(at("2026-01-30T17:00:00Z"), 1, std::chrono::minutes(0)), at("2026-03-01T00:00:00Z"));
    EXPECT_EQ(points_expire_at(at("2026-01-27T20:00:00Z"), 1, std::chrono::minutes(0)), at("2026-02-28T00:00:00Z"));
}
