#include "server/storage/centre_repository.hpp"

#include "common/clock.hpp"
#include "server/domain/calendar.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

const std::string config_select = "SELECT version, promoter_bp, promoter_term_months, assist_fee_fen, assist_min_orders, county_bp, city_bp, "
                                  "province_bp, set_by_user_id, " + sql_micros("set_at") + " FROM platform_share_configs ";

net_share_config_version read_config(sql::ResultSet& rs) {
    net_share_config_version v;
    v.version = rs.getInt(1);
    v.config.rates.promoter_bp = rs.getInt(2);
    v.config.promoter_term_months = rs.getInt(3);
    v.config.assist_fee_fen = rs.getInt64(4);
    v.config.assist_min_orders = rs.getInt(5);
    v.config.rates.county_bp = rs.getInt(6);
    v.config.rates.city_bp = rs.getInt(7);
    v.config.rates.province_bp = rs.getInt(8);
    v.set_by_user_id = rs.getUInt64(9);
    v.set_at = from_micros(rs.getInt64(10));
    return v;
}

// Days as numbers (days since 1970-01-01) both ways: no text dates to parse.
std::string day_column(const std::string& column) { return "DATEDIFF(" + column + ", '1970-01-01')"; }
std::chrono::sys_days day_of(std::int64_t n) { return std::chrono::sys_days{std::chrono::days{n}}; }

const std::string centre_select = "SELECT c.id, c.level, c.region_code, r.name, c.name, c.contract_reference, c.contact_user_id, c.rate_bp, " +
                                  day_column("c.starts_on") + ", " + day_column("c.ends_on") + ", c.appointed_by_user_id, " + sql_micros("c.appointed_at") +
                                  ", " + sql_micros("c.terminated_at") +
                                  ", c.termination_reason FROM service_centres c JOIN region_codes r ON r.code = c.region_code ";

service_centre read_centre(sql::ResultSet& rs) {
    service_centre c;
    c.id = rs.getUInt64(1);
    c.level = rs.getString(2);
    c.region_code = rs.getString(3);
    c.region_name = rs.getString(4);
    c.name = rs.getString(5);
    c.contract_reference = rs.getString(6);
    if (!rs.isNull(7)) c.contact_user_id = rs.getUInt64(7);
    c.rate_bp = rs.getInt(8);
    c.starts_on = day_of(rs.getInt64(9));
    c.ends_on = day_of(rs.getInt64(10));
    c.appointed_by_user_id = rs.getUInt64(11);
    c.appointed_at = from_micros(rs.getInt64(12));
    if (!rs.isNull(13)) c.terminated_at = from_micros(rs.getInt64(13));
    if (!rs.isNull(14)) c.termination_reason = rs.getString(14);
    return c;
}

std::vector<service_centre> read_centres(statement& select) {
    rows rs(select->executeQuery());
    std::vector<service_centre> out;
    while (rs->next()) out.push_back(read_centre(*rs));
    return out;
}

}  // namespace

void lock_share_settings(mysql_connection& db) {
    statement select(db.prepare("SELECT id FROM share_settings_lock WHERE id = 1 FOR UPDATE"));
    rows rs(select->executeQuery());
    if (!rs->next()) throw std::logic_error("share_settings_lock has no row");
}

net_share_config_version net_share_config_in_force(mysql_connection& db, bool lock) {
    statement select(db.prepare(config_select + "ORDER BY version DESC LIMIT 1" + (lock ? " FOR UPDATE" : "")));
    rows rs(select->executeQuery());
    if (!rs->next()) return {};
    return read_config(*rs);
}

std::vector<net_share_config_version> net_share_config_history(mysql_connection& db) {
    statement select(db.prepare(config_select + "ORDER BY version DESC LIMIT 50"));
    rows rs(select->executeQuery());
    std::vector<net_share_config_version> out;
    while (rs->next()) out.push_back(read_config(*rs));
    return out;
}

void insert_net_share_config(mysql_connection& db, int version, const net_share_config& c, std::uint64_t by, time_point at) {
    statement insert(db.prepare("INSERT INTO platform_share_configs (version, promoter_bp, promoter_term_months, assist_fee_fen, assist_min_orders, "
                                "county_bp, city_bp, province_bp, set_by_user_id, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setInt(1, version);
    insert->setInt(2, c.rates.promoter_bp);
    insert->setInt(3, c.promoter_term_months);
    insert->setInt64(4, c.assist_fee_fen);
    insert->setInt(5, c.assist_min_orders);
    insert->setInt(6, c.rates.county_bp);
    insert->setInt(7, c.rates.city_bp);
    insert->setInt(8, c.rates.province_bp);
    insert->setUInt64(9, by);
    insert->setString(10, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

std::uint64_t insert_centre(mysql_connection& db, const service_centre& c) {
    statement insert(db.prepare("INSERT INTO service_centres (level, region_code, name, contract_reference, contact_user_id, rate_bp, starts_on, "
                                "ends_on, appointed_by_user_id, appointed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setString(1, c.level);
    insert->setString(2, c.region_code);
    insert->setString(3, c.name);
    insert->setString(4, c.contract_reference);
    if (c.contact_user_id) insert->setUInt64(5, *c.contact_user_id);
    else insert->setNull(5, 0);
    insert->setInt(6, c.rate_bp);
    insert->setString(7, format_iso_day(c.starts_on));
    insert->setString(8, format_iso_day(c.ends_on));
    insert->setUInt64(9, c.appointed_by_user_id);
    insert->setString(10, format_sql_datetime_utc(c.appointed_at));
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<service_centre> find_centre(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare(centre_select + "WHERE c.id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    auto found = read_centres(select);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::optional<service_centre> find_centre_by_contract(mysql_connection& db, const std::string& reference) {
    statement select(db.prepare(centre_select + "WHERE c.contract_reference = ?"));
    select->setString(1, reference);
    auto found = read_centres(select);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<service_centre> centres_on(mysql_connection& db, const std::string& level, const std::string& code) {
    statement select(db.prepare(centre_select + "WHERE c.level = ? AND c.region_code = ? ORDER BY c.starts_on, c.id"));
    select->setString(1, level);
    select->setString(2, code);
    return read_centres(select);
}

std::optional<service_centre> centre_in_force(mysql_connection& db, const std::string& level, const std::string& code, std::chrono::sys_days day) {
    statement select(db.prepare(centre_select + "WHERE c.level = ? AND c.region_code = ? AND c.starts_on <= ? AND c.ends_on >= ? ORDER BY c.id LIMIT 1"));
    select->setString(1, level);
    select->setString(2, code);
    select->setString(3, format_iso_day(day));
    select->setString(4, format_iso_day(day));
    auto found = read_centres(select);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<service_centre> list_centres(mysql_connection& db, const std::string& level, const std::string& prefix,
                                         std::optional<std::chrono::sys_days> on, std::uint64_t before, int limit) {
    statement select(db.prepare(centre_select +
                                "WHERE (? = '' OR c.level = ?) AND c.region_code LIKE CONCAT(?, '%') AND (? = '' OR (c.starts_on <= ? AND c.ends_on >= ?)) "
                                "AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?"));
    const auto day = on ? format_iso_day(*on) : std::string();
    select->setString(1, level);
    select->setString(2, level);
    select->setString(3, prefix);
    select->setString(4, day);
    select->setString(5, day.empty() ? "1970-01-01" : day);
    select->setString(6, day.empty() ? "1970-01-01" : day);
    select->setUInt64(7, before);
    select->setUInt64(8, before);
    select->setInt(9, limit);
    return read_centres(select);
}

std::vector<service_centre> centres_of_contact(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare(centre_select + "WHERE c.contact_user_id = ? ORDER BY c.id"));
    select->setUInt64(1, user_id);
    return read_centres(select);
}

int highest_rate_from(mysql_connection& db, const std::string& level, std::chrono::sys_days day) {
    statement select(db.prepare("SELECT COALESCE(MAX(rate_bp), 0) FROM service_centres WHERE level = ? AND ends_on >= ?"));
    select->setString(1, level);
    select->setString(2, format_iso_day(day));
    rows rs(select->executeQuery());
    rs->next();
    return rs->getInt(1);
}

void terminate_centre(mysql_connection& db, std::uint64_t id, std::chrono::sys_days ends_on, const std::string& reason, time_point at) {
    statement update(db.prepare("UPDATE service_centres SET ends_on = ?, terminated_at = ?, termination_reason = ? WHERE id = ?"));
    update->setString(1, format_iso_day(ends_on));
    update->setString(2, format_sql_datetime_utc(at));
    update->setString(3, reason);
    update->setUInt64(4, id);
    update->executeUpdate();
}

}  // namespace sharedstore
