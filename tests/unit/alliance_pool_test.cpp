// The alliance's points pool (docs/business-rules.md section 3): the sustainability validator,
// accrual, dividends, advances and refunds, and the worked example of section 3 end to end.
#include "server/domain/alliance_accrual.hpp"
#include "server/domain/alliance_config.hpp"
#include "server/domain/alliance_dividends.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

using namespace sharedstore;

namespace {

std::set<std::string> codes(const std::vector<validation_problem>& problems) {
    std::set<std::string> out;
    for (const auto& p : problems) out.insert(p.field + ":" + p.code);
    return out;
}

std::map<std::uint64_t, std::int64_t> by_holder(const pool_dividend_plan& plan) {
    std::map<std::uint64_t, std::int64_t> out;
    for (const auto& r : plan.releases) out[r.holder] += r.fen;
    return out;
}

void record_releases(std::vector<pool_lot>& lots, const pool_dividend_plan& plan) {
    for (const auto& r : plan.releases)
        for (auto& lot : lots)
            if (lot.id == r.lot_id) lot.released_fen += r.fen;
}

TEST(alliance_pool_config, the_defaults_are_funded) {
    const alliance_pool_config defaults;
    EXPECT_TRUE(validate_pool_config(defaults, min_concession_bp).empty());
    EXPECT_EQ(sustainable_rate_cap_bp(5000, 1500), 326);
    EXPECT_EQ(sustainable_rate_cap_bp(10000, 1500), 652);
    EXPECT_EQ(sustainable_quota_bp(5000), 2500);
    EXPECT_EQ(sustainable_lock_bp(5000, 300), 150);
}

TEST(alliance_pool_config, unfunded_numbers_are_refused_each_with_its_reason) {
    alliance_pool_config c;
    c.rate_cap_bp = 400;   // above 326 at fund share 5000 and growth 1500
    c.quota_bp = 50000;    // above min(5000, 2500)
    c.lock_bp = 200;       // above 150 at the lowest concession 300
    const auto problems = validate_pool_config(c, 300);
    EXPECT_EQ(codes(problems), (std::set<std::string>{"rate_cap_bp:rate_cap_unfunded", "quota_bp:quota_unfunded", "lock_bp:lock_unfunded"}));
    for (const auto& p : problems) EXPECT_FALSE(p.message.empty()) << p.code;

    alliance_pool_config one;
    one.rate_cap_bp = 327;
    EXPECT_EQ(codes(validate_pool_config(one, 300)), (std::set<std::string>{"rate_cap_bp:rate_cap_unfunded"})) << "one bp past the bound";
    one.rate_cap_bp = 326;
    EXPECT_TRUE(validate_pool_config(one, 300).empty()) << "the bound itself is funded";
    alliance_pool_config lock_at_higher_concession;
    lock_at_higher_concession.lock_bp = 200;
    EXPECT_TRUE(validate_pool_config(lock_at_higher_concession, 400).empty()) << "200 bp fits the platform's part of 400 bp";
}

TEST(alliance_pool_config, values_out_of_range_and_a_first_rate_above_the_cap_are_named) {
    alliance_pool_config c;
    c.growth_bp = 0;
    c.vest_days = 3;
    c.first_rate_bp = 400;
    c.rate_cap_bp = 300;
    const auto found = codes(validate_pool_config(c, 300));
    EXPECT_TRUE(found.count("growth_bp:out_of_range"));
    EXPECT_TRUE(found.count("vest_days:out_of_range")) << "lots vest after the refund window, never before 7 days";
    EXPECT_TRUE(found.count("first_rate_bp:first_rate_above_cap"));
}

TEST(alliance_accrual, a_concession_splits_into_fund_lock_and_platform_that_sum_to_it) {
    const auto at_home = split_concession(15000, 1000, 5000, false, 100);
    EXPECT_EQ(at_home.concession_fen, 1500);
    EXPECT_EQ(at_home.lot_cp, 1500);
    EXPECT_EQ(at_home.fund_fen, 750);
    EXPECT_EQ(at_home.lock_fen, 0) << "no lock reward at the locking merchant itself";
    EXPECT_EQ(at_home.platform_fen, 750);
    const auto elsewhere = split_concession(15000, 1000, 5000, true, 100);
    EXPECT_EQ(elsewhere.lock_fen, 150);
    EXPECT_EQ(elsewhere.platform_fen, 600);
    EXPECT_EQ(elsewhere.fund_fen + elsewhere.lock_fen + elsewhere.platform_fen, elsewhere.concession_fen);
    // Floors: 333 fen at 300 bp is 9 fen (9.99 floored); the fund takes 4, the lock 3, the platform the remainder.
    const auto tiny = split_concession(333, 300, 5000, true, 100);
    EXPECT_EQ(tiny.concession_fen, 9);
    EXPECT_EQ(tiny.fund_fen, 4);
    EXPECT_EQ(tiny.lock_fen, 3);
    EXPECT_EQ(tiny.platform_fen, 2);
    const auto greedy = split_concession(100, 300, 5000, true, 10000);
    EXPECT_EQ(greedy.lock_fen, greedy.concession_fen - greedy.fund_fen) << "never more than the platform's part";
    EXPECT_EQ(greedy.platform_fen, 0);
}

TEST(alliance_accrual, refunds_in_parts_reverse_exactly_what_a_whole_refund_would) {
    // A lot of 20000 cp on a 1000-yuan order refunded in three parts, and the fund share of 10000.
    std::int64_t lot = 0, fund = 0, refunded = 0;
    for (std::int64_t part : {33333, 33333, 33334}) {
        lot += reversal_of(20000, 100000, refunded, part, lot);
        fund += reversal_of(10000, 100000, refunded, part, fund);
        refunded += part;
    }
    EXPECT_EQ(lot, 20000);
    EXPECT_EQ(fund, 10000);
    EXPECT_EQ(reversal_of(20000, 100000, 0, 33333, 0), 6666) << "floor(20000 x 33333 / 100000)";
    EXPECT_EQ(reversal_of(20000, 100000, 100000, 5, 20000), 0) << "nothing past a whole refund";
}

TEST(alliance_dividends, the_next_threshold_is_computed_from_the_recorded_pool_not_the_threshold) {
    alliance_pool_config c;
    c.initial_value_cp = 40000;
    c.min_holders = 1;
    EXPECT_EQ(next_dividend_threshold(40000, 1500), 46000);
    EXPECT_EQ(next_dividend_threshold(47000, 1500), 54050);
    EXPECT_EQ(next_dividend_threshold(1, 1500), 2) << "ceil";
    // Dividend 1 fired at 47000 (it crossed 40000 by more): dividend 2 waits for 54050, not 46000.
    EXPECT_FALSE(dividend_due(c, 2, 50000, 5, 47000));
    EXPECT_TRUE(dividend_due(c, 2, 54050, 5, 47000));
    // One dividend per crossing: a jump past several thresholds fires dividend 2; dividend 3 then
    // counts from the 100000 recorded.
    EXPECT_TRUE(dividend_due(c, 2, 100000, 5, 40000));
    EXPECT_FALSE(dividend_due(c, 3, 100000, 5, 100000));
    c.min_holders = 20;
    EXPECT_FALSE(dividend_due(c, 1, 40000, 19, 0)) << "the initial value needs enough consumer holders";
    EXPECT_TRUE(dividend_due(c, 1, 40000, 20, 0));
    // What the operator's page and the job say the next dividend waits for.
    EXPECT_EQ(dividend_threshold_cp(c, std::nullopt), 40000) << "before the first: the initial value";
    EXPECT_EQ(dividend_threshold_cp(c, 47000), 54050);
}

TEST(alliance_dividends, the_rate_rises_by_its_step_to_the_cap) {
    const alliance_pool_config c;
    EXPECT_EQ(dividend_rate_bp(c, 1), 50);
    EXPECT_EQ(dividend_rate_bp(c, 2), 60);
    EXPECT_EQ(dividend_rate_bp(c, 26), 300);
    EXPECT_EQ(dividend_rate_bp(c, 27), 300);
}

TEST(alliance_dividends, a_dividend_larger_than_the_free_fund_is_scaled_down_to_it) {
    const alliance_pool_config c;
    const std::vector<pool_lot> lots{{1, 10, 20000, 0}, {2, 11, 20000, 0}, {3, 12, 333, 0}};
    const auto full = plan_dividend(c, 1, lots, 1'000'000);
    EXPECT_EQ(full.wanted_fen, 201) << "100 + 100 + floor(333 x 50 / 10000) = 1";
    EXPECT_FALSE(full.scaled);
    const auto short_fund = plan_dividend(c, 1, lots, 150);
    EXPECT_TRUE(short_fund.scaled);
    EXPECT_LE(short_fund.released_fen, 150) << "never an unfunded voucher";
    EXPECT_EQ(by_holder(short_fund).at(10), 74) << "floor(100 x 150 / 201)";
    EXPECT_EQ(short_fund.released_fen, 148);
    EXPECT_EQ(plan_dividend(c, 1, lots, 0).released_fen, 0);
}

TEST(alliance_dividends, the_batch_pieces_give_the_plan_lot_by_lot) {
    // The dividend job applies lot_release_fen and scaled_release_fen lot by lot in chunks; the sum
    // is the plan's, scaled or not.
    alliance_pool_config config;
    const std::vector<pool_lot> lots{{1, 10, 20000, 0}, {2, 10, 3333, 0}, {3, 11, 777, 80}, {4, 12, 999999, 2000}};
    for (const std::int64_t fund : {1'000'000LL, 500LL, 37LL, 0LL}) {
        const auto plan = plan_dividend(config, 3, lots, fund);
        std::int64_t wanted = 0, sum = 0;
        for (const auto& lot : lots) wanted += lot_release_fen(lot.cp, lot.released_fen, plan.rate_bp, config.quota_bp);
        EXPECT_EQ(wanted, plan.wanted_fen);
        const auto available = std::min(wanted, fund);
        for (const auto& lot : lots) sum += scaled_release_fen(lot_release_fen(lot.cp, lot.released_fen, plan.rate_bp, config.quota_bp), available, wanted);
        EXPECT_EQ(sum, plan.released_fen) << "fund " << fund;
        EXPECT_LE(sum, fund);
    }
}

TEST(alliance_dividends, a_refund_takes_back_released_vouchers_in_proportion) {
    EXPECT_EQ(released_clawback_fen(220, 20000, 10000), 110);
    EXPECT_EQ(released_clawback_fen(110, 10000, 0), 110) << "nothing left: everything back";
    EXPECT_EQ(released_clawback_fen(9, 1500, 1000), 9 - 6) << "what stays out is floored: floor(9 x 1000 / 1500) = 6";
    EXPECT_EQ(released_clawback_fen(0, 1500, 1000), 0);
    // Refunds in parts leave out what one refund to the same size would: floor(r x after / before) chains.
    std::int64_t out = 333;
    out -= released_clawback_fen(out, 30000, 21000);
    out -= released_clawback_fen(out, 21000, 7000);
    EXPECT_LE(out, 333 * 7000 / 30000);
    EXPECT_GE(out, 333 * 7000 / 30000 - 1) << "at most a fen of rounding per part, always in the fund's favour";
}

TEST(alliance_dividends, a_lot_stops_releasing_at_its_lifetime_quota) {
    alliance_pool_config c;
    EXPECT_EQ(lot_quota_fen(20000, c.quota_bp), 5000);
    const std::vector<pool_lot> nearly{{1, 10, 20000, 4950}};
    EXPECT_EQ(plan_dividend(c, 26, nearly, 1'000'000).released_fen, 50) << "600 wanted at 300 bp, 50 of the quota left";
    const std::vector<pool_lot> spent{{1, 10, 20000, 5000}};
    const auto none = plan_dividend(c, 26, spent, 1'000'000);
    EXPECT_EQ(none.released_fen, 0);
    EXPECT_TRUE(none.releases.empty());
    EXPECT_EQ(none.pool_cp, 20000) << "an exhausted lot still counts in the pool";
    // With the defaults a lot vested before dividend 1 is exhausted after 19 dividends.
    std::vector<pool_lot> lot{{1, 10, 20000, 0}};
    int paid = 0;
    for (int n = 1; n <= 30; ++n) {
        const auto plan = plan_dividend(c, n, lot, 1'000'000);
        if (plan.released_fen > 0) paid = n;
        record_releases(lot, plan);
    }
    EXPECT_EQ(paid, 19);
    EXPECT_EQ(lot[0].released_fen, 5000);
}

TEST(alliance_dividends, an_advance_is_repaid_before_anything_is_credited_and_stays_in_its_budget) {
    EXPECT_EQ(credit_after_advance(140, 300).repaid_fen, 140);
    EXPECT_EQ(credit_after_advance(140, 300).credited_fen, 0);
    EXPECT_EQ(credit_after_advance(180, 0).credited_fen, 180);
    EXPECT_EQ(credit_after_advance(200, 50).repaid_fen, 50);
    EXPECT_EQ(credit_after_advance(200, 50).credited_fen, 150);
    const alliance_pool_config c;
    EXPECT_TRUE(advance_fits_budget(c, 11268, 0, 2253)) << "2000 bp of 11268 is 2253";
    EXPECT_FALSE(advance_fits_budget(c, 11268, 0, 2254));
    EXPECT_FALSE(advance_fits_budget(c, 11268, 2000, 300)) << "all advances together";
    EXPECT_FALSE(advance_fits_budget(c, 11268, 0, 0));
}

// docs/business-rules.md section 3.1, "Worked example" (S0 lowered to 400 points).
TEST(alliance_worked_example, from_the_first_purchase_to_the_fifth_dividend) {
    alliance_pool_config c;
    c.initial_value_cp = 40000;
    c.min_holders = 1;
    enum : std::uint64_t { a = 1, b = 2, cc = 3, A = 101, B = 102 };
    std::vector<pool_lot> lots;
    std::int64_t fund = 0, pool = 0;
    std::uint64_t next_lot = 1;
    auto pay = [&](std::uint64_t consumer, std::uint64_t merchant, std::int64_t paid_fen, int concession_bp, bool locked_elsewhere) {
        const auto s = split_concession(paid_fen, concession_bp, c.fund_share_bp, locked_elsewhere, c.lock_bp);
        lots.push_back({next_lot++, consumer, s.lot_cp, 0});
        lots.push_back({next_lot++, merchant, s.lot_cp, 0});
        fund += s.fund_fen;
        pool += 2 * s.lot_cp;
        return s;
    };

    // 1. a pays 1000.00 at A (c = 2000).
    const auto first = pay(a, A, 100000, 2000, false);
    EXPECT_EQ(first.concession_fen, 20000);
    EXPECT_EQ(pool, 40000);
    EXPECT_EQ(fund, 10000);
    ASSERT_TRUE(dividend_due(c, 1, pool, 1, 0));

    // 2. Dividend 1 at 50 bp: 100 fen each.
    auto d1 = plan_dividend(c, 1, lots, fund);
    EXPECT_EQ(by_holder(d1), (std::map<std::uint64_t, std::int64_t>{{a, 100}, {A, 100}}));
    record_releases(lots, d1);
    fund -= d1.released_fen;
    EXPECT_EQ(fund, 9800);
    const auto s1 = d1.pool_cp;
    EXPECT_EQ(next_dividend_threshold(s1, c.growth_bp), 46000);

    // 3. b pays 200.00 at B (c = 1000).
    pay(b, B, 20000, 1000, false);
    EXPECT_EQ(pool, 44000);
    EXPECT_EQ(fund, 10800);
    EXPECT_FALSE(dividend_due(c, 2, pool, 2, s1));

    // 4. c, a locked fan of A, pays 150.00 at B: fund 750, lock 150 to A, platform 600.
    const auto fourth = pay(cc, B, 15000, 1000, true);
    EXPECT_EQ(fourth.fund_fen, 750);
    EXPECT_EQ(fourth.lock_fen, 150);
    EXPECT_EQ(fourth.platform_fen, 600);
    EXPECT_EQ(pool, 47000);
    EXPECT_EQ(fund, 11550);
    ASSERT_TRUE(dividend_due(c, 2, pool, 3, s1));

    // 5. Dividend 2 at 60 bp: a 120, A 120, b 12, B 12 + 9, c 9; 282 in all.
    auto d2 = plan_dividend(c, 2, lots, fund);
    EXPECT_EQ(by_holder(d2), (std::map<std::uint64_t, std::int64_t>{{a, 120}, {A, 120}, {b, 12}, {B, 21}, {cc, 9}}));
    EXPECT_EQ(d2.released_fen, 282);
    record_releases(lots, d2);
    fund -= d2.released_fen;
    EXPECT_EQ(fund, 11268);
    EXPECT_EQ(next_dividend_threshold(d2.pool_cp, c.growth_bp), 54050);

    // The advance for a after dividend 2: quota 5000, released 220; the next three rates 70, 80, 90 bp.
    std::vector<pool_lot> a_lots;
    for (const auto& lot : lots)
        if (lot.holder == a) a_lots.push_back(lot);
    EXPECT_EQ(a_lots[0].released_fen, 220);
    EXPECT_EQ(advance_limit_fen(c, 3, a_lots, 0), 480) << "140 + 160 + 180";
    ASSERT_TRUE(advance_fits_budget(c, fund, 0, 300));
    std::int64_t advance = 300;  // a spends 300 fen of it
    EXPECT_EQ(advance_limit_fen(c, 3, a_lots, advance), 180);

    // Dividends 3, 4 and 5 (the fund is ample): 140 repays, 160 repays, 180 is credited.
    std::vector<std::int64_t> credited;
    for (int n = 3; n <= 5; ++n) {
        auto plan = plan_dividend(c, n, lots, 1'000'000);
        const auto credit = credit_after_advance(by_holder(plan).at(a), advance);
        advance -= credit.repaid_fen;
        credited.push_back(credit.credited_fen);
        record_releases(lots, plan);
    }
    EXPECT_EQ(credited, (std::vector<std::int64_t>{0, 0, 180}));
    EXPECT_EQ(advance, 0);
}

}  // namespace
