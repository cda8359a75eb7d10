#pragma once
// Relayed outbox events (and the subscribe-message fallbacks sent for them) are kept for resumes
// from before a phone's inbox and for refilling a Redis that lost its tail; past the retention
// nothing reads them. Blocking: run through mysql_pool, one batch per transaction.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <string>

namespace sharedstore {

// Deletes up to `limit` events relayed before `before` (SQL DATETIME, UTC), oldest first, with
// their fallback rows. Returns how many events went.
int prune_relayed_outbox(mysql_connection& db, const std::string& before, int limit);

}  // namespace sharedstore
