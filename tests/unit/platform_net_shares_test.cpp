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

TEST(platform_net_shares, a_lower_centre_may_not_earn_more_or_run_longer_than_its_upper) {
    const sys_days jan{year{2027} / 1 / 1}, jul{year{2027} / 7 / 1}, dec{year{2027} / 12 / 31};
    const centre_terms city{500, jan, dec};
    EXPECT_TRUE(check_centre_terms(centre_terms{500, jan, jul}, city).empty());
    EXPECT_TRUE(check_centre_terms(centre_terms{1000, jan, dec}, std::nullopt).empty()) << "no upper centre: nothing to compare";
    const auto refused = check_centre_terms(centre_terms{600, jan, dec + days{1}}, city);
    ASSERT_EQ(refused.size(), 2u);
    EXPECT_EQ(refused[0].code, "rate_above_upper");
    EXPECT_EQ(refused[1].code, "dates_outside_upper");
    EXPECT_EQ(check_centre_terms(centre_terms{100, jul, jan}, std::nullopt).at(0).code, "dates_reversed");
}
