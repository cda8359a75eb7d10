#include "server/storage/region_repository.hpp"

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

region_row read_region(sql::ResultSet& rs) {
    region_row r;
    r.code = rs.getString(1);
    r.level = rs.getString(2);
    r.name = rs.getString(3);
    if (!rs.isNull(4)) r.parent_code = rs.getString(4);
    r.has_children = rs.getInt(5) != 0;
    return r;
}

const std::string region_select =
    "SELECT r.code, r.level, r.name, r.parent_code, EXISTS (SELECT 1 FROM region_codes c WHERE c.parent_code = r.code) FROM region_codes r ";

}  // namespace

std::optional<region_row> find_region(mysql_connection& db, const std::string& code) {
    statement select(db.prepare(region_select + "WHERE r.code = ?"));
    select->setString(1, code);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_region(*rs);
}

std::vector<region_row> list_regions(mysql_connection& db, const std::string& parent) {
    // A merchant lies under a code when its region starts with the code's own digits (a
    // province's two, a city's four; a county's six).
    statement select(db.prepare(region_select.substr(0, region_select.find(" FROM region_codes r ")) +
                                ", (SELECT COUNT(*) FROM merchant_regions m WHERE m.region_code LIKE CONCAT(LEFT(r.code, "
                                "CASE r.level WHEN 'province' THEN 2 WHEN 'city' THEN 4 ELSE 6 END), '%')) FROM region_codes r "
                                "WHERE (? = '' AND r.parent_code IS NULL) OR r.parent_code = ? ORDER BY r.code"));
    select->setString(1, parent);
    select->setString(2, parent);
    rows rs(select->executeQuery());
    std::vector<region_row> out;
    while (rs->next()) {
        auto r = read_region(*rs);
        r.merchants = rs->getInt(6);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<region_row> regions_named(mysql_connection& db, const std::vector<std::string>& codes) {
    std::vector<region_row> out;
    if (codes.empty()) return out;
    statement select(db.prepare(region_select + "WHERE r.code IN (" + repeated("?", codes.size()) + ") ORDER BY r.code"));
    for (std::size_t i = 0; i < codes.size(); ++i) select->setString(static_cast<int>(i + 1), codes[i]);
    rows rs(select->executeQuery());
    while (rs->next()) out.push_back(read_region(*rs));
    return out;
}

std::optional<std::string> merchant_region(mysql_connection& db, std::uint64_t merchant_id, bool lock) {
    statement select(db.prepare(std::string("SELECT region_code FROM merchant_regions WHERE merchant_id = ?") + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getString(1);
}

void set_merchant_region(mysql_connection& db, std::uint64_t merchant_id, const std::optional<std::string>& from, const std::string& to,
                         const std::string& reason, std::uint64_t by, std::chrono::system_clock::time_point at) {
    const auto when = format_sql_datetime_utc(at);
    statement upsert(db.prepare("INSERT INTO merchant_regions (merchant_id, region_code, set_at) VALUES (?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE region_code = VALUES(region_code), set_at = VALUES(set_at)"));
    upsert->setUInt64(1, merchant_id);
    upsert->setString(2, to);
    upsert->setString(3, when);
    upsert->executeUpdate();
    statement audit(db.prepare("INSERT INTO merchant_region_changes (merchant_id, from_code, to_code, reason, changed_by_user_id, changed_at) "
                               "VALUES (?, ?, ?, ?, ?, ?)"));
    audit->setUInt64(1, merchant_id);
    if (from) audit->setString(2, *from);
    else audit->setNull(2, 0);
    audit->setString(3, to);
    audit->setString(4, reason);
    audit->setUInt64(5, by);
    audit->setString(6, when);
    audit->executeUpdate();
}

std::vector<region_change> merchant_region_changes(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT from_code, to_code, reason, changed_by_user_id, " + sql_micros("changed_at") +
                                " FROM merchant_region_changes WHERE merchant_id = ? ORDER BY id"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<region_change> out;
    while (rs->next()) {
        region_change c;
        if (!rs->isNull(1)) c.from_code = rs->getString(1);
        c.to_code = rs->getString(2);
        c.reason = rs->getString(3);
        c.changed_by_user_id = rs->getUInt64(4);
        c.changed_at = from_micros(rs->getInt64(5));
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace sharedstore
