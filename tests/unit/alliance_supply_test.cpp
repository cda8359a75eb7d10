// Supply orders and the dividend's earmark (server/domain/alliance_supply.hpp, alliance_ledger.hpp;
// docs/alliance.md "Supply orders", "Dividends"): how much of a bill a store's vouchers may pay,
// and the books through a payment, a refund paying a voucher debt, a store's debt netted by a
// dividend, and a refund during a dividend that the fund cannot pay without the earmark.
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_supply.hpp"

#include "tests/support/ledger_books.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

using books = test_support::ledger_books;
using k = account_kind;

constexpr int S = 4;

}  // namespace

TEST(alliance_supply, vouchers_pay_at_most_the_pools_share_of_a_bill) {
    EXPECT_EQ(supply_voucher_limit_fen(5000, 3000), 1500);
    EXPECT_EQ(supply_voucher_limit_fen(5001, 3000), 1500) << "floor";
    EXPECT_EQ(supply_voucher_limit_fen(5000, 10000), 5000) << "a cap of 10000 lets vouchers pay the whole bill";
    EXPECT_EQ(supply_voucher_limit_fen(5000, 0), 0);
    EXPECT_EQ(supply_voucher_limit_fen(1'000'000'000'000LL, 10000), 1'000'000'000'000LL) << "the largest bill stays exact";
    EXPECT_FALSE(check_supply_payment(5000, 3000, 0, 0)) << "money alone always may";
    EXPECT_FALSE(check_supply_payment(5000, 3000, 1500, 1500));
    EXPECT_EQ(check_supply_payment(5000, 3000, 1501, 9000), supply_payment_refusal::over_maximum);
    EXPECT_EQ(check_supply_payment(5000, 3000, 1000, 999), supply_payment_refusal::over_balance);
    EXPECT_EQ(check_supply_payment(5000, 0, 1, 9000), supply_payment_refusal::over_maximum);
}

TEST(alliance_supply, a_payment_and_its_refund_keep_the_books_whole) {
    books b;
    // The store holds 1,000 fen of vouchers (a fan-lock reward: money in the fund's reserve).
    b.post(S, {{{k::concession_receivable, 0}, {k::lock_rewards_pending, 0}, 1000}});
    b.post(S, lock_reward_entries(1000));
    ASSERT_EQ(b.at(S, k::merchant_vouchers), 1000);

    // A 5,000-fen bill paid with 1,000 of them: 4,000 owed in money, the fund pays the platform 1,000.
    b.post(S, supply_paid_entries(5000, 1000));
    EXPECT_EQ(b.at(S, k::merchant_vouchers), 0);
    EXPECT_EQ(b.at(S, k::supply_payable), 4000);
    EXPECT_EQ(b.at(S, k::supply_purchases), 4000);
    EXPECT_EQ(b.at(0, k::supply_receivable), 4000);
    EXPECT_EQ(b.at(0, k::supply_revenue), 5000);
    EXPECT_EQ(b.at(0, k::alliance_fund_reserved), 0);
    EXPECT_TRUE(b.reserve_matches());

    // A refund takes back 300 of lock-reward vouchers the store had spent: its voucher debt, the
    // platform advancing the money against the concession it no longer receives.
    b.post(S, {{{k::concession_payable, 0}, {k::concession_expense, 0}, 300}});
    b.post(S, merchant_voucher_debt_entries(300, true));
    EXPECT_EQ(b.at(S, k::merchant_voucher_debt), 300);
    EXPECT_EQ(b.at(0, k::voucher_debt_advanced), 300);
    EXPECT_EQ(b.at(0, k::concession_receivable), 1000 - 300);

    // The bill refunded whole: the money owed is undone, the vouchers come back, 300 of them paying the debt.
    b.post(S, supply_refund_entries(5000, 1000, 300));
    EXPECT_EQ(b.at(S, k::supply_payable), 0);
    EXPECT_EQ(b.at(0, k::supply_receivable), 0);
    EXPECT_EQ(b.at(0, k::supply_revenue), 0);
    EXPECT_EQ(b.at(S, k::merchant_vouchers), 700);
    EXPECT_EQ(b.at(S, k::merchant_voucher_debt), 0);
    EXPECT_EQ(b.at(0, k::voucher_debt_issued), 0);
    EXPECT_EQ(b.at(0, k::voucher_debt_advanced), 0);
    EXPECT_EQ(b.at(0, k::alliance_fund_reserved), 700);
    EXPECT_TRUE(b.reserve_matches());
    EXPECT_TRUE(supply_paid_entries(1000, 0).size() == 2) << "money alone: no voucher entries";
    EXPECT_TRUE(supply_refund_entries(1000, 0, 0).size() == 2);
}

TEST(alliance_supply, a_dividend_earmarks_its_money_nets_a_stores_debt_and_a_refund_meanwhile_is_advanced) {
    books b;
    // The fund has 1,000 free; a store owes 200 of vouchers (a lot's clawback after it spent them).
    b.post(0, {{{k::concession_receivable, 0}, {k::alliance_fund_free, 0}, 1000}});
    b.post(S, merchant_voucher_debt_entries(200, false));
    EXPECT_EQ(b.at(0, k::alliance_fund_free), 1200) << "the platform advanced the debt's money into the fund";

    // Planning ends: 900 earmarked.
    b.post(0, dividend_earmark_entries(900));
    EXPECT_EQ(b.at(0, k::alliance_fund_free), 300);
    // A refund's fund share of 500 meanwhile: 300 from the free balance, 200 advanced by the platform.
    b.post(0, {{{k::alliance_fund_free, 0}, {k::concession_receivable, 0}, 500}});
    b.post(0, fund_shortfall_advance_entries(200));
    EXPECT_EQ(b.at(0, k::alliance_fund_free), 0) << "never below zero";
    EXPECT_EQ(b.at(0, k::fund_shortfall_advanced), 200);

    // The store's release of 600: 200 nets its debt (from the earmark), 400 credited.
    auto entries = dividend_credit_entries(0, 400, true);
    for (auto& e : merchant_voucher_debt_netted_entries(200, true)) entries.push_back(e);
    b.post(S, entries);
    EXPECT_EQ(b.at(S, k::merchant_vouchers), 400);
    EXPECT_EQ(b.at(S, k::merchant_voucher_debt), 0);
    EXPECT_EQ(b.at(0, k::voucher_debt_advanced), 0);
    EXPECT_EQ(b.at(0, k::alliance_fund_earmarked), 300);
    // The end: the earmark's rest returns; the next planning repays the platform's shortfall first.
    b.post(0, dividend_earmark_return_entries(300));
    b.post(0, fund_shortfall_repaid_entries(200));
    EXPECT_EQ(b.at(0, k::alliance_fund_earmarked), 0);
    EXPECT_EQ(b.at(0, k::fund_shortfall_advanced), 0);
    EXPECT_EQ(b.at(0, k::alliance_fund_free), 100);
    EXPECT_TRUE(b.reserve_matches());
    EXPECT_TRUE(dividend_earmark_entries(0).empty());
}
