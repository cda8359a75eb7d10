#pragma once
// The ledger's rules (docs/business-rules.md, "Guard rails"; docs/ledger.md): every amount that
// changes hands is an entry moving a positive amount of one asset from a credit account to a debit
// account, so a transaction's entries always sum to zero, asset by asset. Accounts live in a book:
// their store's, or the platform's. Pure: storage writes what this builds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

// What an account holds. Assets never mix: no entry moves one into an account of another, and
// points and vouchers are never cash (docs/business-rules.md section 3).
enum class ledger_asset {
    cny_fen,      // money, in fen
    points,       // alliance points, in centipoints (100 = one displayed point)
    voucher_fen,  // vouchers, valued in fen, spendable but never withdrawn
    member_points,  // a store's member points, whole points: never cash, never alliance points
};

// The accounts of the ledger: each has one asset and lives in one kind of book. Per-person
// accounts carry the user; the others do not.
enum class account_kind {
    // A store's book (money).
    desk_cash,            // asset: buy-ins the front desk took in cash
    wechat_pay_clearing,  // asset: money WeChat Pay holds for the store (paid orders less refunds)
    pos_receipts,         // asset: what the store's own POS took (cash, cards: outside our view)
    sales,                // revenue: paid purchases less refunds
    stored_value,         // liability, per partner: prepaid balance the partner may spend at the store
    dividend_expense,     // expense: dividends earned less reversals
    dividend_payable,     // liability, per partner: dividends owed to the partner, still pending (refunds may reverse them)
    dividend_withdrawable,  // liability, per partner: settled dividends the partner may withdraw (docs/payouts.md)
    payout_in_flight,       // liability, per partner: withdrawals asked of WeChat Pay, not yet final
    clawback_receivable,    // asset, per partner: reversals of dividends already withdrawn, netted from the next ones
    // A store's book, pre-stored value (top-up packages, docs/members.md): two buckets per member.
    prepaid_principal,      // liability, per person: what they paid in and have not spent
    prepaid_bonus,          // liability, per person: the packages' bonus not yet spent
    prepaid_bonus_expense,  // expense: bonus given with top-ups, less bonus forfeited by refunds
    // A store's book, member points (their own asset).
    member_points_issued,   // credit-normal: the store's points outstanding (pending and spendable)
    member_points_pending,  // per person: earned on orders still inside their refund window
    member_points,          // per person: vested points the member may spend
    member_points_held,     // per person: points priced into a WeChat Pay order not yet paid (spent or released)
    // A store's book, the bonus system's cash awards to A2 (docs/bonus.md; with the operator's sign-off).
    bonus_expense,          // expense: cash awards less their reversals
    bonus_payable,          // liability, per partner: cash awards owed, until they settle
    // The alliance (docs/alliance.md, "The books"). A member store's book: its concession owed to
    // the platform, its own lots of points, the vouchers it holds.
    concession_expense,                // expense: concessions on paid alliance orders, less reversals
    concession_payable,                // liability: concessions owed to the platform, not yet collected
    merchant_alliance_points_pending,  // the store's lots still inside their refund window (cp)
    merchant_alliance_points,          // the store's vested lots (cp): counted in the pool
    merchant_vouchers,                 // vouchers the store holds (fan-lock rewards, dividends)
    // The platform's book: the concessions' side, the voucher fund, the pool's points, vouchers.
    concession_receivable,    // asset: concessions the member stores owe the platform
    concession_revenue,       // revenue: the platform's part of each concession (K - fund - lock)
    alliance_fund_pending,    // the fund's share of orders still inside their refund window
    alliance_fund_free,       // the voucher fund's free balance: what a dividend may credit
    alliance_fund_reserved,   // money behind credited, unspent vouchers (== vouchers outstanding)
    lock_rewards_pending,     // fan-lock rewards of orders still inside their refund window
    alliance_points_issued,   // points the platform has issued, pending or vested (credit-normal)
    alliance_points_pending,  // per person: a consumer's lots still inside their refund window (cp)
    alliance_points,          // per person: a consumer's vested lots (cp): counted in the pool
    vouchers_issued,          // vouchers outstanding (credit-normal), against alliance_fund_reserved
    alliance_vouchers,        // per person: a consumer's vouchers (dividends), spendable at any member store
    // Spending vouchers (docs/alliance.md, "Spending vouchers").
    alliance_vouchers_held,          // per person: vouchers an unpaid order or a desk's reservation holds
    alliance_voucher_debt,           // per person: vouchers owed back (spent, then taken back by a refund)
    voucher_debt_issued,             // credit-normal: voucher debts recorded and not yet netted
    voucher_reimbursement_payable,   // liability: what the fund owes accepting stores for vouchers they took
    voucher_reimbursement_receivable,  // a store's book, asset: what the platform owes it for vouchers it took
    alliance_voucher_advance,        // per person: vouchers advanced on the next dividends, not yet repaid
    voucher_advances_issued,         // credit-normal: advances outstanding (their sum)
    voucher_debt_advanced,           // asset: money the platform advanced into the fund for voucher debts, recovered as they are netted
    merchant_voucher_debt,           // a store's book: vouchers it owes back (spent on supply, then taken back by a refund)
    // Supply orders (docs/alliance.md, "Supply orders"): the platform bills a store for goods.
    supply_purchases,                // a store's book, expense: goods bought from the platform, the money part
    supply_payable,                  // a store's book, liability: that money, owed to the platform
    supply_receivable,               // the platform's: money stores owe it for supply
    supply_revenue,                  // the platform's revenue from supply: the stores' money and the fund's payment for their vouchers
    // The fund's money a dividend under way may credit, set aside when its planning ends
    // (docs/alliance.md, "Dividends"): a refund meanwhile cannot take it from under the dividend.
    alliance_fund_earmarked,
    // Money the platform put into the fund's free balance when a refund's fund share found it set
    // aside for a dividend under way; repaid from the free balance when the next dividend plans.
    fund_shortfall_advanced,
    // Settling with stores (docs/alliance.md, "Settlement"): each side's bank as far as the
    // alliance's statements go (the store's book: negative when it paid out).
    alliance_settlement_cash,
    platform_settlement_cash,
    // Sharing the platform's net with promoters and service centres (docs/promoters-and-centres.md):
    // what issued statements made payable, until the operator records the transfer.
    share_commission_expense,  // the platform's expense: statements' payable amounts
    share_commission_payable,  // liability: issued statements not yet paid
};

// How an order was paid: WeChat Pay, a partner's tier stored value, the store's POS, or a
// member's pre-stored value (top-up packages).
enum class payment_source { wechat_pay, stored_value, pos, prepaid };

std::string_view to_string(account_kind kind);
std::string_view to_string(ledger_asset asset);
// Every kind, for checks that walk them all.
const std::vector<account_kind>& all_account_kinds();
bool is_per_user(account_kind kind);
ledger_asset asset_of(account_kind kind);
// In the platform's book; otherwise in the book of the store the transaction happens at.
bool in_platform_book(account_kind kind);

struct account_ref {
    account_kind kind;
    std::uint64_t user_id = 0;  // 0 for store accounts
    friend bool operator==(const account_ref&, const account_ref&) = default;
};

struct ledger_entry {
    account_ref debit;
    account_ref credit;
    std::int64_t amount = 0;  // in the accounts' asset's unit (fen, centipoints)
};

// Why a list of entries cannot be posted, or nullopt when it can: at least one entry, amounts
// positive, the two sides different accounts of one asset, user set exactly on per-person accounts.
std::optional<std::string> check_entries(const std::vector<ledger_entry>& entries);

// A balance as people read it: assets as debits - credits, liabilities as credits - debits.
std::int64_t natural_balance(account_kind kind, std::int64_t debits_minus_credits);

// A cash buy-in at the desk: the store holds the cash, and owes the partner that much stored value.
std::vector<ledger_entry> cash_buy_in_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);

// A paid purchase: the money (WeChat Pay, the buyer's stored value, or the POS) against sales.
std::vector<ledger_entry> purchase_entries(payment_source source, std::uint64_t buyer_user_id, std::int64_t amount_fen);
// A buy-in paid through WeChat Pay: WeChat holds the money, the partner is owed stored value.
std::vector<ledger_entry> wechat_buy_in_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
// A dividend: an expense of the store, owed to the partner. Empty for 0 fen.
std::vector<ledger_entry> dividend_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
// A refund undoes its order's money entry for the refunded amount (a buy-in refund takes the
// stored value back); a reversal undoes that much of the dividend (empty for 0 fen).
std::vector<ledger_entry> refund_entries(payment_source source, bool buy_in, std::uint64_t buyer_user_id, std::int64_t amount_fen);
std::vector<ledger_entry> reversal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);

// Payouts (docs/payouts.md). Each is empty for 0 fen parts.
// Settlement: pending dividends become withdrawable, `to_debt` of them paying the partner's clawback debt first.
std::vector<ledger_entry> settlement_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen);
// A reversal of a settled dividend: taken from the withdrawable balance, the rest a clawback debt.
std::vector<ledger_entry> settled_reversal_entries(std::uint64_t partner_user_id, std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen);
// A withdrawal asked: the amount leaves the withdrawable balance for the in-flight one.
std::vector<ledger_entry> withdrawal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
// WeChat Pay paid the partner: the store's money at WeChat Pay goes.
std::vector<ledger_entry> payout_success_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
// The transfer failed, was cancelled or refused: the amount returns, `to_debt` of it paying the debt first.
std::vector<ledger_entry> payout_return_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen);

// Member points (docs/members.md). Each is empty for 0 points.
// Earned on a paid order, pending until its refund window closes.
std::vector<ledger_entry> points_earned_entries(std::uint64_t user_id, std::int64_t points);
// The window closed: pending points become spendable.
std::vector<ledger_entry> points_vested_entries(std::uint64_t user_id, std::int64_t points);
// Taken back by a refund: from the pending points, or the spendable ones once vested.
std::vector<ledger_entry> points_reversed_entries(std::uint64_t user_id, std::int64_t points, bool vested);
// Spent (on an order, an item) or expired: the points return to the store.
std::vector<ledger_entry> points_redeemed_entries(std::uint64_t user_id, std::int64_t points);
// Points spent on an order, given back by its refund.
std::vector<ledger_entry> points_returned_entries(std::uint64_t user_id, std::int64_t points);
// A WeChat Pay order's points: held when it is placed, spent when it is paid, released when it is
// closed unpaid (docs/members.md, "Points on orders paid later").
// A cash award to A2 (bonus_expense -> bonus_payable), and a refund's reversal of it.
std::vector<ledger_entry> bonus_cash_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
std::vector<ledger_entry> bonus_cash_reversal_entries(std::uint64_t partner_user_id, std::int64_t amount_fen);
// Cash awards due settle from bonus_payable as dividends settle (the debt first); a reversal after that.
std::vector<ledger_entry> bonus_settlement_entries(std::uint64_t partner_user_id, std::int64_t to_withdrawable_fen, std::int64_t to_debt_fen);
std::vector<ledger_entry> bonus_settled_reversal_entries(std::uint64_t partner_user_id, std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen);
std::vector<ledger_entry> points_held_entries(std::uint64_t user_id, std::int64_t points);
std::vector<ledger_entry> points_hold_spent_entries(std::uint64_t user_id, std::int64_t points);
std::vector<ledger_entry> points_hold_released_entries(std::uint64_t user_id, std::int64_t points);

// Pre-stored value (docs/members.md). Each is empty for 0 fen parts.
// A top-up package paid through WeChat Pay: the money in, the member owed principal and bonus.
std::vector<ledger_entry> topup_entries(std::uint64_t user_id, std::int64_t pay_fen, std::int64_t bonus_fen);
// A top-up refunded: `principal_fen` of money back, `forfeited_bonus_fen` of bonus gone with it.
std::vector<ledger_entry> topup_refund_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t forfeited_bonus_fen);
// A purchase paid from the buckets (or, reversed, its refund).
std::vector<ledger_entry> prepaid_purchase_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t bonus_fen);
std::vector<ledger_entry> prepaid_refund_entries(std::uint64_t user_id, std::int64_t principal_fen, std::int64_t bonus_fen);

}  // namespace sharedstore
