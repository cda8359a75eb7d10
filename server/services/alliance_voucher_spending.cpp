#include "server/services/alliance_voucher_spending.hpp"

#include "common/clock.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_vouchers.hpp"
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

std::optional<service_error> check_voucher_part(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                                std::int64_t voucher_fen, std::chrono::system_clock::time_point now) {
    std::optional<int> max_bp;
    if (find_alliance_member(db, merchant_id))
        if (auto concession = concession_at(db, merchant_id, now)) max_bp = concession->voucher_max_bp;
    // The store's rule first: a store that takes no vouchers says so whatever the buyer holds.
    if (auto problem = check_voucher_spend(order_fen, voucher_fen, max_bp, voucher_fen)) return failure(spend_failure(*problem));
    const auto balance = lock_spendable_vouchers(db, user_id, now);
    if (auto problem = check_voucher_spend(order_fen, voucher_fen, max_bp, balance)) return failure(spend_failure(*problem));
    return std::nullopt;
}

std::optional<service_error> hold_vouchers_for(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                               std::int64_t voucher_fen, voucher_hold_owner owner, std::chrono::system_clock::time_point now) {
    if (auto refused = check_voucher_part(db, merchant_id, user_id, order_fen, voucher_fen, now)) return refused;
    const auto held = hold_vouchers(db, user_id, voucher_fen, owner, now);
    // The credits were locked and summed in this transaction: they hold what the check saw.
    if (held != voucher_fen) throw std::logic_error("vouchers held beyond the consumer's credits");
    const auto reference = owner.order_id ? "order:" + std::to_string(*owner.order_id)
                                          : "reservation:" + std::to_string(owner.reservation_id.value_or(0)) + ":" +
                                                std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                               .kind = "alliance_vouchers_held",
                                               .reference = reference,
                                               .actor_user_id = user_id,
                                               .entries = voucher_hold_entries(user_id, voucher_fen),
                                               .booked_at = format_sql_datetime_utc(now)});
    return std::nullopt;
}

std::int64_t release_vouchers(mysql_connection& db, const std::vector<voucher_hold>& holds, std::chrono::system_clock::time_point at) {
    std::int64_t held = 0;
    std::uint64_t user = 0, first_hold = 0;
    for (const auto& h : holds) {
        if (h.state != "held") continue;
        held += h.amount_fen;
        user = h.user_id;
        if (!first_hold) first_hold = h.id;
    }
    if (held == 0) return 0;
    // Vouchers coming back pay what the consumer owes first (a refund took back vouchers they had
    // spent or held): those vanish; the rest returns to the credits they came from.
    const auto to_debt = std::min(held, lock_voucher_debt(db, "consumer", user));
    std::int64_t skip = to_debt;
    for (const auto& h : holds) {
        if (h.state != "held") continue;
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
                                               .entries = voucher_release_entries(user, held - to_debt, to_debt),
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
