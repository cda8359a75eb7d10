#include "server/storage/promoter_repository.hpp"

#include "common/clock.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

const std::string promoter_select = "SELECT p.id, p.user_id, p.name, p.invite_code, " + sql_micros("p.created_at") +
                                    ", (SELECT COUNT(*) FROM merchant_promoters b WHERE b.promoter_id = p.id) FROM promoters p ";

promoter_record read_promoter(sql::ResultSet& rs) {
    promoter_record p;
    p.id = rs.getUInt64(1);
    p.user_id = rs.getUInt64(2);
    p.name = rs.getString(3);
    p.invite_code = rs.getString(4);
    p.created_at = from_micros(rs.getInt64(5));
    p.merchants = rs.getInt(6);
    return p;
}

std::optional<promoter_record> one(mysql_connection& db, const std::string& where, auto bind) {
    statement select(db.prepare(promoter_select + where));
    bind(*select);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_promoter(*rs);
}

const std::string binding_select = "SELECT b.merchant_id, m.name, b.promoter_id, p.name, b.source, " + sql_micros("b.bound_at") + ", " +
                                   sql_micros("b.term_started_at") + ", " + sql_micros("b.term_ends_at") +
                                   " FROM merchant_promoters b JOIN merchants m ON m.id = b.merchant_id JOIN promoters p ON p.id = b.promoter_id ";

promoter_binding read_binding(sql::ResultSet& rs) {
    promoter_binding b;
    b.merchant_id = rs.getUInt64(1);
    b.merchant_name = rs.getString(2);
    b.promoter_id = rs.getUInt64(3);
    b.promoter_name = rs.getString(4);
    b.source = rs.getString(5);
    b.bound_at = from_micros(rs.getInt64(6));
    if (!rs.isNull(7)) b.term_started_at = from_micros(rs.getInt64(7));
    if (!rs.isNull(8)) b.term_ends_at = from_micros(rs.getInt64(8));
    return b;
}

}  // namespace

std::uint64_t insert_promoter(mysql_connection& db, std::uint64_t user_id, const std::string& name, const std::string& invite_code, std::uint64_t by,
                              time_point at) {
    statement insert(db.prepare("INSERT INTO promoters (user_id, name, invite_code, created_by_user_id, created_at) VALUES (?, ?, ?, ?, ?)"));
    insert->setUInt64(1, user_id);
    insert->setString(2, name);
    insert->setString(3, invite_code);
    insert->setUInt64(4, by);
    insert->setString(5, format_sql_datetime_utc(at));
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<promoter_record> find_promoter(mysql_connection& db, std::uint64_t id) {
    return one(db, "WHERE p.id = ?", [&](sql::PreparedStatement& s) { s.setUInt64(1, id); });
}

std::optional<promoter_record> find_promoter_by_invite(mysql_connection& db, const std::string& invite_code) {
    return one(db, "WHERE p.invite_code = ?", [&](sql::PreparedStatement& s) { s.setString(1, invite_code); });
}

std::optional<promoter_record> find_promoter_by_user(mysql_connection& db, std::uint64_t user_id) {
    return one(db, "WHERE p.user_id = ?", [&](sql::PreparedStatement& s) { s.setUInt64(1, user_id); });
}

std::vector<promoter_record> list_promoters(mysql_connection& db, std::uint64_t before, int limit) {
    statement select(db.prepare(promoter_select + "WHERE (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?"));
    select->setUInt64(1, before);
    select->setUInt64(2, before);
    select->setInt(3, limit);
    rows rs(select->executeQuery());
    std::vector<promoter_record> out;
    while (rs->next()) out.push_back(read_promoter(*rs));
    return out;
}

std::optional<promoter_binding> merchant_promoter(mysql_connection& db, std::uint64_t merchant_id, bool lock) {
    if (lock) {
        // The binding's own row alone (a join would lock the store's and the promoter's rows too,
        // which payments and vesting read); its names are not needed by who locks it.
        statement locked(db.prepare("SELECT merchant_id, promoter_id, source, " + sql_micros("bound_at") + ", " + sql_micros("term_started_at") + ", " +
                                    sql_micros("term_ends_at") + " FROM merchant_promoters WHERE merchant_id = ? FOR UPDATE"));
        locked->setUInt64(1, merchant_id);
        rows rs(locked->executeQuery());
        if (!rs->next()) return std::nullopt;
        promoter_binding b;
        b.merchant_id = rs->getUInt64(1);
        b.promoter_id = rs->getUInt64(2);
        b.source = rs->getString(3);
        b.bound_at = from_micros(rs->getInt64(4));
        if (!rs->isNull(5)) b.term_started_at = from_micros(rs->getInt64(5));
        if (!rs->isNull(6)) b.term_ends_at = from_micros(rs->getInt64(6));
        return b;
    }
    statement select(db.prepare(binding_select + "WHERE b.merchant_id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_binding(*rs);
}

void bind_merchant_promoter(mysql_connection& db, std::uint64_t merchant_id, std::optional<std::uint64_t> from, std::uint64_t to, const std::string& source,
                            const std::string& reason, std::uint64_t by, time_point at) {
    const auto when = format_sql_datetime_utc(at);
    statement upsert(db.prepare("INSERT INTO merchant_promoters (merchant_id, promoter_id, source, bound_at) VALUES (?, ?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE promoter_id = VALUES(promoter_id), source = VALUES(source), bound_at = VALUES(bound_at)"));
    upsert->setUInt64(1, merchant_id);
    upsert->setUInt64(2, to);
    upsert->setString(3, source);
    upsert->setString(4, when);
    upsert->executeUpdate();
    statement audit(db.prepare("INSERT INTO merchant_promoter_changes (merchant_id, from_promoter_id, to_promoter_id, source, reason, "
                               "changed_by_user_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    audit->setUInt64(1, merchant_id);
    if (from) audit->setUInt64(2, *from);
    else audit->setNull(2, 0);
    audit->setUInt64(3, to);
    audit->setString(4, source);
    audit->setString(5, reason);
    audit->setUInt64(6, by);
    audit->setString(7, when);
    audit->executeUpdate();
}

void start_promoter_term(mysql_connection& db, std::uint64_t merchant_id, time_point start, time_point end) {
    statement update(db.prepare("UPDATE merchant_promoters SET term_started_at = ?, term_ends_at = ? WHERE merchant_id = ? AND term_started_at IS NULL"));
    update->setString(1, format_sql_datetime_utc(start));
    update->setString(2, format_sql_datetime_utc(end));
    update->setUInt64(3, merchant_id);
    update->executeUpdate();
}

std::vector<promoter_binding> promoter_merchants(mysql_connection& db, std::uint64_t promoter_id) {
    statement select(db.prepare(binding_select + "WHERE b.promoter_id = ? ORDER BY b.merchant_id"));
    select->setUInt64(1, promoter_id);
    rows rs(select->executeQuery());
    std::vector<promoter_binding> out;
    while (rs->next()) out.push_back(read_binding(*rs));
    return out;
}

std::vector<promoter_change> merchant_promoter_changes(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT from_promoter_id, to_promoter_id, source, reason, changed_by_user_id, " + sql_micros("changed_at") +
                                " FROM merchant_promoter_changes WHERE merchant_id = ? ORDER BY id"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<promoter_change> out;
    while (rs->next()) {
        promoter_change c;
        if (!rs->isNull(1)) c.from_promoter_id = rs->getUInt64(1);
        c.to_promoter_id = rs->getUInt64(2);
        c.source = rs->getString(3);
        c.reason = rs->getString(4);
        c.changed_by_user_id = rs->getUInt64(5);
        c.changed_at = from_micros(rs->getInt64(6));
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace sharedstore
