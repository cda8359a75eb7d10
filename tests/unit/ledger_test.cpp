#include "server/domain/ledger.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace sharedstore;

namespace {

const account_ref desk{account_kind::desk_cash, 0};
account_ref stored(std::uint64_t user) { return {account_kind::stored_value, user}; }

TEST(ledger, a_cash_buy_in_moves_the_amount_from_the_partners_stored_value_to_the_desk) {
    auto entries = cash_buy_in_entries(42, 1'000'000);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].debit, desk);
    EXPECT_EQ(entries[0].credit, stored(42));
    EXPECT_EQ(entries[0].amount, 1'000'000);
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

TEST(ledger, an_entry_moves_one_asset_and_every_kind_has_one_asset_and_one_kind_of_book) {
    const account_ref points_of_7{account_kind::alliance_points, 7}, issued{account_kind::alliance_points_issued, 0};
    EXPECT_FALSE(check_entries({{points_of_7, issued, 100}}));
    EXPECT_EQ(check_entries({{points_of_7, desk, 100}}), "an entry moves one asset: points and vouchers never mix with money");
    EXPECT_TRUE(check_entries({{desk, points_of_7, 100}}));
    for (auto kind : all_account_kinds()) EXPECT_NE(to_string(kind), "unknown");
    EXPECT_EQ(all_account_kinds().size(), 54u) << "a new kind is added to all_account_kinds (check-ledger walks it)";
    // The alliance (docs/ledger.md): a member store's own points and vouchers live in its book, the
    // pool's side and the fund in the platform's; vouchers are their own asset, never money.
    EXPECT_FALSE(in_platform_book(account_kind::merchant_alliance_points));
    EXPECT_FALSE(in_platform_book(account_kind::concession_payable));
    EXPECT_TRUE(in_platform_book(account_kind::alliance_fund_free));
    EXPECT_TRUE(in_platform_book(account_kind::alliance_points_pending));
    EXPECT_EQ(asset_of(account_kind::merchant_alliance_points), ledger_asset::points);
    EXPECT_EQ(asset_of(account_kind::merchant_vouchers), ledger_asset::voucher_fen);
    EXPECT_EQ(asset_of(account_kind::alliance_fund_reserved), ledger_asset::cny_fen) << "the money behind vouchers is money";
    EXPECT_TRUE(check_entries({{{account_kind::merchant_vouchers, 0}, {account_kind::alliance_fund_free, 0}, 5}})) << "vouchers never become money";
    EXPECT_EQ(natural_balance(account_kind::alliance_points_issued, -2'500), 2'500) << "points issued read as a positive pool";
    // A store's member points are their own asset, in the store's book: never alliance points, never cash.
    const account_ref member_points_of_7{account_kind::member_points, 7}, store_issued{account_kind::member_points_issued, 0};
    EXPECT_FALSE(check_entries({{member_points_of_7, store_issued, 5}}));
    EXPECT_TRUE(check_entries({{member_points_of_7, issued, 5}})) << "member points never become alliance points";
    EXPECT_TRUE(check_entries({{member_points_of_7, desk, 5}})) << "member points never become money";
    EXPECT_FALSE(in_platform_book(account_kind::member_points));
    EXPECT_EQ(asset_of(account_kind::prepaid_bonus), ledger_asset::cny_fen) << "pre-stored value is money the store owes";
}

TEST(ledger, a_prepaid_purchase_draws_both_buckets_and_its_refund_puts_them_back) {
    const auto paid = prepaid_purchase_entries(7, 269'550, 89'850);
    ASSERT_EQ(paid.size(), 2u);
    EXPECT_EQ(paid[0].debit, (account_ref{account_kind::prepaid_principal, 7}));
    EXPECT_EQ(paid[1].debit, (account_ref{account_kind::prepaid_bonus, 7}));
    EXPECT_EQ(paid[0].amount + paid[1].amount, 359'400);
    EXPECT_TRUE(prepaid_purchase_entries(7, 100, 0).size() == 1u) << "no entry for an empty bucket";
    const auto topup = topup_entries(7, 300'000, 100'000);
    ASSERT_EQ(topup.size(), 2u);
    EXPECT_EQ(topup[0].debit.kind, account_kind::wechat_pay_clearing);
    EXPECT_EQ(topup[1].debit.kind, account_kind::prepaid_bonus_expense) << "the bonus is the store's expense, not money in";
    EXPECT_TRUE(points_earned_entries(7, 0).empty());
}

TEST(ledger, balances_read_naturally_for_assets_and_liabilities) {
    // Debits minus credits: the desk holds +500; the partner is owed 500, cached as -500.
    EXPECT_EQ(natural_balance(account_kind::desk_cash, 500), 500);
    EXPECT_EQ(natural_balance(account_kind::stored_value, -500), 500);
}

}  // namespace

namespace {

// Balances after applying entries, debits minus credits, per account.
std::map<std::pair<account_kind, std::uint64_t>, std::int64_t> apply(const std::vector<std::vector<ledger_entry>>& transactions) {
    std::map<std::pair<account_kind, std::uint64_t>, std::int64_t> balances;
    for (const auto& entries : transactions)
        for (const auto& e : entries) {
            balances[{e.debit.kind, e.debit.user_id}] += e.amount;
            balances[{e.credit.kind, e.credit.user_id}] -= e.amount;
        }
    return balances;
}

TEST(ledger, a_paid_order_with_a_dividend_then_a_full_refund_leaves_every_account_at_zero) {
    const std::uint64_t buyer = 7, partner = 9;
    for (auto source : {payment_source::wechat_pay, payment_source::stored_value, payment_source::pos}) {
        auto paid = purchase_entries(source, buyer, 12'800);
        auto dividend = dividend_entries(partner, 768);
        auto refund = refund_entries(source, false, buyer, 12'800);
        auto reversal = reversal_entries(partner, 768);
        for (const auto* entries : {&paid, &dividend, &refund, &reversal}) EXPECT_EQ(check_entries(*entries), std::nullopt);
        for (const auto& [account, balance] : apply({paid, dividend, refund, reversal})) EXPECT_EQ(balance, 0) << to_string(account.first);
        auto partial = apply({paid, dividend});
        EXPECT_EQ(natural_balance(account_kind::sales, partial[{account_kind::sales, 0}]), 12'800);
        EXPECT_EQ(natural_balance(account_kind::dividend_payable, partial[{account_kind::dividend_payable, partner}]), 768);
    }
    EXPECT_TRUE(dividend_entries(partner, 0).empty());
    EXPECT_TRUE(reversal_entries(partner, 0).empty());
}

TEST(ledger, a_buy_in_through_wechat_pay_owes_stored_value_and_its_refund_takes_it_back) {
    auto paid = wechat_buy_in_entries(9, 1'000'000);
    auto refund = refund_entries(payment_source::wechat_pay, true, 9, 1'000'000);
    auto balances = apply({paid});
    EXPECT_EQ(natural_balance(account_kind::stored_value, balances[{account_kind::stored_value, 9}]), 1'000'000);
    for (const auto& [account, balance] : apply({paid, refund})) EXPECT_EQ(balance, 0);
}

}  // namespace
