// Spending vouchers (server/domain/alliance_vouchers.hpp and the spending entries of
// alliance_ledger.hpp; docs/alliance.md "Spending vouchers"): how much of an order they may pay,
// what refunds give back, the desk code's form, and the books through a spend, a refund, a hold
// released, and a voucher debt made and netted: every posting valid, fund reserve equal to the
// vouchers outstanding throughout.
#include "server/domain/alliance_dividends.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/domain/redemption_codes.hpp"

#include "tests/support/ledger_books.hpp"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

using namespace sharedstore;
using namespace std::chrono_literals;

namespace {

using books = test_support::ledger_books;

constexpr int S = 3;
constexpr std::uint64_t c = 7;

}  // namespace

TEST(alliance_vouchers, an_order_takes_at_most_the_stores_share_and_leaves_a_fen_in_money) {
    EXPECT_EQ(voucher_order_maximum_fen(2000, 5000), 1000);
    EXPECT_EQ(voucher_order_maximum_fen(2001, 5000), 1000) << "floor";
    EXPECT_EQ(voucher_order_maximum_fen(2000, 10000), 1999) << "at least 1 fen is money";
    EXPECT_EQ(voucher_order_maximum_fen(1, 10000), 0);
    EXPECT_EQ(voucher_order_maximum_fen(2000, 0), 0);
    EXPECT_FALSE(check_voucher_spend(2000, 1000, 5000, 1000));
    EXPECT_EQ(check_voucher_spend(2000, 1001, 5000, 5000), voucher_spend_problem::over_order_maximum);
    EXPECT_EQ(check_voucher_spend(2000, 2000, 10000, 5000), voucher_spend_problem::leaves_nothing_to_pay);
    EXPECT_EQ(check_voucher_spend(2000, 600, 5000, 599), voucher_spend_problem::over_balance);
    EXPECT_EQ(check_voucher_spend(2000, 600, std::nullopt, 5000), voucher_spend_problem::not_accepted);
    EXPECT_EQ(check_voucher_spend(2000, 600, 0, 5000), voucher_spend_problem::spending_off);
}

TEST(alliance_vouchers, refunds_give_back_the_cumulative_share_and_parts_sum_to_the_whole) {
    // 700 fen of money, 300 of vouchers: half the money refunded gives half the vouchers back.
    EXPECT_EQ(vouchers_returned_fen(300, 700, 0, 350), 150);
    EXPECT_EQ(vouchers_returned_fen(300, 700, 350, 350), 150);
    // Three uneven parts sum to the voucher part exactly (floors telescope).
    const auto a = vouchers_returned_fen(100, 333, 0, 1), b = vouchers_returned_fen(100, 333, 1, 200), last = vouchers_returned_fen(100, 333, 201, 132);
    EXPECT_EQ(a + b + last, 100);
    EXPECT_EQ(a, 0);
    // Amounts whose product passes 2^63 stay exact.
    EXPECT_EQ(vouchers_returned_fen(9'000'000'000LL, 9'999'999'999LL, 0, 9'999'999'999LL), 9'000'000'000LL);
    EXPECT_EQ(vouchers_returned_fen(0, 700, 0, 700), 0);
}

TEST(alliance_vouchers, returned_vouchers_live_at_least_thirty_days_more) {
    const auto now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 3};
    EXPECT_EQ(refund_return_expiry(now + 300 * 24h, now), now + 300 * 24h);
    EXPECT_EQ(refund_return_expiry(now + 24h, now), now + 30 * 24h);
}

TEST(alliance_vouchers, the_desk_code_is_a_card_codes_form_with_its_own_qr_payload) {
    const auto code = make_redemption_code(123456789, std::chrono::system_clock::now());
    EXPECT_EQ(parse_voucher_code(code.digits), code.digits);
    EXPECT_EQ(parse_voucher_code(std::string(voucher_qr_prefix) + code.digits), code.digits);
    EXPECT_FALSE(parse_voucher_code(code.qr_payload)) << "a card's QR payload is not a voucher code";
    EXPECT_FALSE(parse_voucher_code("123456789012")) << "a failed check digit";
    EXPECT_TRUE(parse_voucher_code("123456789015"));
}

TEST(alliance_vouchers, a_spend_a_refund_a_released_hold_and_a_debt_keep_the_books_whole) {
    books b;
    // A dividend credited c 1,000 fen of vouchers (from the fund's free balance of 10,000).
    b.post(0, {{{account_kind::concession_receivable, 0}, {account_kind::alliance_fund_free, 0}, 10000}});
    b.post(0, dividend_credit_entries(c, 1000));
    ASSERT_TRUE(b.reserve_matches());
    // An order holds 600, then is paid at S: spent, the platform owes S 600.
    b.post(S, voucher_hold_entries(c, 600));
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers, c), 400);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers_held, c), 600);
    auto paid = voucher_spend_entries(c, 600, 0, 0);
    for (auto& e : voucher_sale_entries(600)) paid.push_back(e);
    b.post(S, paid);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers_held, c), 0);
    EXPECT_EQ(b.at(0, account_kind::voucher_reimbursement_payable), 600);
    EXPECT_EQ(b.at(S, account_kind::voucher_reimbursement_receivable), 600);
    EXPECT_EQ(b.at(S, account_kind::sales), 600) << "the voucher part is the store's sale";
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_reserved), 400);
    EXPECT_TRUE(b.reserve_matches());
    // A refund gives 300 back.
    auto refund = voucher_return_entries(c, 300);
    for (auto& e : voucher_sale_reversal_entries(300)) refund.push_back(e);
    b.post(S, refund);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers, c), 700);
    EXPECT_EQ(b.at(0, account_kind::voucher_reimbursement_payable), 300);
    EXPECT_EQ(b.at(S, account_kind::voucher_reimbursement_receivable), 300);
    EXPECT_TRUE(b.reserve_matches());
    // A clawback of 900 when c has 700 unspent: 700 back to the fund, 200 a debt, whose money the
    // platform advances into the free balance (the fund is never short for a debt).
    const auto free_before_claw = b.at(0, account_kind::alliance_fund_free);
    auto claw = dividend_clawback_entries(c, 700);
    for (auto& e : voucher_debt_entries(c, 200)) claw.push_back(e);
    b.post(0, claw);
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_debt, c), 200);
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_issued), 200);
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_advanced), 200);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), free_before_claw + 900);
    EXPECT_TRUE(b.reserve_matches());
    // An order paid after it was closed spends 0 from the balance and 50 unbacked: more debt, its
    // money advanced by the platform, not the fund.
    auto late = voucher_spend_entries(c, 0, 0, 50);
    for (auto& e : voucher_sale_entries(50)) late.push_back(e);
    b.post(S, late);
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_debt, c), 250);
    EXPECT_EQ(b.at(0, account_kind::voucher_reimbursement_payable), 350);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), free_before_claw + 900) << "the fund does not pay for a debt";
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_advanced), 250);
    EXPECT_TRUE(b.reserve_matches());
    // A later credit of 100 is held and released: it pays 100 of the debt and vanishes; its money
    // repays the platform's advance.
    const auto free_before = b.at(0, account_kind::alliance_fund_free);
    b.post(0, dividend_credit_entries(c, 100));
    b.post(0, voucher_hold_entries(c, 100));
    b.post(0, voucher_release_entries(c, 0, 100));
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_debt, c), 150);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers, c), 0);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), free_before - 100) << "the credit came from the free balance";
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_advanced), 150);
    EXPECT_TRUE(b.reserve_matches());
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_issued), b.at(0, account_kind::alliance_voucher_debt, c));
    // A dividend netting the rest: the platform is repaid from the free balance.
    const auto free_before_netting = b.at(0, account_kind::alliance_fund_free);
    b.post(0, voucher_debt_netted_entries(c, 150));
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_debt, c), 0);
    EXPECT_EQ(b.at(0, account_kind::voucher_debt_advanced), 0);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), free_before_netting - 150);
}

TEST(alliance_vouchers, an_advance_is_funded_from_the_free_balance_and_a_dividend_repays_it_before_crediting) {
    books b;
    b.post(0, {{{account_kind::concession_receivable, 0}, {account_kind::alliance_fund_free, 0}, 10000}});
    // 400 advanced into an order's hold, then spent at S.
    b.post(0, advance_hold_entries(c, 400));
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), 9600);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers_held, c), 400);
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_advance, c), 400);
    EXPECT_TRUE(b.reserve_matches());
    auto paid = voucher_spend_entries(c, 400, 0, 0);
    for (auto& e : voucher_sale_entries(400)) paid.push_back(e);
    b.post(S, paid);
    EXPECT_TRUE(b.reserve_matches());
    // A dividend releasing 1,000 to c: 400 repay the advance, 600 are credited (the free balance
    // moves only those 600 into the reserve).
    const auto split = credit_after_advance(1000, b.at(0, account_kind::alliance_voucher_advance, c));
    EXPECT_EQ(split.repaid_fen, 400);
    EXPECT_EQ(split.credited_fen, 600);
    auto dividend = dividend_credit_entries(c, split.credited_fen);
    for (auto& e : advance_repaid_entries(c, split.repaid_fen)) dividend.push_back(e);
    b.post(0, dividend);
    EXPECT_EQ(b.at(0, account_kind::alliance_voucher_advance, c), 0);
    EXPECT_EQ(b.at(0, account_kind::voucher_advances_issued), 0);
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers, c), 600);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), 9000) << "1,000 released in all: 400 ahead, 600 now";
    EXPECT_TRUE(b.reserve_matches());
    // An advance held and released leaves nothing behind.
    books r;
    r.post(0, {{{account_kind::concession_receivable, 0}, {account_kind::alliance_fund_free, 0}, 500}});
    r.post(0, advance_hold_entries(c, 300));
    r.post(0, advance_release_entries(c, 300));
    EXPECT_EQ(r.at(0, account_kind::alliance_fund_free), 500);
    EXPECT_EQ(r.at(0, account_kind::alliance_voucher_advance, c), 0);
    EXPECT_EQ(r.at(0, account_kind::alliance_vouchers_held, c), 0);
}
