#include "push/outbox_retention.hpp"

#include <cppconn/prepared_statement.h>

namespace sharedstore {

int prune_relayed_outbox(mysql_connection& db, const std::string& before, int limit) {
    // The fallbacks first (they point at their event); the derived table lets LIMIT pick the batch.
    mysql_statement fallbacks(db.prepare(
        "DELETE FROM push_fallbacks WHERE outbox_event_id IN (SELECT id FROM (SELECT id FROM outbox_events "
        "WHERE relayed_at IS NOT NULL AND relayed_at < ? ORDER BY relayed_at, id LIMIT ?) AS batch)"));
    fallbacks->setString(1, before);
    fallbacks->setInt(2, limit);
    fallbacks->executeUpdate();
    mysql_statement events(
        db.prepare("DELETE FROM outbox_events WHERE relayed_at IS NOT NULL AND relayed_at < ? ORDER BY relayed_at, id LIMIT ?"));
    events->setString(1, before);
    events->setInt(2, limit);
    return events->executeUpdate();
}

}  // namespace sharedstore
