#include "server/services/alliance_voucher_spending.hpp"

#include "common/clock.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/domain/alliance_dividends.hpp"
#include "server/storage/alliance_dividend_repository.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/ledger_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

service_failure spend_failure(voucher_spend_problem p) {
    switch (p) {
    case voucher_spend_problem::not_accepted: return service_failure::vouchers_not_accepted;
    case voucher_spend_problem::spending_off: return service_failure::vouchers_spending_off;
    case voucher_spend_problem::over_order_maximum: return service_failure::vouchers_over_order_maximum;
    case voucher_spend_problem::leaves_nothing_to_pay: return service_failure::vouchers_leave_nothing_to_pay;
    case voucher_spend_problem::over_balance: return service_failure::vouchers_over_balance;
    }
    return service_failure::vouchers_not_accepted;
}

}  // namespace

advance_figures consumer_advance(mysql_connection& db, std::uint64_t user_id, std::chrono::system_clock::time_point now, bool lock) {
    advance_figures f;
    // The pool's row first (as a dividend takes it): grants are checked against the budget one at
    // a time, and none while a dividend has fixed what it may credit from the free balance.
    const auto last = find_last_dividend(db);
    const bool running = lock ? lock_running_dividend(db).has_value() : (last && last->state == "running");
    const auto config = pool_config_in_force(db).config;
    std::vector<pool_lot> lots;
    for (const auto& l : list_consumer_vested_lots(db, user_id)) lots.push_back({l.id, user_id, l.cp, l.released_fen});
    f.outstanding_fen = lock ? lock_voucher_advance(db, user_id) : account_balance(db, 0, {account_kind::alliance_voucher_advance, user_id});
    f.limit_fen = advance_limit_fen(config, last ? last->number + 1 : 1, lots, f.outstanding_fen);
    if (running || f.limit_fen <= 0) return f;
    const auto free = account_balance(db, 0, {account_kind::alliance_fund_free, 0}, lock);
    const auto all = account_balance(db, 0, {account_kind::voucher_advances_issued, 0}, lock);
    const auto budget = static_cast<std::int64_t>(static_cast<__int128>(std::max<std::int64_t>(0, free)) * config.advance_budget_bp / 10000);
    f.available_fen = std::clamp<std::int64_t>(budget - all, 0, f.limit_fen);
    return f;
}

namespace {

struct voucher_split {
    std::optional<service_error> refused;
    std::int64_t from_credits = 0, from_advance = 0;
};

// How `voucher_fen` is paid: the consumer's vouchers first, then an advance.
voucher_split plan_voucher_part(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                std::int64_t voucher_fen, std::chrono::system_clock::time_point now) {
    std::optional<int> max_bp;
    if (find_alliance_member(db, merchant_id))
        if (auto concession = concession_at(db, merchant_id, now)) max_bp = concession->voucher_max_bp;
    // The store's rule first: a store that takes no vouchers says so whatever the buyer holds.
    if (auto problem = check_voucher_spend(order_fen, voucher_fen, max_bp, voucher_fen)) return {failure(spend_failure(*problem))};
    // Beyond the vouchers (read first without locks): the pool's row before the credits, as the
    // dividend takes them.
    const bool beyond = spendable_vouchers(db, user_id, now) < voucher_fen;
    const auto advance = beyond ? consumer_advance(db, user_id, now, true) : advance_figures{};
    const auto balance = lock_spendable_vouchers(db, user_id, now);
    if (auto problem = check_voucher_spend(order_fen, voucher_fen, max_bp, balance + advance.available_fen)) return {failure(spend_failure(*problem))};
    const auto from_credits = std::min(balance, voucher_fen);
    return {std::nullopt, from_credits, voucher_fen - from_credits};
}

}  // namespace

std::optional<service_error> check_voucher_part(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                                std::int64_t voucher_fen, std::chrono::system_clock::time_point now) {
    return plan_voucher_part(db, merchant_id, user_id, order_fen, voucher_fen, now).refused;
}

std::optional<service_error> hold_vouchers_for(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                               std::int64_t voucher_fen, voucher_hold_owner owner, std::chrono::system_clock::time_point now) {
    const auto split = plan_voucher_part(db, merchant_id, user_id, order_fen, voucher_fen, now);
    if (split.refused) return split.refused;
    const auto held = hold_vouchers(db, user_id, split.from_credits, owner, now);
    // The credits were locked and summed in this transaction: they hold what the check saw.
    if (held != split.from_credits) throw std::logic_error("vouchers held beyond the consumer's credits");
    hold_advance(db, user_id, split.from_advance, owner, now);
    const auto reference = owner.order_id ? "order:" + std::to_string(*owner.order_id)
                                          : "reservation:" + std::to_string(owner.reservation_id.value_or(0)) + ":" +
                                                std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    auto entries = voucher_hold_entries(user_id, split.from_credits);
    for (auto& e : advance_hold_entries(user_id, split.from_advance)) entries.push_back(e);
    post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                               .kind = "alliance_vouchers_held",
                                               .reference = reference,
                                               .actor_user_id = user_id,
                                               .entries = std::move(entries),
                                               .booked_at = format_sql_datetime_utc(now)});
    return std::nullopt;
}

std::int64_t release_vouchers(mysql_connection& db, const std::vector<voucher_hold>& holds, std::chrono::system_clock::time_point at) {
    std::int64_t held = 0, advanced = 0;
    std::uint64_t user = 0, first_hold = 0;
    for (const auto& h : holds) {
        if (h.state != "held") continue;
        (h.source == "advance" ? advanced : held) += h.amount_fen;
        user = h.user_id;
        if (!first_hold) first_hold = h.id;
    }
    if (held + advanced == 0) return 0;
    // An advance held for it is simply not taken.
    cancel_voucher_advance(db, user, advanced, at);
    // Vouchers coming back pay what the consumer owes first (a refund took back vouchers they had
    // spent or held): those vanish; the rest returns to the credits they came from.
    const auto to_debt = std::min(held, lock_voucher_debt(db, "consumer", user));
    std::int64_t skip = to_debt;
    for (const auto& h : holds) {
        if (h.state != "held" || h.source == "advance") continue;
        const auto kept = std::min(skip, h.amount_fen);
        skip -= kept;
        restore_voucher_credit(db, h.credit_id, h.amount_fen - kept);
    }
    net_voucher_debt(db, "consumer", user, to_debt, at);
    end_voucher_holds(db, holds, "released", at);
    post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                               .kind = "alliance_vouchers_released",
                                               .reference = "hold:" + std::to_string(first_hold),
                                               .actor_user_id = std::nullopt,
                                               .entries = [&] {
                                                   auto entries = voucher_release_entries(user, held - to_debt, to_debt);
                                                   for (auto& e : advance_release_entries(user, advanced)) entries.push_back(e);
                                                   return entries;
                                               }(),
                                               .booked_at = format_sql_datetime_utc(at)});
    return held - to_debt;
}

bool release_voucher_reservation_holds(mysql_connection& db, std::uint64_t reservation_id, const std::string& by,
                                       std::chrono::system_clock::time_point at) {
    auto r = find_voucher_reservation_by_id(db, reservation_id, true);
    if (!r || r->state != "reserved") return false;
    // Looked at again under the lock: a sale reserved anew since the job listed it is live again.
    if (by == "expiry" && r->expires_at > at) return false;
    release_vouchers(db, lock_reservation_voucher_holds(db, reservation_id), at);
    release_voucher_reservation(db, reservation_id, by, at);
    return true;
}

}  // namespace sharedstore
