#include "server/domain/payouts.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sharedstore {

bool dividend_settles(std::chrono::system_clock::time_point settles_at, std::int64_t amount_fen, std::int64_t reversed_fen,
                      std::chrono::system_clock::time_point now) {
    return settles_at <= now && amount_fen - reversed_fen > 0;
}

netting net_against_debt(std::int64_t arriving_fen, std::int64_t debt_fen) {
    const auto to_debt = std::clamp<std::int64_t>(debt_fen, 0, std::max<std::int64_t>(arriving_fen, 0));
    return {to_debt, std::max<std::int64_t>(arriving_fen, 0) - to_debt};
}

settled_reversal split_settled_reversal(std::int64_t reversed_fen, std::int64_t withdrawable_fen) {
    const auto covered = std::clamp<std::int64_t>(withdrawable_fen, 0, std::max<std::int64_t>(reversed_fen, 0));
    return {covered, std::max<std::int64_t>(reversed_fen, 0) - covered};
}

std::string_view to_string(withdrawal_refusal refusal) {
    switch (refusal) {
    case withdrawal_refusal::below_minimum: return "below_minimum";
    case withdrawal_refusal::above_maximum: return "above_maximum";
    case withdrawal_refusal::daily_maximum: return "daily_maximum";
    case withdrawal_refusal::too_many_pending: return "too_many_pending";
    case withdrawal_refusal::insufficient_balance: return "insufficient_balance";
    case withdrawal_refusal::real_name_required: return "real_name_required";
    }
    return "unknown";
}

std::vector<withdrawal_refusal> withdrawal_refusals(std::int64_t amount_fen, const payout_limits& limits, const withdrawal_context& context) {
    std::vector<withdrawal_refusal> refusals;
    if (amount_fen < std::max(limits.min_fen, wechat_transfer_min_fen)) refusals.push_back(withdrawal_refusal::below_minimum);
    if (amount_fen > limits.max_fen) refusals.push_back(withdrawal_refusal::above_maximum);
    // Compared without adding first, so that no amount can overflow the sum.
    if (amount_fen > limits.daily_max_fen - context.withdrawn_today_fen) refusals.push_back(withdrawal_refusal::daily_maximum);
    if (context.pending >= limits.max_pending) refusals.push_back(withdrawal_refusal::too_many_pending);
    if (amount_fen > context.withdrawable_fen) refusals.push_back(withdrawal_refusal::insufficient_balance);
    if (amount_fen >= wechat_transfer_real_name_from_fen && !context.has_real_name) refusals.push_back(withdrawal_refusal::real_name_required);
    return refusals;
}

bool needs_approval(std::int64_t amount_fen, const payout_limits& limits) {
    return limits.approval_above_fen && amount_fen > *limits.approval_above_fen;
}

namespace {

constexpr std::array<std::pair<payout_state, std::string_view>, 9> state_words{{
    {payout_state::awaiting_approval, "awaiting_approval"},
    {payout_state::creating, "creating"},
    {payout_state::wait_user_confirm, "wait_user_confirm"},
    {payout_state::transferring, "transferring"},
    {payout_state::cancelling, "cancelling"},
    {payout_state::succeeded, "succeeded"},
    {payout_state::failed, "failed"},
    {payout_state::cancelled, "cancelled"},
    {payout_state::rejected, "rejected"},
}};

}  // namespace

std::string_view to_string(payout_state state) {
    for (const auto& [s, word] : state_words)
        if (s == state) return word;
    return "unknown";
}

std::optional<payout_state> parse_payout_state(std::string_view text) {
    for (const auto& [s, word] : state_words)
        if (word == text) return s;
    return std::nullopt;
}

bool is_final(payout_state state) {
    return state == payout_state::succeeded || state == payout_state::failed || state == payout_state::cancelled ||
           state == payout_state::rejected;
}

bool payout_may_move(payout_state from, payout_state to) {
    using enum payout_state;
    if (from == to || is_final(from)) return false;
    switch (from) {
    case awaiting_approval: return to == creating || to == rejected || to == cancelled;  // the partner may withdraw the request
    // Before WeChat Pay's answer is known any of its states may be the first we learn (a query
    // after a lost answer may find the bill already paid).
    case creating: return to == wait_user_confirm || to == transferring || to == cancelling || to == succeeded || to == failed || to == cancelled;
    case wait_user_confirm: return to == transferring || to == cancelling || to == succeeded || to == failed || to == cancelled;
    // The partner may confirm while our cancel travels: WeChat Pay then pays.
    case cancelling: return to == transferring || to == succeeded || to == failed || to == cancelled;
    case transferring: return to == succeeded || to == failed;
    default: return false;
    }
}

std::optional<payout_state> payout_state_of_wechat(std::string_view s) {
    // Accepted or processing: WeChat Pay has the bill but has not asked the partner yet.
    if (s == "ACCEPTED" || s == "PROCESSING") return payout_state::creating;
    if (s == "TRANSFERING") return payout_state::transferring;
    if (s == "WAIT_USER_CONFIRM") return payout_state::wait_user_confirm;
    if (s == "CANCELING") return payout_state::cancelling;
    if (s == "SUCCESS") return payout_state::succeeded;
    if (s == "FAIL") return payout_state::failed;
    if (s == "CANCELLED") return payout_state::cancelled;
    return std::nullopt;
}

payout_settlement settlement_of(payout_state final_state) {
    switch (final_state) {
    case payout_state::succeeded: return payout_settlement::paid_out;
    case payout_state::failed:
    case payout_state::cancelled:
    case payout_state::rejected: return payout_settlement::returned;
    default: return payout_settlement::none;
    }
}

}  // namespace sharedstore
