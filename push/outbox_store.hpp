#pragma once
// The relay's SQL over outbox_events, push_fallbacks and push_subscriptions. Blocking: call
// through mysql_pool. Times are microseconds since the epoch, exact both ways (the session's time
// zone is UTC).
#include "common/mysql_connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sharedstore {

struct outbox_row {
    std::uint64_t id = 0, user_id = 0;
    std::string kind, payload;
    std::int64_t created_us = 0;
    bool subscribed = false;  // the user had an accepted subscription of the template left when read
};

struct pending_read {
    std::vector<outbox_row> rows;
    std::int64_t relayed_mark_us = 0;  // the newest relayed_at: what Redis must remember
};

// Up to `limit` events not relayed yet, in id order, and the newest relayed_at; with each, whether
// its user has a subscription of `template_id` left (empty: none looked up).
pending_read pending_events(mysql_connection& db, int limit, const std::string& template_id);
// How many events wait for the relay, counted up to `cap`: a bulk writer (a pool dividend) waits
// while it is at the cap, so the core loop's reminders never queue behind more than that.
int pending_event_count(mysql_connection& db, int cap);
// relayed_at = the batch's stamp in Redis's relay mark (inbox::relay_batch), not the clock.
void mark_relayed(mysql_connection& db, const std::vector<std::uint64_t>& ids, std::int64_t stamp_us);
// Events marked relayed after `cutoff_us` go back in the outbox (Redis lost them); how many.
int unmark_relayed_after(mysql_connection& db, std::int64_t cutoff_us);

struct fallback_claim {
    bool claimed = false;           // this call took the reminder (its primary key): never sent twice
    bool has_subscription = false;  // and spent one of the user's accepted subscriptions on it
    std::string openid, kind, payload;
};
// In one transaction: claims the reminder's fallback, spends a subscription of `template_id`
// when one is left (then the outcome is 'sent'), and reads what the message needs.
fallback_claim claim_fallback(mysql_connection& db, std::uint64_t user_id, std::uint64_t event_id, const std::string& template_id);
void record_fallback_failure(mysql_connection& db, std::uint64_t event_id, const std::string& detail);
// Of `user_ids`, those with an accepted subscription of `template_id` left, ascending: the others
// cannot be sent a message, and their due reminders are dropped without a claim (a dividend's
// vouchers reach 200,000 holders, nearly all of them without one).
std::vector<std::uint64_t> users_with_subscription(mysql_connection& db, std::vector<std::uint64_t> user_ids, const std::string& template_id);

}  // namespace sharedstore
