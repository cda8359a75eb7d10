#include "server/storage/alliance_fan_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

void insert_change(mysql_connection& db, std::uint64_t user_id, std::optional<std::uint64_t> from, std::uint64_t to, const std::string& source,
                   const std::string& reason, std::optional<std::uint64_t> by, time_point at) {
    statement insert(db.prepare(
        "INSERT INTO alliance_fan_changes (user_id, from_merchant_id, to_merchant_id, source, reason, changed_by_user_id, changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, user_id);
    if (from) insert->setUInt64(2, *from);
    else insert->setNull(2, 0);
    insert->setUInt64(3, to);
    insert->setString(4, source);
    insert->setString(5, reason);
    if (by) insert->setUInt64(6, *by);
    else insert->setNull(6, 0);
    insert->setString(7, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

}  // namespace

std::optional<fan_lock> find_fan_lock(mysql_connection& db, std::uint64_t user_id, const std::string& lock) {
    const std::string suffix = lock == "update" ? " FOR UPDATE" : lock == "share" ? " LOCK IN SHARE MODE" : "";
    statement select(db.prepare("SELECT merchant_id, source, " + sql_micros("locked_at") + " FROM alliance_fans WHERE user_id = ?" + suffix));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return fan_lock{.user_id = user_id, .merchant_id = rs->getUInt64(1), .source = rs->getString(2), .locked_at = from_micros(rs->getInt64(3))};
}

fan_lock touch_fan_lock(mysql_connection& db, std::uint64_t user_id, std::uint64_t merchant_id, const std::string& source, time_point at) {
    // Read first: the usual case (already locked) takes no insert lock at all.
    if (auto existing = find_fan_lock(db, user_id)) return *existing;
    statement insert(db.prepare("INSERT IGNORE INTO alliance_fans (user_id, merchant_id, source, locked_at) VALUES (?, ?, ?, ?)"));
    insert->setUInt64(1, user_id);
    insert->setUInt64(2, merchant_id);
    insert->setString(3, source);
    insert->setString(4, format_sql_datetime_utc(at));
    if (insert->executeUpdate() == 0) {
        // A concurrent first touch won (the duplicate check waited for its commit): read its row,
        // share-locked, as a lead claim does.
        if (auto winner = find_fan_lock(db, user_id, "share")) return *winner;
        throw std::runtime_error("fan lock: the winning touch vanished");
    }
    insert_change(db, user_id, std::nullopt, merchant_id, source, "", std::nullopt, at);
    return fan_lock{.user_id = user_id, .merchant_id = merchant_id, .source = source, .locked_at = at};
}

void reassign_fan_lock(mysql_connection& db, std::uint64_t user_id, std::optional<std::uint64_t> from, std::uint64_t to, std::uint64_t by,
                       const std::string& reason, time_point at) {
    statement upsert(db.prepare(
        "INSERT INTO alliance_fans (user_id, merchant_id, source, locked_at) VALUES (?, ?, 'operator', ?) "
        "ON DUPLICATE KEY UPDATE merchant_id = VALUES(merchant_id), source = 'operator', locked_at = VALUES(locked_at)"));
    upsert->setUInt64(1, user_id);
    upsert->setUInt64(2, to);
    upsert->setString(3, format_sql_datetime_utc(at));
    upsert->executeUpdate();
    insert_change(db, user_id, from, to, "operator", reason, by, at);
}

std::int64_t count_fans(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT COUNT(*) FROM alliance_fans WHERE merchant_id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    rs->next();
    return rs->getInt64(1);
}

std::vector<fan_change> list_fan_changes(mysql_connection& db, std::uint64_t user_id, int limit) {
    statement select(db.prepare("SELECT id, from_merchant_id, to_merchant_id, source, reason, changed_by_user_id, " + sql_micros("changed_at") +
                                " FROM alliance_fan_changes WHERE user_id = ? ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, user_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<fan_change> out;
    while (rs->next()) {
        fan_change c;
        c.id = rs->getUInt64(1);
        if (!rs->isNull(2)) c.from_merchant_id = rs->getUInt64(2);
        c.to_merchant_id = rs->getUInt64(3);
        c.source = rs->getString(4);
        c.reason = rs->getString(5);
        if (!rs->isNull(6)) c.changed_by_user_id = rs->getUInt64(6);
        c.changed_at = from_micros(rs->getInt64(7));
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace sharedstore
