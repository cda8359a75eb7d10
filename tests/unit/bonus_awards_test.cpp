// The awards on the worked examples of docs/business-rules.md section 7 (T1 2000 bp, T2 3000 bp,
// T3 5000 bp, profit 100000 fen).
#include "server/domain/bonus_awards.hpp"

#include "server/domain/dividends.hpp"
#include "tests/unit/bonus_examples.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

// Designated initialisers below name only the fields a row is about; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono;

namespace {

const std::vector<share_tier> tiers{{"T1", 1'000'000, 2000}, {"T2", 3'000'000, 3000}, {"T3", 5'000'000, 5000}};

constexpr std::uint64_t customer = 100;

chain_partner partner(std::uint64_t id, std::int32_t rank) {
    const std::int32_t rates[] = {0, 2000, 3000, 5000};
    return {.partner_id = id, .user_id = id * 10, .tier_rank = rank, .rate_bp = rates[rank], .earns = true};
}

order_award_input order_of(chain_partner a1, std::optional<chain_partner> a2, std::int64_t profit = 100'000) {
    return {.kind = order_kind::purchase, .buyer_user_id = customer, .profit_fen = profit, .chain = {a1, a2}};
}

bonus_config config_with(bool level_difference, std::int32_t flat_bp = 0) {
    bonus_config c;
    c.level_difference = level_difference;
    c.flat_bp = flat_bp;
    return c;
}

const award_line* line(const order_awards& a, award_kind kind) {
    for (const auto& l : a.lines)
        if (l.kind == kind) return &l;
    return nullptr;
}

TEST(tier_standing, rank_counts_from_the_lowest_tier) {
    const std::vector<share_tier> shuffled{tiers[2], tiers[0], tiers[1]};
    EXPECT_FALSE(tier_standing_for(shuffled, 999'999));
    EXPECT_EQ(tier_standing_for(shuffled, 1'000'000)->rank, 1);
    EXPECT_EQ(tier_standing_for(shuffled, 4'000'000)->rank, 2);
    EXPECT_EQ(tier_standing_for(shuffled, 4'000'000)->rate_bp, 3000);
    EXPECT_EQ(tier_standing_for(shuffled, 9'000'000)->name, "T3");
}

// customer -> A1 (T1) -> A2 (T2) -> D (T3): A1 20000 cash, A2 10000 points, D nothing (the chain
// has no place for D).
TEST(order_awards, the_worked_chain_pays_a1_in_cash_and_a2_the_difference_in_points) {
    const auto a = compute_order_awards(order_of(partner(1, 1), partner(2, 2)), config_with(true));
    ASSERT_EQ(a.lines.size(), 2u);
    const auto* tier = line(a, award_kind::tier);
    ASSERT_TRUE(tier);
    EXPECT_EQ(tier->partner_id, 1u);
    EXPECT_EQ(tier->amount_fen, 20'000);
    EXPECT_EQ(tier->amount_fen, dividend_fen(100'000, 2000)) << "the tier award is the dividend, unchanged";
    EXPECT_EQ(tier->medium, award_medium::cash);
    const auto* diff = line(a, award_kind::level_difference);
    ASSERT_TRUE(diff);
    EXPECT_EQ(diff->partner_id, 2u);
    EXPECT_EQ(diff->rate_bp, 1000);
    EXPECT_EQ(diff->amount_fen, 10'000);
    EXPECT_EQ(diff->medium, award_medium::points);
    EXPECT_EQ(a.total_fen(), 30'000) << "R x base = 30000";
    EXPECT_EQ(a.cap_fen, 50'000);
    EXPECT_EQ(a.trimmed_fen(), 0);
}

TEST(order_awards, a2_at_a1s_tier_gets_the_flat_push) {
    const auto a = compute_order_awards(order_of(partner(1, 1), partner(2, 1)), config_with(true, 500));
    EXPECT_FALSE(line(a, award_kind::level_difference)) << "difference 0";
    const auto* flat = line(a, award_kind::flat_push);
    ASSERT_TRUE(flat);
    EXPECT_EQ(flat->amount_fen, 5'000);
    EXPECT_EQ(flat->medium, award_medium::points);
    EXPECT_EQ(a.total_fen(), 25'000);
    // Off by default.
    EXPECT_FALSE(line(compute_order_awards(order_of(partner(1, 1), partner(2, 1)), config_with(true)), award_kind::flat_push));
    // Never on a different tier.
    EXPECT_FALSE(line(compute_order_awards(order_of(partner(1, 1), partner(2, 2)), config_with(true, 500)), award_kind::flat_push));
}

TEST(order_awards, a2_below_a1_gets_nothing) {
    const auto a = compute_order_awards(order_of(partner(1, 3), partner(2, 2)), config_with(true, 500));
    ASSERT_EQ(a.lines.size(), 1u);
    EXPECT_EQ(a.lines[0].kind, award_kind::tier);
    EXPECT_EQ(a.lines[0].amount_fen, 50'000);
}

TEST(order_awards, level2_cash_needs_the_sign_off) {
    auto c = config_with(true);
    c.level2_cash = true;
    EXPECT_EQ(line(compute_order_awards(order_of(partner(1, 1), partner(2, 2)), c), award_kind::level_difference)->medium, award_medium::points)
        << "no sign-off: points";
    c.level2_cash_sign_off = cash_sign_off{.operator_user_id = 7, .signed_at = sys_days{2026y / March / 1}, .reference = "法律意见书 2026-017"};
    EXPECT_EQ(line(compute_order_awards(order_of(partner(1, 1), partner(2, 2)), c), award_kind::level_difference)->medium, award_medium::cash);
}

TEST(order_awards, only_a_customers_purchase_pays) {
    for (auto kind : {order_kind::buy_in, order_kind::top_up, order_kind::membership}) {
        auto o = order_of(partner(1, 1), partner(2, 2));
        o.kind = kind;
        EXPECT_TRUE(compute_order_awards(o, config_with(true, 500)).lines.empty()) << to_string(kind);
    }
    // A1's own purchase earns nobody anything; A2 buying as A1's customer earns A2 nothing.
    auto own = order_of(partner(1, 1), partner(2, 2));
    own.buyer_user_id = 10;
    EXPECT_TRUE(compute_order_awards(own, config_with(true)).lines.empty());
    auto a2_buys = order_of(partner(1, 1), partner(2, 2));
    a2_buys.buyer_user_id = 20;
    const auto a = compute_order_awards(a2_buys, config_with(true));
    ASSERT_EQ(a.lines.size(), 1u);
    EXPECT_EQ(a.lines[0].kind, award_kind::tier);
}

TEST(order_awards, who_earns) {
    // Level difference off (the default): A2 gets nothing.
    EXPECT_EQ(compute_order_awards(order_of(partner(1, 1), partner(2, 2)), bonus_config{}).lines.size(), 1u);
    // No A2.
    EXPECT_EQ(compute_order_awards(order_of(partner(1, 1), std::nullopt), config_with(true, 500)).total_fen(), 20'000);
    // A paused A1 the store stopped paying: no tier award, and A2 still gets only the difference.
    auto paused = partner(1, 1);
    paused.earns = false;
    const auto a = compute_order_awards(order_of(paused, partner(2, 2)), config_with(true));
    ASSERT_EQ(a.lines.size(), 1u);
    EXPECT_EQ(a.lines[0].kind, award_kind::level_difference);
    EXPECT_EQ(a.lines[0].amount_fen, 10'000);
    // A1 below the lowest tier: A2's difference is its whole rate; no flat push between two tierless.
    EXPECT_EQ(compute_order_awards(order_of(partner(1, 0), partner(2, 2)), config_with(true)).total_fen(), 30'000);
    EXPECT_TRUE(compute_order_awards(order_of(partner(1, 0), partner(2, 0)), config_with(true, 500)).lines.empty());
}

TEST(order_awards, the_cap_cuts_the_flat_push_first_then_the_difference) {
    // Same tier T3: 50000 tier + 5000 flat > cap 50000: the flat push is cut to 0.
    auto a = compute_order_awards(order_of(partner(1, 3), partner(2, 3)), config_with(true, 500));
    ASSERT_EQ(a.lines.size(), 2u);
    EXPECT_EQ(line(a, award_kind::tier)->amount_fen, 50'000);
    EXPECT_EQ(line(a, award_kind::flat_push)->uncapped_fen, 5'000);
    EXPECT_EQ(line(a, award_kind::flat_push)->amount_fen, 0);
    EXPECT_EQ(a.trimmed_fen(), 5'000);
    EXPECT_EQ(a.total_fen(), a.cap_fen);
    // A cap of 2500: T1 2000 + difference 1000 -> the difference is cut to 500.
    auto c = config_with(true);
    c.order_cap_bp = 2500;
    a = compute_order_awards(order_of(partner(1, 1), partner(2, 2)), c);
    EXPECT_EQ(line(a, award_kind::tier)->amount_fen, 20'000);
    EXPECT_EQ(line(a, award_kind::level_difference)->amount_fen, 5'000);
    // A cap below the tier (which the validator refuses) cuts the tier award last.
    c.order_cap_bp = 1000;
    a = compute_order_awards(order_of(partner(1, 1), partner(2, 2)), c);
    EXPECT_EQ(line(a, award_kind::tier)->amount_fen, 10'000);
    EXPECT_EQ(line(a, award_kind::level_difference)->amount_fen, 0);
}

TEST(order_awards, the_split_is_one_budget_to_the_fen) {
    // profit 333: floor(333 x 3000 / 10000) = 99 for the pair; A1 floor(66.6) = 66, A2 33.
    const auto a = compute_order_awards(order_of(partner(1, 1), partner(2, 2), 333), config_with(true));
    EXPECT_EQ(line(a, award_kind::tier)->amount_fen, 66);
    EXPECT_EQ(line(a, award_kind::level_difference)->amount_fen, 33);
    EXPECT_EQ(a.total_fen(), dividend_fen(333, 3000));
}

// Property: for random profits, chains and configurations, the awards never exceed the cap nor
// the higher rate's dividend plus the flat push, and A1's line is the dividend.
TEST(order_awards, never_more_than_the_cap) {
    std::mt19937_64 random(20260301);
    for (int round = 0; round < 20'000; ++round) {
        const auto profit = std::uniform_int_distribution<std::int64_t>(0, 10'000'000'000LL)(random);
        auto a1 = partner(1, static_cast<std::int32_t>(random() % 4));
        auto a2 = partner(2, static_cast<std::int32_t>(random() % 4));
        auto c = config_with(random() % 2, static_cast<std::int32_t>(random() % 3000));
        c.order_cap_bp = std::uniform_int_distribution<std::int32_t>(1, 10'000)(random);
        const auto a = compute_order_awards(order_of(a1, a2, profit), c);
        ASSERT_LE(a.total_fen(), dividend_fen(profit, c.order_cap_bp));
        ASSERT_LE(a.total_fen(), dividend_fen(profit, std::max(a1.rate_bp, a2.rate_bp)) + dividend_fen(profit, c.flat_bp));
        if (const auto* t = line(a, award_kind::tier); t && t->amount_fen == t->uncapped_fen) {
            ASSERT_EQ(t->amount_fen, dividend_fen(profit, a1.rate_bp));
        }
        for (const auto& l : a.lines) ASSERT_GE(l.amount_fen, 0);
    }
}

// Refunds reverse each award by its cumulative floor share: a partial refund, then the rest.
TEST(order_awards, refunds_reverse_every_award_exactly) {
    const auto a = compute_order_awards(order_of(partner(1, 1), partner(2, 2)), config_with(true));
    const std::int64_t amount = 300'000;  // the order's amount; profit 100000
    const auto first = reverse_order_awards(a, amount, 0, 100'001);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].kind, award_kind::tier);
    EXPECT_EQ(first[0].amount_fen, 6'666);  // floor(20000 x 100001 / 300000) = 6666.73
    EXPECT_EQ(first[1].kind, award_kind::level_difference);
    EXPECT_EQ(first[1].medium, award_medium::points);
    EXPECT_EQ(first[1].amount_fen, 3'333);  // floor(10000 x 100001 / 300000) = 3333.37
    const auto rest = reverse_order_awards(a, amount, 100'001, 199'999);
    EXPECT_EQ(rest[0].amount_fen, 13'334);
    EXPECT_EQ(rest[1].amount_fen, 6'667);
    EXPECT_EQ(first[0].amount_fen + rest[0].amount_fen, 20'000);
    EXPECT_EQ(first[1].amount_fen + rest[1].amount_fen, 10'000);
    EXPECT_THROW(reverse_order_awards(a, amount, 200'000, 100'001), std::invalid_argument);
    // A capped line reverses what it paid, not what it would have.
    const auto capped = compute_order_awards(order_of(partner(1, 3), partner(2, 3)), config_with(true, 500));
    const auto back = reverse_order_awards(capped, amount, 0, amount);
    EXPECT_EQ(back[0].amount_fen, 50'000);
    EXPECT_EQ(back[1].amount_fen, 0);
}

// Quarter profit 5000000, pool_bp 200 -> 100000; P1 3000000, P2 1500000, P3 800000 (below the
// 1000000 threshold): P1 66666, P2 33333, 1 fen stays.
TEST(top_dealer_pool, the_worked_quarter) {
    const top_dealer_bonus bonus{.pool_bp = 200, .threshold_fen = 1'000'000, .period = bonus_period::quarter};
    const auto pool = share_top_dealer_pool(5'000'000, bonus, {{3, 800'000}, {2, 1'500'000}, {1, 3'000'000}});
    EXPECT_EQ(pool.pool_fen, 100'000);
    EXPECT_EQ(pool.qualified_sales_fen, 4'500'000);
    ASSERT_EQ(pool.shares.size(), 2u);
    EXPECT_EQ(pool.shares[0].partner_id, 1u);
    EXPECT_EQ(pool.shares[0].amount_fen, 66'666);
    EXPECT_EQ(pool.shares[1].partner_id, 2u);
    EXPECT_EQ(pool.shares[1].amount_fen, 33'333);
    EXPECT_EQ(pool.remainder_fen, 1);
}

TEST(top_dealer_pool, edges) {
    const top_dealer_bonus bonus{.pool_bp = 200, .threshold_fen = 1'000'000, .period = bonus_period::quarter};
    // Nobody qualifies: the pool stays whole.
    auto pool = share_top_dealer_pool(5'000'000, bonus, {{1, 999'999}});
    EXPECT_TRUE(pool.shares.empty());
    EXPECT_EQ(pool.remainder_fen, 100'000);
    // Exactly at the threshold qualifies; a loss makes no pool.
    EXPECT_EQ(share_top_dealer_pool(5'000'000, bonus, {{1, 1'000'000}}).shares.size(), 1u);
    EXPECT_EQ(share_top_dealer_pool(-5, bonus, {{1, 1'000'000}}).pool_fen, 0);
    EXPECT_THROW(share_top_dealer_pool(5'000'000, bonus, {{1, 1'000'000}, {1, 2'000'000}}), std::invalid_argument);
    // Equal sales: by partner id, the remainder named.
    pool = share_top_dealer_pool(5'000'000, bonus, {{9, 1'000'000}, {4, 1'000'000}, {6, 1'000'000}});
    ASSERT_EQ(pool.shares.size(), 3u);
    EXPECT_EQ(pool.shares[0].partner_id, 4u);
    EXPECT_EQ(pool.shares[0].amount_fen, 33'333);
    EXPECT_EQ(pool.remainder_fen, 1);
}

// 烫染季 (bonus_examples.hpp): A1 reaches 23 new paying customers (vested by 04-07) -> 50000 on 04-08.
campaign_order new_customer_order(std::uint64_t id, std::uint64_t partner, std::uint64_t who, sys_days day, std::int64_t amount = 12'000) {
    return {.order_id = id,
            .partner_id = partner,
            .customer_user_id = who,
            .buyer_is_the_partner = false,
            .paid_at = day + hours(12),
            .amount_fen = amount,
            .refunded_fen = 0,
            .profit_fen = amount / 2,
            .vested = true,
            .customer_new = true,
            .product_units = 0};
}

TEST(project_award, the_worked_campaign) {
    std::vector<campaign_order> orders;
    for (std::uint64_t k = 0; k < 23; ++k) orders.push_back(new_customer_order(k + 1, 1, 1000 + k, march_1 + days(k)));
    // Partner 2 brings 19: one short.
    for (std::uint64_t k = 0; k < 19; ++k) orders.push_back(new_customer_order(100 + k, 2, 2000 + k, march_1 + days(k)));
    const auto c = perm_season();
    EXPECT_EQ(project_award_due_at(c, days(7)), sys_days{2026y / April / 8}) << "after the last order's refund window";
    const auto out = compute_project_award(c, orders);
    ASSERT_EQ(out.winners.size(), 1u);
    EXPECT_EQ(out.winners[0].partner_id, 1u);
    EXPECT_EQ(out.winners[0].count, 23);
    EXPECT_EQ(out.winners[0].amount_fen, 50'000);
    EXPECT_EQ(out.winners[0].reached_at, march_1 + days(19) + hours(12)) << "the 20th customer";
    EXPECT_EQ(out.paid_fen, 50'000);
    EXPECT_EQ(out.budget_left_fen, 450'000);
    ASSERT_EQ(out.entrants.size(), 2u);
    EXPECT_EQ(out.entrants[1].count, 19);
}

TEST(project_award, what_counts) {
    const auto c = perm_season();
    std::vector<campaign_order> orders;
    std::uint64_t id = 1;
    for (std::uint64_t k = 0; k < 20; ++k) orders.push_back(new_customer_order(id++, 1, 1000 + k, march_1 + days(k)));
    // Each of these would be the 20th for partner 2, and none counts.
    for (std::uint64_t k = 0; k < 19; ++k) orders.push_back(new_customer_order(id++, 2, 2000 + k, march_1));
    auto not_vested = new_customer_order(id++, 2, 3001, march_1);
    not_vested.vested = false;
    auto old_customer = new_customer_order(id++, 2, 3002, march_1);
    old_customer.customer_new = false;
    auto too_small = new_customer_order(id++, 2, 3003, march_1, 9'999);
    auto refunded_below = new_customer_order(id++, 2, 3004, march_1);
    refunded_below.refunded_fen = 2'001;  // 9999 net
    auto own = new_customer_order(id++, 2, 3005, march_1);
    own.buyer_is_the_partner = true;
    auto after = new_customer_order(id++, 2, 3006, april_1);
    auto before = new_customer_order(id++, 2, 3007, march_1 - days(1));
    auto again = new_customer_order(id++, 2, 2000, march_1 + days(2));  // a customer already counted
    for (const auto& o : {not_vested, old_customer, too_small, refunded_below, own, after, before, again}) orders.push_back(o);
    const auto out = compute_project_award(c, orders);
    ASSERT_EQ(out.winners.size(), 1u);
    EXPECT_EQ(out.winners[0].partner_id, 1u);
    EXPECT_EQ(out.entrants[1].count, 19);
    // A small first order, then a big one: the customer counts at the big one.
    orders.push_back(new_customer_order(id++, 2, 3003, march_1 + days(25)));
    const auto later = compute_project_award(c, orders);
    ASSERT_EQ(later.winners.size(), 2u);
    EXPECT_EQ(later.winners[1].partner_id, 2u);
    EXPECT_EQ(later.winners[1].reached_at, march_1 + days(25) + hours(12));
}

TEST(project_award, winner_limit_budget_and_ties) {
    auto c = perm_season();
    c.goal_count = 1;
    c.winner_limit = 3;
    c.budget_fen = 120'000;
    std::vector<campaign_order> orders;
    // Partners 5 and 4 reach the goal at the same moment; 4 has two customers; 6 and 7 come later.
    orders.push_back(new_customer_order(1, 5, 1, march_1));
    orders.push_back(new_customer_order(2, 4, 2, march_1));
    orders.push_back(new_customer_order(3, 4, 3, march_1 + days(1)));
    orders.push_back(new_customer_order(4, 6, 4, march_1 + days(2)));
    orders.push_back(new_customer_order(5, 7, 5, march_1 + days(3)));
    auto out = compute_project_award(c, orders);
    ASSERT_EQ(out.winners.size(), 3u);
    EXPECT_EQ(out.winners[0].partner_id, 4u) << "same moment: the larger count wins first";
    EXPECT_EQ(out.winners[1].partner_id, 5u);
    EXPECT_EQ(out.winners[2].partner_id, 6u);
    EXPECT_EQ(out.winners[2].award_fen, 50'000);
    EXPECT_EQ(out.winners[2].amount_fen, 20'000) << "what the budget has left";
    EXPECT_EQ(out.paid_fen, 120'000);
    EXPECT_EQ(out.budget_left_fen, 0);
    EXPECT_EQ(out.reached_unpaid, std::vector<std::uint64_t>{7});

    // A share of the winner's campaign sales (their profit, net of refunds), and units of a product.
    c = perm_season();
    c.goal = project_goal::product_units;
    c.product = "染发套餐";
    c.goal_count = 5;
    c.reward = project_reward::sales_bp;
    c.award_bp = 1000;
    auto o1 = new_customer_order(1, 1, 1, march_1, 30'001);
    o1.product_units = 3;
    o1.customer_new = false;  // units count whoever the customer is
    auto o2 = new_customer_order(2, 1, 2, march_1 + days(1), 20'000);
    o2.product_units = 2;
    o2.refunded_fen = 10'000;
    out = compute_project_award(c, {o1, o2});
    ASSERT_EQ(out.winners.size(), 1u);
    EXPECT_EQ(out.entrants[0].sales_profit_fen, 15'000 + 5'000);  // 15000 + (10000 - 5000)
    EXPECT_EQ(out.winners[0].amount_fen, 2'000);
}

}  // namespace
