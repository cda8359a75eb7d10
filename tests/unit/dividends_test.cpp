#include "server/domain/dividends.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

using namespace sharedstore;

namespace {

const margin_table margins{3000, {{"drinks", 6000}}};

TEST(dividends, the_seed_example_pays_200_yuan_on_1000_yuan_of_profit_at_20_percent) {
    EXPECT_EQ(dividend_fen(100'000, 2000), 20'000);
}

TEST(dividends, profit_comes_from_the_pos_or_the_category_margin_or_the_store_margin) {
    EXPECT_EQ(order_profit_fen(10'000, 1'234, "drinks", margins), 1'234);
    EXPECT_EQ(order_profit_fen(10'000, 20'000, "", margins), 10'000) << "a profit above the amount is capped";
    EXPECT_EQ(order_profit_fen(10'000, -5, "", margins), 0);
    EXPECT_EQ(order_profit_fen(10'000, std::nullopt, "drinks", margins), 6'000);
    EXPECT_EQ(order_profit_fen(10'000, std::nullopt, "food", margins), 3'000);
    EXPECT_EQ(order_profit_fen(10'000, std::nullopt, "", margins), 3'000);
    EXPECT_EQ(order_profit_fen(3, std::nullopt, "", margins), 0) << "0.9 fen floors to 0";
}

TEST(dividends, every_division_floors_to_the_fen) {
    EXPECT_EQ(dividend_fen(333, 3333), 110);  // 110.9889
    EXPECT_EQ(dividend_fen(1, 9999), 0);
    EXPECT_EQ(dividend_fen(1, 10000), 1);
    EXPECT_EQ(dividend_fen(10'000'000'000LL, 10000), 10'000'000'000LL);
}

TEST(dividends, who_earns) {
    const share_tier silver{"银卡", 1'000'000, 2000};
    EXPECT_EQ(dividend_ratio_bp({true, false, true, true, silver}), 2000);
    EXPECT_EQ(dividend_ratio_bp({false, false, true, true, silver}), std::nullopt) << "no owner";
    EXPECT_EQ(dividend_ratio_bp({true, true, true, true, silver}), std::nullopt) << "own purchase";
    EXPECT_EQ(dividend_ratio_bp({true, false, false, true, silver}), 2000) << "paused, store keeps paying";
    EXPECT_EQ(dividend_ratio_bp({true, false, false, false, silver}), std::nullopt) << "paused, store stops paying";
    EXPECT_EQ(dividend_ratio_bp({true, false, true, true, std::nullopt}), std::nullopt) << "below the lowest tier";
}

// When a dividend is due to settle is payouts_test's (dividend_settles); its two states read and
// write as the API's words.
TEST(dividends, a_dividends_state_reads_and_writes_as_its_word) {
    for (auto s : {dividend_state::pending, dividend_state::settled}) EXPECT_EQ(parse_dividend_state(to_string(s)), s);
    EXPECT_EQ(to_string(dividend_state::settled), "settled");
    EXPECT_FALSE(parse_dividend_state("withdrawable"));
}

TEST(dividends, refunds_outside_the_order_are_refused) {
    EXPECT_THROW(reversal_fen(100, 1000, 0, 0), std::invalid_argument);
    EXPECT_THROW(reversal_fen(100, 1000, 900, 101), std::invalid_argument);
    EXPECT_THROW(reversal_fen(100, 0, 0, 1), std::invalid_argument);
    EXPECT_EQ(reversal_fen(100, 1000, 900, 100), 10);
}

// Property: for random amounts, profits, ratios and refund sequences, a full refund's reversals
// sum exactly to the dividend, and at every step the reversed total stays within the dividend and
// within the refunded share of it.
TEST(dividends, refund_reversals_never_create_or_lose_a_fen) {
    std::mt19937_64 random(20261127);
    for (int round = 0; round < 20'000; ++round) {
        const std::int64_t amount = std::uniform_int_distribution<std::int64_t>(1, round % 2 ? 1'000 : 10'000'000'000LL)(random);
        const auto profit = order_profit_fen(amount, std::nullopt, "", {std::uniform_int_distribution<std::int32_t>(0, 10'000)(random), {}});
        const auto dividend = dividend_fen(profit, std::uniform_int_distribution<std::int32_t>(1, 10'000)(random));
        ASSERT_LE(dividend, profit);
        // Random partial refunds, in random sizes, until fully refunded.
        std::int64_t refunded = 0, reversed = 0;
        while (refunded < amount) {
            const auto left = amount - refunded;
            const auto refund = random() % 4 == 0 ? left : std::uniform_int_distribution<std::int64_t>(1, left)(random);
            const auto r = reversal_fen(dividend, amount, refunded, refund);
            ASSERT_GE(r, 0);
            refunded += refund;
            reversed += r;
            ASSERT_LE(reversed, dividend);
            // Never more than the refunded share of the dividend.
            ASSERT_LE(static_cast<__int128>(reversed) * amount, static_cast<__int128>(dividend) * refunded);
        }
        ASSERT_EQ(reversed, dividend) << "amount " << amount << " dividend " << dividend;
    }
}

}  // namespace
