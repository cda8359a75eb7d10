#include "push/outbox_store.hpp"

#include "push/outbox_events.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

namespace sharedstore {

namespace {
constexpr const char* epoch_origin = "TIMESTAMP'1970-01-01 00:00:00'";
}  // namespace

pending_read pending_events(mysql_connection& db, int limit, const std::string& template_id) {
    // One round trip for both (a pass runs for nearly every order): the row with id 0 carries the
    // newest relayed_at, the others are the pending events. Event ids start at 1. The subscription
    // is a primary-key lookup per event.
    mysql_statement select(db.prepare(std::string("SELECT 0, 0, '', '', COALESCE(TIMESTAMPDIFF(MICROSECOND, ") + epoch_origin +
                                      ", MAX(relayed_at)), 0), 0 FROM outbox_events UNION ALL (SELECT e.id, e.user_id, e.kind, e.payload, "
                                      "TIMESTAMPDIFF(MICROSECOND, " + epoch_origin +
                                      ", e.created_at), EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = e.user_id AND s.template_id = ? "
                                      "AND s.remaining > 0) FROM outbox_events e WHERE e.relayed_at IS NULL ORDER BY e.id LIMIT ?)"));
    select->setString(1, template_id);
    select->setInt(2, limit);
    pending_read out;
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    while (rs->next()) {
        if (rs->getUInt64(1) == 0) {
            out.relayed_mark_us = rs->getInt64(5);
            continue;
        }
        out.rows.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), rs->getString(4), rs->getInt64(5), rs->getInt(6) != 0});
    }
    // Relayed in id order: a UNION promises no order of its own.
    std::sort(out.rows.begin(), out.rows.end(), [](const outbox_row& a, const outbox_row& b) { return a.id < b.id; });
    return out;
}

int pending_event_count(mysql_connection& db, int cap) {
    // Bounded: the caller asks whether the backlog is above a line, not how far.
    mysql_statement select(db.prepare("SELECT COUNT(*) FROM (SELECT 1 FROM outbox_events WHERE relayed_at IS NULL LIMIT ?) pending"));
    select->setInt(1, cap);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    return rs->next() ? rs->getInt(1) : 0;
}

void mark_relayed(mysql_connection& db, const std::vector<std::uint64_t>& ids, std::int64_t stamp_us) {
    // The IN list is padded to a power of two with the last id: a handful of statement shapes
    // (1, 2, 4 ... 512 ids) that the connection keeps prepared, instead of one per batch size.
    std::size_t slots = 1;
    while (slots < ids.size()) slots *= 2;
    std::string question_marks;
    for (std::size_t i = 0; i < slots; ++i) question_marks += i ? ", ?" : "?";
    mysql_statement update(db.prepare(std::string("UPDATE outbox_events SET relayed_at = ") + epoch_origin +
                                      " + INTERVAL ? MICROSECOND WHERE id IN (" + question_marks + ")"));
    update->setInt64(1, stamp_us);
    for (std::size_t i = 0; i < slots; ++i) update->setUInt64(static_cast<unsigned>(i + 2), ids[std::min(i, ids.size() - 1)]);
    update->executeUpdate();
}

int unmark_relayed_after(mysql_connection& db, std::int64_t cutoff_us) {
    mysql_statement update(
        db.prepare(std::string("UPDATE outbox_events SET relayed_at = NULL WHERE relayed_at > ") + epoch_origin + " + INTERVAL ? MICROSECOND"));
    update->setInt64(1, cutoff_us);
    return update->executeUpdate();
}

fallback_claim claim_fallback(mysql_connection& db, std::uint64_t user_id, std::uint64_t event_id, const std::string& template_id) {
    fallback_claim c;
    {
        // A reminder pruned meanwhile (prune-outbox) has nothing left to say: not claimed, and the
        // caller drops its schedule entry instead of failing on the foreign key forever.
        // So is one of a kind without a subscribe message: no quota is spent on it.
        mysql_statement exists(db.prepare("SELECT kind FROM outbox_events WHERE id = ?"));
        exists->setUInt64(1, event_id);
        std::unique_ptr<sql::ResultSet> rs(exists->executeQuery());
        if (!rs->next() || !has_subscribe_message(std::string(rs->getString(1)))) return c;
    }
    mysql_statement insert(db.prepare(
        "INSERT INTO push_fallbacks (outbox_event_id, user_id, outcome) VALUES (?, ?, 'no_subscription') ON DUPLICATE KEY UPDATE user_id = user_id"));
    insert->setUInt64(1, event_id);
    insert->setUInt64(2, user_id);
    c.claimed = insert->executeUpdate() == 1;
    if (!c.claimed) return c;
    mysql_statement spend(db.prepare("UPDATE push_subscriptions SET remaining = remaining - 1 WHERE user_id = ? AND template_id = ? AND remaining > 0"));
    spend->setUInt64(1, user_id);
    spend->setString(2, template_id);
    c.has_subscription = spend->executeUpdate() == 1;
    if (!c.has_subscription) return c;
    {
        mysql_statement facts(db.prepare("SELECT u.openid, e.kind, e.payload FROM users u JOIN outbox_events e ON e.id = ? WHERE u.id = ?"));
        facts->setUInt64(1, event_id);
        facts->setUInt64(2, user_id);
        std::unique_ptr<sql::ResultSet> rs(facts->executeQuery());
        if (rs->next()) {
            c.openid = rs->getString(1);
            c.kind = rs->getString(2);
            c.payload = rs->getString(3);
        }
    }
    mysql_statement mark(db.prepare("UPDATE push_fallbacks SET outcome = 'sent' WHERE outbox_event_id = ?"));
    mark->setUInt64(1, event_id);
    mark->executeUpdate();
    return c;
}

void record_fallback_failure(mysql_connection& db, std::uint64_t event_id, const std::string& detail) {
    mysql_statement mark(db.prepare("UPDATE push_fallbacks SET outcome = 'failed', detail = ? WHERE outbox_event_id = ?"));
    mark->setString(1, detail);
    mark->setUInt64(2, event_id);
    mark->executeUpdate();
}

std::vector<std::uint64_t> users_with_subscription(mysql_connection& db, std::vector<std::uint64_t> user_ids, const std::string& template_id) {
    std::sort(user_ids.begin(), user_ids.end());
    user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());
    std::vector<std::uint64_t> out;
    constexpr std::size_t batch = 500;
    for (std::size_t start = 0; start < user_ids.size(); start += batch) {
        const auto n = std::min(batch, user_ids.size() - start);
        std::string placeholders;
        for (std::size_t i = 0; i < n; ++i) placeholders += i ? ", ?" : "?";
        mysql_statement select(db.prepare("SELECT user_id FROM push_subscriptions WHERE template_id = ? AND remaining > 0 AND user_id IN (" +
                                          placeholders + ") ORDER BY user_id"));
        select->setString(1, template_id);
        for (std::size_t i = 0; i < n; ++i) select->setUInt64(static_cast<unsigned>(i + 2), user_ids[start + i]);
        std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
        while (rs->next()) out.push_back(rs->getUInt64(1));
    }
    return out;
}

}  // namespace sharedstore
