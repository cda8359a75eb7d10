#include "server/domain/ledger.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

const account_ref desk{account_kind::desk_cash, 0};
account_ref stored(std::uint64_t user) { return {account_kind::stored_value, user}; }

TEST(ledger, a_cash_buy_in_moves_the_amount_from_the_partners_stored_value_to_the_desk) {
    auto entries = cash_buy_in_entries(42, 1'000'000);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].debit, desk);
    EXPECT_EQ(entries[0].credit, stored(42));
    EXPECT_EQ(entries[0].amount_fen, 1'000'000);
    EXPECT_EQ(check_entries(entries), std::nullopt);
}

TEST(ledger, entries_that_cannot_balance_or_name_no_owner_are_refused) {
    EXPECT_TRUE(check_entries({}));
    EXPECT_TRUE(check_entries({{desk, stored(1), 0}}));
    EXPECT_TRUE(check_entries({{desk, stored(1), -5}}));
    EXPECT_TRUE(check_entries({{stored(1), stored(1), 5}}));
    EXPECT_TRUE(check_entries({{desk, stored(0), 5}})) << "a stored-value account belongs to someone";
    EXPECT_TRUE(check_entries({{account_ref{account_kind::desk_cash, 7}, stored(1), 5}})) << "store accounts have no user";
    EXPECT_FALSE(check_entries({{desk, stored(1), 5}, {stored(1), stored(2), 3}}));
}

TEST(ledger, balances_read_naturally_for_assets_and_liabilities) {
    // Debits minus credits: the desk holds +500; the partner is owed 500, cached as -500.
    EXPECT_EQ(natural_balance(account_kind::desk_cash, 500), 500);
    EXPECT_EQ(natural_balance(account_kind::stored_value, -500), 500);
}

}  // namespace
