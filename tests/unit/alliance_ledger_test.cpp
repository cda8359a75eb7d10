// The alliance's ledger entries (server/domain/alliance_ledger.hpp, docs/ledger.md "Accounts of the
// alliance"): step 4 of the worked example (docs/business-rules.md 3.1: c, a locked fan of A, pays
// 150.00 at B with c = 1000: K = 1500, fund 750, lock 150, platform 600), posted, vested, rewarded
// and refunded; each posting is valid, and a whole refund leaves every account where it started.
#include "server/domain/alliance_accrual.hpp"
#include "server/domain/alliance_ledger.hpp"

#include "tests/support/ledger_books.hpp"

#include <gtest/gtest.h>

#include <map>
#include <utility>

using namespace sharedstore;

namespace {

using books = test_support::ledger_books;

constexpr int A = 1, B = 2;
constexpr std::uint64_t c = 7;

accrual_parts worked_step_4() {
    const auto s = split_concession(15000, 1000, 5000, true, 100);
    return accrual_parts{.fund_fen = s.fund_fen, .lock_fen = s.lock_fen, .platform_fen = s.platform_fen, .consumer_cp = s.lot_cp, .merchant_cp = s.lot_cp};
}

}  // namespace

TEST(alliance_ledger, a_paid_order_owes_its_concession_and_issues_two_pending_lots) {
    const auto p = worked_step_4();
    EXPECT_EQ(p.concession_fen(), 1500);
    EXPECT_EQ(p.fund_fen, 750);
    EXPECT_EQ(p.lock_fen, 150);
    EXPECT_EQ(p.platform_fen, 600);
    books b;
    b.post(B, accrual_entries(p, c));
    EXPECT_EQ(b.at(B, account_kind::concession_payable), 1500);
    EXPECT_EQ(b.at(B, account_kind::concession_expense), 1500);
    EXPECT_EQ(b.at(0, account_kind::concession_receivable), 1500);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_pending), 750);
    EXPECT_EQ(b.at(0, account_kind::lock_rewards_pending), 150);
    EXPECT_EQ(b.at(0, account_kind::concession_revenue), 600);
    EXPECT_EQ(b.at(0, account_kind::alliance_points_pending, c), 1500);
    EXPECT_EQ(b.at(B, account_kind::merchant_alliance_points_pending), 1500);
    EXPECT_EQ(b.at(0, account_kind::alliance_points_issued), 3000);
}

TEST(alliance_ledger, vesting_counts_the_lots_frees_the_fund_share_and_pays_the_lock_reward_in_vouchers) {
    const auto p = worked_step_4();
    books b;
    b.post(B, accrual_entries(p, c));
    b.post(B, accrual_vest_entries(p, c));
    b.post(A, lock_reward_entries(p.lock_fen));
    EXPECT_EQ(b.at(0, account_kind::alliance_points, c), 1500);
    EXPECT_EQ(b.at(B, account_kind::merchant_alliance_points), 1500);
    EXPECT_EQ(b.at(0, account_kind::alliance_points_pending, c), 0);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), 750);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_pending), 0);
    EXPECT_EQ(b.at(0, account_kind::lock_rewards_pending), 0);
    EXPECT_EQ(b.at(A, account_kind::merchant_vouchers), 150);
    EXPECT_EQ(b.at(0, account_kind::vouchers_issued), 150);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_reserved), 150) << "vouchers outstanding == the fund's reserve";
}

TEST(alliance_ledger, a_whole_refund_inside_or_after_the_window_leaves_every_account_where_it_started) {
    const auto p = worked_step_4();
    {
        books b;
        b.post(B, accrual_entries(p, c));
        b.post(B, accrual_reversal_entries(p, c, false));
        EXPECT_TRUE(b.all_zero());
    }
    {
        books b;
        b.post(B, accrual_entries(p, c));
        b.post(B, accrual_vest_entries(p, c));
        b.post(A, lock_reward_entries(p.lock_fen));
        b.post(B, accrual_reversal_entries(p, c, true));
        b.post(A, lock_reward_reversal_entries(p.lock_fen));
        EXPECT_TRUE(b.all_zero());
    }
    {
        // In two parts (40 % then the rest), each part's reversal computed cumulatively.
        books b;
        b.post(B, accrual_entries(p, c));
        b.post(B, accrual_vest_entries(p, c));
        b.post(A, lock_reward_entries(p.lock_fen));
        accrual_parts done;
        for (const auto& [before, now] : {std::pair<std::int64_t, std::int64_t>{0, 6000}, {6000, 9000}}) {
            accrual_parts r{.fund_fen = reversal_of(p.fund_fen, 15000, before, now, done.fund_fen),
                            .lock_fen = reversal_of(p.lock_fen, 15000, before, now, done.lock_fen),
                            .platform_fen = reversal_of(p.platform_fen, 15000, before, now, done.platform_fen),
                            .consumer_cp = reversal_of(p.consumer_cp, 15000, before, now, done.consumer_cp),
                            .merchant_cp = reversal_of(p.merchant_cp, 15000, before, now, done.merchant_cp)};
            b.post(B, accrual_reversal_entries(r, c, true));
            b.post(A, lock_reward_reversal_entries(r.lock_fen));
            done.fund_fen += r.fund_fen, done.lock_fen += r.lock_fen, done.platform_fen += r.platform_fen;
            done.consumer_cp += r.consumer_cp, done.merchant_cp += r.merchant_cp;
        }
        EXPECT_EQ(done.concession_fen(), 1500);
        EXPECT_TRUE(b.all_zero());
    }
}

TEST(alliance_ledger, no_buyer_means_no_consumer_lot_and_no_lock_means_no_lock_entry) {
    const auto s = split_concession(15000, 1000, 5000, false, 100);
    const accrual_parts p{.fund_fen = s.fund_fen, .lock_fen = s.lock_fen, .platform_fen = s.platform_fen, .consumer_cp = 0, .merchant_cp = s.lot_cp};
    books b;
    b.post(B, accrual_entries(p, 0));
    EXPECT_EQ(b.at(0, account_kind::alliance_points_issued), 1500) << "the store's lot alone";
    EXPECT_EQ(b.at(0, account_kind::lock_rewards_pending), 0);
    EXPECT_EQ(b.at(0, account_kind::concession_revenue), 750);
}

TEST(alliance_ledger, a_dividend_credit_moves_free_fund_to_the_reserve_and_a_refund_takes_it_back) {
    const auto p = worked_step_4();
    books b;
    b.post(B, accrual_entries(p, c));
    b.post(B, accrual_vest_entries(p, c));
    // Dividend 2 of the worked example at B: c 9 fen (platform book), B 9 fen (B's book).
    b.post(0, dividend_credit_entries(c, 9));
    b.post(B, dividend_credit_entries(0, 9));
    EXPECT_EQ(b.at(0, account_kind::alliance_vouchers, c), 9);
    EXPECT_EQ(b.at(B, account_kind::merchant_vouchers), 9);
    EXPECT_EQ(b.at(0, account_kind::vouchers_issued), 18);
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_reserved), 18) << "every voucher has its money in the reserve";
    EXPECT_EQ(b.at(0, account_kind::alliance_fund_free), 750 - 18);
    // A whole refund after it: what the lots released comes back first, then everything else.
    b.post(B, dividend_clawback_entries(c, 9));
    b.post(B, dividend_clawback_entries(0, 9));
    b.post(A, lock_reward_entries(p.lock_fen));
    b.post(B, accrual_reversal_entries(p, c, true));
    b.post(A, lock_reward_reversal_entries(p.lock_fen));
    EXPECT_TRUE(b.all_zero());
    EXPECT_TRUE(dividend_credit_entries(c, 0).empty());
}
