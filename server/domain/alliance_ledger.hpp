#pragma once
// The alliance's ledger entries (docs/alliance.md, "The books"). A paid order at a member store owes
// its concession K to the platform (the store's concession_payable against the platform's
// concession_receivable), which splits it into the fund's share, the fan-lock reward and its own
// part; both lots of points are issued pending. Vesting moves the lots into the pool and the
// fund's share into its free balance; a fan-lock reward becomes vouchers of the locking store,
// backed by money moved into the fund's reserve. Refunds undo each part where it then is. Pure.
#include "server/domain/ledger.hpp"

#include <cstdint>
#include <vector>

namespace sharedstore {

// One order's parts, or what a refund reverses of them. The concession is their sum.
struct accrual_parts {
    std::int64_t fund_fen = 0;
    std::int64_t lock_fen = 0;
    std::int64_t platform_fen = 0;
    std::int64_t consumer_cp = 0;  // 0 without an identified buyer
    std::int64_t merchant_cp = 0;
    std::int64_t concession_fen() const { return fund_fen + lock_fen + platform_fen; }
};

// A paid alliance order, posted at its store. `consumer_user_id` 0: no consumer lot.
std::vector<ledger_entry> accrual_entries(const accrual_parts& parts, std::uint64_t consumer_user_id);
// The refund window closed: what is left of the lots vests, the fund's share becomes free. (The
// lock reward vests at the locking store: lock_reward_entries.) Empty when nothing is left.
std::vector<ledger_entry> accrual_vest_entries(const accrual_parts& left, std::uint64_t consumer_user_id);
// A fan-lock reward, posted at the locking store: money into the fund's reserve, vouchers to the store.
std::vector<ledger_entry> lock_reward_entries(std::int64_t fen);
// A refund's reversal at the order's store. Pending: everything comes back from where it waits.
// Vested: the lots leave the pool and the fund's share its free balance; the lock part's money and
// vouchers are undone at the locking store (lock_reward_reversal_entries) — only the concession
// owed for it is undone here.
std::vector<ledger_entry> accrual_reversal_entries(const accrual_parts& reversed, std::uint64_t consumer_user_id, bool vested);
// A vested fan-lock reward taken back: the store's vouchers return, and their money leaves the reserve.
std::vector<ledger_entry> lock_reward_reversal_entries(std::int64_t fen);
// The part of it that had expired: its money left the reserve for the free balance at expiry, and
// leaves that now.
std::vector<ledger_entry> expired_lock_reward_reversal_entries(std::int64_t fen);

// A dividend's credit to one holder: money from the dividend's earmark (`earmarked`; else the
// fund's free balance, for a dividend planned before earmarks existed) into the reserve, vouchers
// to the consumer (platform book, `consumer_user_id`) or to the store (its book: consumer 0).
std::vector<ledger_entry> dividend_credit_entries(std::uint64_t consumer_user_id, std::int64_t fen, bool earmarked = false);
// A dividend's planning ended: what it may credit leaves the free balance for its earmark, so that
// no refund meanwhile can take it; at its end what the earmark still has (advances repaid, debts
// netted from it stay in the fund) returns.
std::vector<ledger_entry> dividend_earmark_entries(std::int64_t fen);
std::vector<ledger_entry> dividend_earmark_return_entries(std::int64_t fen);
// A refund's fund share beyond the free balance (a dividend has earmarked the rest): the platform
// advances the shortfall into it, so the free balance never goes below zero, and is repaid from
// the free balance when the next dividend plans (before anything is earmarked).
std::vector<ledger_entry> fund_shortfall_advance_entries(std::int64_t fen);
std::vector<ledger_entry> fund_shortfall_repaid_entries(std::int64_t fen);
// A refund takes back vouchers a lot released: the holder's vouchers return, their money goes back
// from the reserve to the free balance (before the fund's share of the refund leaves it).
std::vector<ledger_entry> dividend_clawback_entries(std::uint64_t consumer_user_id, std::int64_t fen);

// Spending vouchers (docs/alliance.md, "Spending vouchers"). All in the platform's book unless named.
// An order placed or a desk's reservation holds the consumer's vouchers.
std::vector<ledger_entry> voucher_hold_entries(std::uint64_t consumer_user_id, std::int64_t fen);
// Closed unpaid or released: the held vouchers come back, `to_debt` of them paying the consumer's
// voucher debt (they vanish, and their money repays the platform's advance of the debt).
std::vector<ledger_entry> voucher_release_entries(std::uint64_t consumer_user_id, std::int64_t back_fen, std::int64_t to_debt_fen);
// Paid: the held vouchers are spent and their money, from the reserve, is owed to the accepting
// store. An order paid after it was closed (its holds released) spends `from_balance` of what the
// consumer still has, and `unbacked`, what they no longer have, becomes their voucher debt, its
// money advanced by the platform (voucher_debt_advanced), never by the fund.
std::vector<ledger_entry> voucher_spend_entries(std::uint64_t consumer_user_id, std::int64_t held_fen, std::int64_t from_balance_fen,
                                                std::int64_t unbacked_fen);
// The accepting store's side of a spend (its book): the platform owes it the voucher part of the sale.
std::vector<ledger_entry> voucher_sale_entries(std::int64_t fen);
// A refund gives the voucher part back: the store owes back that reimbursement (its book:
// voucher_sale_reversal_entries), the money returns to the reserve and the vouchers to the consumer;
// `to_debt` of it pays the consumer's voucher debt instead (its money repays the platform's advance).
std::vector<ledger_entry> voucher_return_entries(std::uint64_t consumer_user_id, std::int64_t fen, std::int64_t to_debt_fen = 0);
std::vector<ledger_entry> voucher_sale_reversal_entries(std::int64_t fen);
// A refund took back `fen` of vouchers its lots released that the consumer had spent: a voucher
// debt. Their money left the fund with the spend; the platform advances it back into the free
// balance (voucher_debt_advanced), so the fund is never short for a debt, and later dividends
// repay the platform as they net it (voucher_debt_netted_entries).
std::vector<ledger_entry> voucher_debt_entries(std::uint64_t consumer_user_id, std::int64_t fen);
std::vector<ledger_entry> voucher_debt_netted_entries(std::uint64_t consumer_user_id, std::int64_t fen, bool earmarked = false);

// Advances (docs/alliance.md, "Advances"). An order or a reservation holding `fen` advanced on the
// consumer's next dividends: money from the fund's free balance into its reserve, vouchers issued
// straight into the hold, and the advance owed. Released (closed, cancelled, expired): all undone.
std::vector<ledger_entry> advance_hold_entries(std::uint64_t consumer_user_id, std::int64_t fen);
std::vector<ledger_entry> advance_release_entries(std::uint64_t consumer_user_id, std::int64_t fen);
// A dividend repaying `fen` of it: that much of the holder's release is not credited (its money
// stays in the free balance, which advanced it).
std::vector<ledger_entry> advance_repaid_entries(std::uint64_t consumer_user_id, std::int64_t fen);

// Vouchers expired unspent (docs/alliance.md, "Expiry"): the holder's vouchers (a consumer's in
// the platform's book, consumer 0: the store's, in its book) leave, and their money returns from
// the reserve to the fund's free balance.
std::vector<ledger_entry> vouchers_expired_entries(std::uint64_t consumer_user_id, std::int64_t fen);

}  // namespace sharedstore
