#include "server/services/alliance_voucher_expiry.hpp"

#include "common/clock.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/alliance_voucher_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/order_repository.hpp"

#include <map>

namespace sharedstore {

voucher_expiry_chunk expire_alliance_vouchers(mysql_connection& db, std::chrono::system_clock::time_point now, int limit) {
    const auto credits = lock_ended_credits(db, now, limit);
    voucher_expiry_chunk out{.credits = static_cast<int>(credits.size()), .fen = 0, .more = static_cast<int>(credits.size()) == limit};
    if (credits.empty()) return out;
    expire_credits(db, credits);
    std::map<std::uint64_t, std::int64_t> consumers, stores;  // by id: the postings' entries in a fixed order
    for (const auto& c : credits) {
        (c.holder == "consumer" ? consumers : stores)[c.holder_id] += c.remaining_fen;
        out.fen += c.remaining_fen;
    }
    // A chunk is named by its first credit and its time: a credit can end again after a released
    // hold gave it back some value.
    const auto reference = "expiry:" + std::to_string(credits.front().id) + ":" +
                           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    const auto booked = format_sql_datetime_utc(now);
    if (!consumers.empty()) {
        std::int64_t total = 0;
        std::vector<ledger_entry> entries;
        for (const auto& [user, fen] : consumers) {
            entries.push_back({{account_kind::vouchers_issued, 0}, {account_kind::alliance_vouchers, user}, fen});
            total += fen;
        }
        entries.push_back({{account_kind::alliance_fund_reserved, 0}, {account_kind::alliance_fund_free, 0}, total});
        post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                   .kind = "alliance_vouchers_expired",
                                                   .reference = reference,
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = booked});
    }
    for (const auto& [store, fen] : stores)
        post_ledger_transaction(db, ledger_posting{.merchant_id = store,
                                                   .kind = "alliance_vouchers_expired",
                                                   .reference = reference + ":" + std::to_string(store),
                                                   .actor_user_id = std::nullopt,
                                                   .entries = vouchers_expired_entries(0, fen),
                                                   .booked_at = booked});
    return out;
}

voucher_reminder_chunk remind_expiring_vouchers(mysql_connection& db, std::chrono::system_clock::time_point now, std::chrono::seconds notice,
                                                std::uint64_t after_user, int limit) {
    const auto until = now + notice;
    const auto due = list_expiring_vouchers(db, now, until, after_user, limit);
    voucher_reminder_chunk out{.reminded = static_cast<int>(due.size()), .last_user = after_user, .more = static_cast<int>(due.size()) == limit};
    if (due.empty()) return out;
    std::vector<std::uint64_t> users;
    std::vector<outbox_insert> events;
    const auto at = format_rfc3339_seconds(now);
    for (const auto& d : due) {
        users.push_back(d.user_id);
        events.push_back({d.user_id, "vouchers_expiring",
                          to_payload(outbox_event{vouchers_expiring_event{
                              .amount_fen = d.amount_fen, .expires_at = format_rfc3339_seconds(d.first_end), .at = at}})});
    }
    mark_vouchers_reminded(db, users, now, until);
    insert_outbox_events(db, std::move(events));
    out.last_user = users.back();
    return out;
}

}  // namespace sharedstore
