#include "server/services/bonus_settlement.hpp"

#include "common/clock.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"

#include <algorithm>

namespace sharedstore {

bonus_settle_counts settle_bonus_awards(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now) {
    bonus_settle_counts counts;
    const auto merchant = find_merchant(db, merchant_id);
    if (!merchant) return counts;
    const auto due_before = format_sql_datetime_utc(now - std::chrono::hours(24) * merchant->settlement_delay_days);
    const auto due = lock_due_cash_awards(db, merchant_id, due_before);
    std::vector<ledger_entry> entries;
    for (const auto& d : due) {
        if (d.amount_fen <= 0) continue;
        // The debt first, as a dividend's settlement pays it.
        const auto debt = account_balance(db, merchant_id, {account_kind::clawback_receivable, d.user_id}, true);
        const auto to_debt = std::min(d.amount_fen, std::max<std::int64_t>(debt, 0));
        for (auto& e : bonus_settlement_entries(d.user_id, d.amount_fen - to_debt, to_debt)) entries.push_back(e);
        ++counts.partners;
        counts.settled_fen += d.amount_fen;
        counts.to_debt_fen += to_debt;
    }
    const auto at = format_sql_datetime_utc(now);
    mark_cash_awards_settled(db, merchant_id, due_before, at);
    if (!entries.empty())
        post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                                   .kind = "bonus_settled",
                                                   .reference = "store:" + std::to_string(merchant_id) + ":" + at,
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = at});
    return counts;
}

}  // namespace sharedstore
