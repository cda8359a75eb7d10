#include "server/services/alliance_supply.hpp"

#include "server/domain/alliance_supply.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/alliance_voucher_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

supply_order reread(mysql_connection& db, std::uint64_t id) {
    auto order = find_supply_order(db, id, false);
    if (!order) throw std::logic_error("supply order " + std::to_string(id) + " vanished inside its transaction");
    return std::move(*order);
}

service_error state_failure(service_failure kind, const supply_order& o) {
    return service_error{.kind = kind, .problems = {}, .retry_after = {}, .detail = "it is " + o.state};
}

void post(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, std::uint64_t id, std::uint64_t actor,
          std::vector<ledger_entry> entries, std::chrono::system_clock::time_point at) {
    if (entries.empty()) return;
    post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                               .kind = kind,
                                               .reference = "supply:" + std::to_string(id),
                                               .actor_user_id = actor,
                                               .entries = std::move(entries),
                                               .booked_at = format_sql_datetime_utc(at)});
}

}  // namespace

boost::asio::awaitable<service_result<supply_outcome>> alliance_supply_service::issue(std::uint64_t caller, supply_order_request request) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<supply_outcome> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        if (!find_merchant(db, request.merchant_id)) return failure(service_failure::merchant_not_found);
        if (!find_alliance_member(db, request.merchant_id)) return failure(service_failure::not_in_alliance);
        // The platform's reference is the bill's identity: the same bill again is a replay, another
        // bill under its number a conflict (never a second order).
        if (auto earlier = find_supply_order_by_reference(db, request.merchant_id, request.reference, false)) {
            if (earlier->amount_fen != request.amount_fen || earlier->description != request.description)
                return failure(service_failure::supply_reference_conflict);
            return supply_outcome{std::move(*earlier), false};
        }
        supply_order o;
        o.merchant_id = request.merchant_id;
        o.reference = request.reference;
        o.description = request.description;
        o.amount_fen = request.amount_fen;
        o.issued_by_user_id = caller;
        o.created_at = now;
        const auto id = insert_supply_order(db, o);
        return supply_outcome{reread(db, id), true};
    };
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<service_result<std::vector<supply_order>>> alliance_supply_service::list(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                std::string state, std::uint64_t before, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<supply_order>> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        return list_supply_orders(db, merchant_id, state, before, limit);
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<supply_outcome>> alliance_supply_service::cancel(std::uint64_t caller, std::uint64_t id, std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<supply_outcome> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto o = find_supply_order(db, id, true);
        if (!o) return failure(service_failure::supply_order_not_found);
        if (o->state == "cancelled") return supply_outcome{std::move(*o), false};
        if (o->state != "open") return state_failure(service_failure::supply_order_not_open, *o);
        end_supply_order(db, id, "cancelled", caller, reason, now);
        return supply_outcome{reread(db, id), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<supply_outcome>> alliance_supply_service::refund(std::uint64_t caller, std::uint64_t id, std::string reason) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<supply_outcome> {
        if (!is_platform_operator(db, caller)) return failure(service_failure::not_platform_operator);
        auto o = find_supply_order(db, id, true);
        if (!o) return failure(service_failure::supply_order_not_found);
        if (o->state == "refunded") return supply_outcome{std::move(*o), false};
        if (o->state != "paid") return state_failure(service_failure::supply_order_not_paid, *o);
        // The vouchers come back as one credit lasting as long as the latest of those drawn, and at
        // least 30 days; what the store owes in vouchers is paid from them first.
        std::int64_t to_debt = 0;
        if (o->voucher_fen > 0) {
            to_debt = std::min(o->voucher_fen, lock_voucher_debt(db, "merchant", o->merchant_id));
            net_voucher_debt(db, "merchant", o->merchant_id, to_debt, now);
            // As a refunded order's vouchers (docs/business-rules.md section 3): at least 30 days more.
            const auto expires = refund_return_expiry(supply_draws_latest_expiry(db, id).value_or(now), now);
            insert_supply_return_credit(db, o->merchant_id, id, o->voucher_fen, o->voucher_fen - to_debt, expires, now);
        }
        end_supply_order(db, id, "refunded", caller, reason, now);
        post(db, o->merchant_id, "supply_refund", id, caller, supply_refund_entries(o->amount_fen, o->voucher_fen, to_debt), now);
        return supply_outcome{reread(db, id), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

boost::asio::awaitable<service_result<store_supply_view>> alliance_supply_service::store_orders(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                std::string state, std::uint64_t before, int limit) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<store_supply_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        store_supply_view view;
        view.supply_voucher_max_bp = pool_config_in_force(db).config.supply_voucher_max_bp;
        view.vouchers_spendable_fen = spendable_store_vouchers(db, merchant_id, now);
        view.supply_owed_fen = account_balance(db, merchant_id, {account_kind::supply_payable, 0});
        view.voucher_debt_fen = account_balance(db, merchant_id, {account_kind::merchant_voucher_debt, 0});
        view.orders = list_supply_orders(db, merchant_id, state, before, limit);
        return view;
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<supply_outcome>> alliance_supply_service::pay(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t id,
                                                                                    std::int64_t voucher_fen) {
    const auto now = clock_.now();
    auto write = [=](mysql_connection& db) -> service_result<supply_outcome> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto o = find_supply_order(db, id, true);
        if (!o || o->merchant_id != merchant_id) return failure(service_failure::supply_order_not_found);
        // A retry of the same payment answers it again; anything else on a settled order is refused.
        if (o->state == "paid" && o->voucher_fen == voucher_fen) return supply_outcome{std::move(*o), false};
        if (o->state != "open") return state_failure(service_failure::supply_order_not_open, *o);
        const auto cap = pool_config_in_force(db).config.supply_voucher_max_bp;
        // Locked: two payments spending the same vouchers queue on the store's credits.
        const auto spendable = voucher_fen > 0 ? lock_store_spendable_vouchers(db, merchant_id, now) : 0;
        if (const auto refusal = check_supply_payment(o->amount_fen, cap, voucher_fen, spendable)) {
            auto error = failure(*refusal == supply_payment_refusal::over_maximum ? service_failure::supply_vouchers_over_maximum
                                                                                  : service_failure::supply_vouchers_over_balance);
            error.detail = *refusal == supply_payment_refusal::over_maximum
                               ? "at most " + std::to_string(supply_voucher_limit_fen(o->amount_fen, cap)) + " fen of this order"
                               : "the store holds " + std::to_string(spendable) + " fen";
            return error;
        }
        if (draw_store_vouchers(db, merchant_id, id, voucher_fen, now) != voucher_fen)
            throw std::logic_error("the store's credits gave less than they were counted");
        mark_supply_order_paid(db, id, voucher_fen, cap, caller, now);
        post(db, merchant_id, "supply_paid", id, caller, supply_paid_entries(o->amount_fen, voucher_fen), now);
        return supply_outcome{reread(db, id), true};
    };
    co_return co_await database_.transaction(std::move(write));
}

}  // namespace sharedstore
