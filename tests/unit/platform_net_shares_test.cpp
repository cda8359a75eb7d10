// The platform's net and its shares (server/domain/platform_net_shares.hpp; issue 21,
// docs/business-rules.md section 3): the research note's worked example (2.4), vacant levels, a
// month of refunds, carrying a negative month, and the validators.
#include "server/domain/platform_net_shares.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;
using namespace std::chrono;

TEST(platform_net_shares, the_worked_example_a_merchant_in_nanshan_for_a_month) {
    // Settled sales 50,000,000 fen at c = 1000: K 5,000,000; the fund's half 2,500,000; lock rewards
    // paid for fans of other merchants 100,000.
    const auto net = platform_net_fen(5'000'000, 2'500'000, 100'000);
    EXPECT_EQ(net, 2'400'000);
    const auto split = split_platform_net(net, share_rates{}, share_holders{true, true, true, true});
    EXPECT_EQ(split.promoter_fen, 480'000);
    EXPECT_EQ(split.county_fen, 240'000);
    EXPECT_EQ(split.city_fen, 120'000);
    EXPECT_EQ(split.province_fen, 72'000);
    EXPECT_EQ(split.platform_fen, 1'488'000);
}

TEST(platform_net_shares, a_vacant_level_stays_with_the_platform_and_floors_remain_its_own) {
    const auto split = split_platform_net(2'400'000, share_rates{}, share_holders{true, false, true, false});
    EXPECT_EQ(split.county_fen, 0);
    EXPECT_EQ(split.province_fen, 0);
    EXPECT_EQ(split.platform_fen, 2'400'000 - 480'000 - 120'000);
    const auto odd = split_platform_net(9'999, share_rates{}, share_holders{true, true, true, true});
    EXPECT_EQ(odd.promoter_fen, 1'999);
    EXPECT_EQ(odd.county_fen, 999);
    EXPECT_EQ(odd.city_fen, 499);
    EXPECT_EQ(odd.province_fen, 299);
    EXPECT_EQ(odd.promoter_fen + odd.county_fen + odd.city_fen + odd.province_fen + odd.platform_fen, 9'999);
}

TEST(platform_net_shares, a_month_of_refunds_takes_back_what_its_sales_gave_and_is_carried_not_paid) {
    const share_holders all{true, true, true, true};
    const auto sale = split_platform_net(9'999, share_rates{}, all);
    const auto refund = split_platform_net(-9'999, share_rates{}, all);
    EXPECT_EQ(refund.promoter_fen, -sale.promoter_fen);
    EXPECT_EQ(refund.county_fen, -sale.county_fen);
    EXPECT_EQ(refund.platform_fen, -sale.platform_fen);
    // A late refund's month: -300 for the promoter, carried; the next month's 1,000 pays 700.
    auto month = settle_period(0, -300);
    EXPECT_EQ(month.payable_fen, 0);
    EXPECT_EQ(month.carried_fen, -300);
    month = settle_period(month.carried_fen, 1'000);
    EXPECT_EQ(month.payable_fen, 700);
    EXPECT_EQ(month.carried_fen, 0);
}

TEST(platform_net_shares, rates_over_half_of_the_net_or_out_of_range_are_refused_with_every_reason) {
    EXPECT_TRUE(validate_share_rates(share_rates{}).empty()) << "the defaults: 3800 bp";
    EXPECT_TRUE(validate_share_rates(share_rates{2000, 1500, 1000, 500}).empty()) << "5000 exactly";
    const auto over = validate_share_rates(share_rates{2500, 1500, 1000, 500});
    ASSERT_EQ(over.size(), 1u);
    EXPECT_EQ(over[0].code, "shares_over_half");
    const auto bad = validate_share_rates(share_rates{-1, 1000, 20000, 300});
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_EQ(bad[0].field, "promoter_bp");
    EXPECT_EQ(bad[1].field, "city_bp");
}

TEST(platform_net_shares, an_appointment_is_refused_with_every_reason_territory_dates_rate_and_recruiting) {
    const sys_days jan{year{2027} / 1 / 1}, jul{year{2027} / 7 / 1}, next_jan{year{2028} / 1 / 1};
    appointment_facts f{.proposed = {1000, jan, next_jan}, .level_rate_bp = 1000, .taken = {}, .uppers = {{500, jan, next_jan}}};
    EXPECT_TRUE(check_centre_appointment(f).empty()) << "within the city's contract, at the level's rate";
    // A county at 1000 under a city at 500 is the defaults' shape: not refused on rates.
    f.uppers.clear();
    EXPECT_TRUE(check_centre_appointment(f).empty()) << "no upper centre appointed: nothing to stay within";
    f.uppers = {{500, jul, next_jan}};  // the city appointed from July: part of the time
    EXPECT_EQ(check_centre_appointment(f).at(0).code, "dates_outside_upper");
    f.uppers = {{500, jul, next_jan}, {500, sys_days{year{2026} / 1 / 1}, sys_days{year{2027} / 3 / 1}}};  // two contracts: neither covers it
    EXPECT_EQ(check_centre_appointment(f).at(0).code, "dates_outside_upper");
    f.uppers = {{500, next_jan, sys_days{year{2029} / 1 / 1}}};  // only later: no upper meanwhile
    EXPECT_TRUE(check_centre_appointment(f).empty());

    f.proposed.rate_bp = 1200;
    f.taken = {{1000, sys_days{year{2026} / 6 / 1}, sys_days{year{2027} / 2 / 1}}};
    f.uppers = {{500, jul, next_jan}};
    f.fee_income_bp = 100;
    f.override_bp = 50;
    f.recruitment_reward_fen = 10'000;
    const auto refused = check_centre_appointment(f);
    std::vector<std::string> codes;
    for (const auto& p : refused) codes.push_back(p.code);
    EXPECT_EQ(codes, (std::vector<std::string>{"rate_above_level", "territory_taken", "dates_outside_upper", "centre_fee_income", "centre_override",
                                               "recruitment_reward"}));
    const auto ended = appointment_facts{.proposed = {100, jul, jan}, .level_rate_bp = 1000, .taken = {}, .uppers = {}};
    EXPECT_EQ(check_centre_appointment(ended).at(0).code, "dates_reversed");
    // A contract ending the day the other starts does not overlap it.
    const auto adjacent = appointment_facts{.proposed = {1000, jul, next_jan}, .level_rate_bp = 1000, .taken = {{1000, jan, jul}}, .uppers = {}};
    EXPECT_TRUE(check_centre_appointment(adjacent).empty());
}

TEST(platform_net_shares, the_configuration_and_the_promoters_term) {
    EXPECT_TRUE(validate_net_share_config(net_share_config{}).empty());
    net_share_config bad;
    bad.promoter_term_months = 0;
    bad.assist_fee_fen = -1;
    bad.assist_min_orders = 0;
    bad.rates.county_bp = 3000;
    const auto problems = validate_net_share_config(bad);
    ASSERT_EQ(problems.size(), 4u);
    EXPECT_EQ(problems[0].code, "shares_over_half");
    EXPECT_EQ(problems[1].field, "promoter_term_months");
    // 24 months from 2026-08-31 10:00 Beijing time end on 2028-08-31; from a 31st into a February, its last day.
    const auto offset = std::chrono::minutes(480);
    const auto start = sys_days{year{2026} / 8 / 31} + hours{2};  // 10:00 in Beijing
    EXPECT_EQ(term_end(start, 24, offset), sys_days{year{2028} / 8 / 31} + hours{2});
    EXPECT_EQ(term_end(start, 6, offset), sys_days{year{2027} / 2 / 28} + hours{2});
    // 2026-12-31 20:00 UTC is 2027-01-01 04:00 in Beijing: the term runs to 2027-02-01 04:00 there.
    EXPECT_EQ(term_end(sys_days{year{2026} / 12 / 31} + hours{20}, 1, offset), sys_days{year{2027} / 1 / 31} + hours{20});
    EXPECT_EQ(share_of_month({{2'400'000, 2000}, {-100'001, 2000}}), 480'000 - 20'000);
}
