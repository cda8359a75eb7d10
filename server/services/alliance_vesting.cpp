#include "server/services/alliance_vesting.hpp"

#include "server/domain/alliance_ledger.hpp"
#include "server/services/platform_net_lines.hpp"
#include "server/storage/alliance_accrual_repository.hpp"
#include "server/storage/alliance_dividend_repository.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/ledger_repository.hpp"

namespace sharedstore {

bool vest_alliance_accrual(mysql_connection& db, std::uint64_t order_id, wall_time now) {
    // A dividend under way fixed its lots when it started: vesting waits until it is done.
    if (lock_running_dividend(db)) return false;
    auto a = find_alliance_accrual(db, order_id, true);
    if (!a || a->state != "pending" || a->vests_at > now) return false;
    const auto left_cp = a->lot_cp - a->reversed_cp;
    const accrual_parts left{.fund_fen = a->fund_fen - a->reversed_fund_fen,
                             .lock_fen = a->lock_fen - a->reversed_lock_fen,
                             .platform_fen = a->platform_fen - a->reversed_platform_fen,
                             .consumer_cp = a->consumer_user_id ? left_cp : 0,
                             .merchant_cp = left_cp};
    const auto booked = format_sql_datetime_utc(now);
    const auto reference = "order:" + std::to_string(order_id);
    // Fully refunded inside its window: nothing is left to vest; the accrual is still marked done.
    if (auto entries = accrual_vest_entries(left, a->consumer_user_id.value_or(0)); !entries.empty())
        post_ledger_transaction(db, ledger_posting{.merchant_id = a->merchant_id,
                                                   .kind = "alliance_vest",
                                                   .reference = reference,
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = booked});
    mark_alliance_accrual_vested(db, order_id, now);
    // The order is settled: its platform net is shared from this month's statements on.
    record_settled_net_line(db, *a, left.platform_fen, now);
    if (left.lock_fen > 0 && a->lock_merchant_id) {
        const auto validity = pool_config_in_force(db).config.voucher_validity_days;
        post_ledger_transaction(db, ledger_posting{.merchant_id = *a->lock_merchant_id,
                                                   .kind = "alliance_lock_reward",
                                                   .reference = reference,
                                                   .actor_user_id = std::nullopt,
                                                   .entries = lock_reward_entries(left.lock_fen),
                                                   .booked_at = booked});
        insert_lock_reward_credit(db, *a->lock_merchant_id, order_id, left.lock_fen, now + std::chrono::days(validity), now);
    }
    return true;
}

}  // namespace sharedstore
