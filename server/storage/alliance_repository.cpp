#include "server/storage/alliance_repository.hpp"

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

const std::string config_columns =
    "SELECT version, initial_value_cp, min_holders, growth_bp, first_rate_bp, rate_step_bp, rate_cap_bp, fund_share_bp, quota_bp, "
    "advance_periods, advance_budget_bp, lock_bp, voucher_validity_days, vest_days, supply_voucher_max_bp, created_by_user_id, " +
    sql_micros("created_at") + " FROM alliance_pool_configs ";

pool_config_version read_config(sql::ResultSet& rs) {
    pool_config_version v;
    v.version = static_cast<int>(rs.getUInt(1));
    auto& c = v.config;
    c.initial_value_cp = rs.getInt64(2);
    c.min_holders = rs.getInt(3);
    c.growth_bp = rs.getInt(4);
    c.first_rate_bp = rs.getInt(5);
    c.rate_step_bp = rs.getInt(6);
    c.rate_cap_bp = rs.getInt(7);
    c.fund_share_bp = rs.getInt(8);
    c.quota_bp = rs.getInt(9);
    c.advance_periods = rs.getInt(10);
    c.advance_budget_bp = rs.getInt(11);
    c.lock_bp = rs.getInt(12);
    c.voucher_validity_days = rs.getInt(13);
    c.vest_days = rs.getInt(14);
    c.supply_voucher_max_bp = rs.getInt(15);
    v.created_by_user_id = rs.getUInt64(16);
    v.created_at = from_micros(rs.getInt64(17));
    return v;
}

const std::string concession_columns =
    "SELECT version, concession_bp, voucher_max_bp, " + sql_micros("effective_from") + ", created_by_user_id FROM alliance_concessions ";

concession_version read_concession(sql::ResultSet& rs, int first) {
    return concession_version{.version = static_cast<int>(rs.getUInt(first)),
                              .concession_bp = rs.getInt(first + 1),
                              .voucher_max_bp = rs.getInt(first + 2),
                              .effective_from = from_micros(rs.getInt64(first + 3)),
                              .created_by_user_id = rs.getUInt64(first + 4)};
}

// A member with its newest concession (a LEFT JOIN on the newest version).
const std::string member_columns =
    "SELECT m.merchant_id, s.name, m.admitted_by_user_id, " + sql_micros("m.admitted_at") +
    ", c.version, c.concession_bp, c.voucher_max_bp, " + sql_micros("c.effective_from") +
    ", c.created_by_user_id FROM alliance_members m JOIN merchants s ON s.id = m.merchant_id "
    "LEFT JOIN alliance_concessions c ON c.merchant_id = m.merchant_id AND c.version = "
    "(SELECT MAX(version) FROM alliance_concessions x WHERE x.merchant_id = m.merchant_id) ";

alliance_member read_member(sql::ResultSet& rs) {
    alliance_member m{.merchant_id = rs.getUInt64(1),
                      .merchant_name = std::string(rs.getString(2)),
                      .admitted_by_user_id = rs.getUInt64(3),
                      .admitted_at = from_micros(rs.getInt64(4)),
                      .concession = std::nullopt};
    if (!rs.isNull(5)) m.concession = read_concession(rs, 5);
    return m;
}

}  // namespace

void lock_alliance(mysql_connection& db) {
    statement select(db.prepare("SELECT id FROM ledger_books WHERE platform_key = 1 FOR UPDATE"));
    rows rs(select->executeQuery());
}

bool is_platform_operator(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT 1 FROM platform_operators WHERE user_id = ? AND revoked_at IS NULL"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    return rs->next();
}

bool grant_platform_operator(mysql_connection& db, std::uint64_t user_id, const std::string& granted_by, time_point at) {
    statement user(db.prepare("SELECT 1 FROM users WHERE id = ?"));
    user->setUInt64(1, user_id);
    rows found(user->executeQuery());
    if (!found->next()) return false;
    statement upsert(db.prepare("INSERT INTO platform_operators (user_id, granted_at, granted_by) VALUES (?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE granted_at = IF(revoked_at IS NULL, granted_at, VALUES(granted_at)), "
                                "granted_by = IF(revoked_at IS NULL, granted_by, VALUES(granted_by)), revoked_at = NULL"));
    upsert->setUInt64(1, user_id);
    upsert->setString(2, format_sql_datetime_utc(at));
    upsert->setString(3, granted_by);
    upsert->executeUpdate();
    return true;
}

std::vector<pool_config_version> list_pool_config_versions(mysql_connection& db, int limit) {
    statement select(db.prepare(config_columns + "ORDER BY version DESC LIMIT ?"));
    select->setInt(1, limit);
    rows rs(select->executeQuery());
    std::vector<pool_config_version> out;
    while (rs->next()) out.push_back(read_config(*rs));
    return out;
}

pool_config_version pool_config_in_force(mysql_connection& db) {
    auto newest = list_pool_config_versions(db, 1);
    return newest.empty() ? pool_config_version{} : newest.front();
}

pool_config_version insert_pool_config_version(mysql_connection& db, const alliance_pool_config& c, std::uint64_t created_by, time_point at) {
    statement next(db.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM alliance_pool_configs"));
    rows rs(next->executeQuery());
    rs->next();
    const auto version = static_cast<int>(rs->getUInt(1));
    statement insert(db.prepare("INSERT INTO alliance_pool_configs (version, initial_value_cp, min_holders, growth_bp, first_rate_bp, "
                                "rate_step_bp, rate_cap_bp, fund_share_bp, quota_bp, advance_periods, advance_budget_bp, lock_bp, "
                                "voucher_validity_days, vest_days, supply_voucher_max_bp, created_by_user_id, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt(1, static_cast<std::uint32_t>(version));
    insert->setInt64(2, c.initial_value_cp);
    int i = 3;
    for (int value : {c.min_holders, c.growth_bp, c.first_rate_bp, c.rate_step_bp, c.rate_cap_bp, c.fund_share_bp, c.quota_bp, c.advance_periods,
                      c.advance_budget_bp, c.lock_bp, c.voucher_validity_days, c.vest_days, c.supply_voucher_max_bp})
        insert->setInt(i++, value);
    insert->setUInt64(i++, created_by);
    insert->setString(i, format_sql_datetime_utc(at));
    insert->executeUpdate();
    return pool_config_version{.version = version, .config = c, .created_by_user_id = created_by, .created_at = at};
}

std::optional<alliance_member> find_alliance_member(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(member_columns + "WHERE m.merchant_id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_member(*rs);
}

std::vector<alliance_member> list_alliance_members(mysql_connection& db, std::uint64_t before_merchant_id, int limit) {
    statement select(db.prepare(member_columns + "WHERE (? = 0 OR m.merchant_id < ?) ORDER BY m.merchant_id DESC LIMIT ?"));
    select->setUInt64(1, before_merchant_id);
    select->setUInt64(2, before_merchant_id);
    select->setInt(3, limit);
    rows rs(select->executeQuery());
    std::vector<alliance_member> out;
    while (rs->next()) out.push_back(read_member(*rs));
    return out;
}

bool insert_alliance_member(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t admitted_by, time_point at) {
    statement insert(db.prepare("INSERT IGNORE INTO alliance_members (merchant_id, admitted_by_user_id, admitted_at) VALUES (?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, admitted_by);
    insert->setString(3, format_sql_datetime_utc(at));
    return insert->executeUpdate() == 1;
}

std::vector<concession_version> list_concession_versions(mysql_connection& db, std::uint64_t merchant_id, int limit) {
    statement select(db.prepare(concession_columns + "WHERE merchant_id = ? ORDER BY version DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<concession_version> out;
    while (rs->next()) out.push_back(read_concession(*rs, 1));
    return out;
}

std::optional<concession_version> concession_at(mysql_connection& db, std::uint64_t merchant_id, time_point at) {
    statement select(db.prepare(concession_columns + "WHERE merchant_id = ? AND effective_from <= ? ORDER BY version DESC LIMIT 1"));
    select->setUInt64(1, merchant_id);
    select->setString(2, format_sql_datetime_utc(at));
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_concession(*rs, 1);
}

concession_version insert_concession_version(mysql_connection& db, std::uint64_t merchant_id, int concession_bp, int voucher_max_bp,
                                             std::uint64_t created_by, time_point at) {
    statement next(db.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM alliance_concessions WHERE merchant_id = ?"));
    next->setUInt64(1, merchant_id);
    rows rs(next->executeQuery());
    rs->next();
    const auto version = static_cast<int>(rs->getUInt(1));
    statement insert(db.prepare("INSERT INTO alliance_concessions (merchant_id, version, concession_bp, voucher_max_bp, effective_from, "
                                "created_by_user_id) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt(2, static_cast<std::uint32_t>(version));
    insert->setInt(3, concession_bp);
    insert->setInt(4, voucher_max_bp);
    insert->setString(5, format_sql_datetime_utc(at));
    insert->setUInt64(6, created_by);
    insert->executeUpdate();
    return concession_version{.version = version, .concession_bp = concession_bp, .voucher_max_bp = voucher_max_bp, .effective_from = at,
                              .created_by_user_id = created_by};
}

std::optional<int> lowest_concession_bp(mysql_connection& db) {
    statement select(db.prepare("SELECT MIN(c.concession_bp) FROM alliance_concessions c WHERE c.version = "
                                "(SELECT MAX(version) FROM alliance_concessions x WHERE x.merchant_id = c.merchant_id)"));
    rows rs(select->executeQuery());
    if (!rs->next() || rs->isNull(1)) return std::nullopt;
    return rs->getInt(1);
}

}  // namespace sharedstore
