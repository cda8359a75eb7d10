#pragma once
// Payouts of dividends to the partner's WeChat balance (docs/payouts.md, docs/business-rules.md
// section 1 "Payouts"): when a dividend becomes withdrawable, what a withdrawal may ask, the states
// of a payout and the only moves between them, and how a clawback debt is netted. Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sharedstore {

// WeChat Pay's floor for one transfer: 0.1 yuan.
inline constexpr std::int64_t wechat_transfer_min_fen = 10;
// From this amount WeChat Pay wants the payee's real name (encrypted) with the transfer.
inline constexpr std::int64_t wechat_transfer_real_name_from_fen = 200000;

// A dividend settles (becomes withdrawable) once its store's delay after payment has passed and it
// was not wholly reversed meanwhile; what settles is what is left of it.
bool dividend_settles(std::chrono::system_clock::time_point settles_at, std::int64_t amount_fen, std::int64_t reversed_fen,
                      std::chrono::system_clock::time_point now);

// Money arriving for a partner who owes a clawback debt pays the debt first.
struct netting {
    std::int64_t to_debt_fen = 0;
    std::int64_t to_withdrawable_fen = 0;
};
netting net_against_debt(std::int64_t arriving_fen, std::int64_t debt_fen);

// A reversal of a settled dividend comes out of the withdrawable balance; what that cannot cover
// (the partner withdrew it) becomes a debt, never a negative transfer.
struct settled_reversal {
    std::int64_t from_withdrawable_fen = 0;
    std::int64_t to_debt_fen = 0;
};
settled_reversal split_settled_reversal(std::int64_t reversed_fen, std::int64_t withdrawable_fen);

// A store's limits on withdrawals (merchant settings).
struct payout_limits {
    std::int64_t min_fen = wechat_transfer_min_fen;
    std::int64_t max_fen = 0;        // per withdrawal
    std::int64_t daily_max_fen = 0;  // per partner per day at the store (the store's calendar day)
    int max_pending = 0;             // withdrawals not yet final, per partner at the store
    std::optional<std::int64_t> approval_above_fen;  // above it, an owner or manager approves first
};

// What is known of the partner when they ask.
struct withdrawal_context {
    std::int64_t withdrawable_fen = 0;   // read with the account locked
    std::int64_t withdrawn_today_fen = 0;  // this day's withdrawals not failed, cancelled or rejected
    int pending = 0;
    bool has_real_name = false;
};

enum class withdrawal_refusal {
    below_minimum,
    above_maximum,
    daily_maximum,
    too_many_pending,
    insufficient_balance,
    real_name_required,
};
std::string_view to_string(withdrawal_refusal refusal);

// Every reason a withdrawal of `amount_fen` is refused, in a stable order; empty: allowed.
std::vector<withdrawal_refusal> withdrawal_refusals(std::int64_t amount_fen, const payout_limits& limits, const withdrawal_context& context);
bool needs_approval(std::int64_t amount_fen, const payout_limits& limits);

// Where a payout stands. Final: succeeded, failed, cancelled, rejected.
enum class payout_state {
    awaiting_approval,  // above the store's approval amount: an owner or manager decides
    creating,           // recorded; the transfer is being (or must again be) asked of WeChat Pay
    wait_user_confirm,  // WeChat Pay made the bill; the partner confirms it in the mini-program
    transferring,       // confirmed (or accepted): WeChat Pay is paying
    cancelling,         // a cancel was asked; WeChat Pay has not said CANCELLED yet
    succeeded,
    failed,
    cancelled,
    rejected,  // the store refused it before any transfer
};
std::string_view to_string(payout_state state);
std::optional<payout_state> parse_payout_state(std::string_view text);
bool is_final(payout_state state);
// The only moves: anything else is refused (a late or repeated notification changes nothing).
bool payout_may_move(payout_state from, payout_state to);
// WeChat Pay's bill state (ACCEPTED, PROCESSING, WAIT_USER_CONFIRM, TRANSFERING, SUCCESS, FAIL,
// CANCELING, CANCELLED) as ours; nullopt for a word it never documented.
std::optional<payout_state> payout_state_of_wechat(std::string_view wechat_state);

// What a final state does with the in-flight money.
enum class payout_settlement { none, paid_out, returned };
payout_settlement settlement_of(payout_state final_state);

// How long an unconfirmed bill is left before the server cancels it itself (WeChat closes it
// after 24 h as FAIL, but its close can lag; cancelling makes the end certain).
inline constexpr std::chrono::hours unconfirmed_bill_lifetime{24};

}  // namespace sharedstore
