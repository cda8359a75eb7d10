#include "server/storage/share_statement_repository.hpp"

#include "common/clock.hpp"
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

void set_optional(sql::PreparedStatement& s, int index, const std::optional<std::uint64_t>& v) {
    if (v) s.setUInt64(index, *v);
    else s.setNull(index, 0);
}

// The line's columns naming a payee of a level, and its rate (fixed names: never from input).
struct level_columns {
    const char* level;
    const char* id;
    const char* rate;
};
constexpr level_columns levels[] = {{"promoter", "promoter_id", "promoter_bp"},
                                    {"county", "county_centre_id", "county_bp"},
                                    {"city", "city_centre_id", "city_bp"},
                                    {"province", "province_centre_id", "province_bp"}};
const level_columns& columns_of(const std::string& level) {
    for (const auto& c : levels)
        if (level == c.level) return c;
    throw std::logic_error("no payee level " + level);
}

const std::string statement_select =
    "SELECT s.id, s.payee_kind, s.payee_id, COALESCE(p.name, c.name, ''), IF(s.payee_kind = 'promoter', 'promoter', c.level), "
    "COALESCE(c.region_code, ''), s.period, " + sql_micros("s.period_start") + ", " + sql_micros("s.period_end") +
    ", s.base_fen, s.share_fen, s.assist_fen, s.carried_in_fen, s.payable_fen, s.carried_out_fen, s.merchants, s.state, s.payment_reference, "
    "s.invoice_number, s.paid_by_user_id, " + sql_micros("s.paid_at") + ", " + sql_micros("s.created_at") +
    " FROM share_statements s LEFT JOIN promoters p ON s.payee_kind = 'promoter' AND p.id = s.payee_id "
    "LEFT JOIN service_centres c ON s.payee_kind = 'centre' AND c.id = s.payee_id ";

share_statement read_statement(sql::ResultSet& rs) {
    share_statement s;
    s.id = rs.getUInt64(1);
    s.payee = {rs.getString(2), rs.getUInt64(3)};
    s.payee_name = rs.getString(4);
    s.payee_level = rs.getString(5);
    s.payee_region = rs.getString(6);
    s.period = rs.getString(7);
    s.period_start = from_micros(rs.getInt64(8));
    s.period_end = from_micros(rs.getInt64(9));
    s.base_fen = rs.getInt64(10);
    s.share_fen = rs.getInt64(11);
    s.assist_fen = rs.getInt64(12);
    s.carried_in_fen = rs.getInt64(13);
    s.payable_fen = rs.getInt64(14);
    s.carried_out_fen = rs.getInt64(15);
    s.merchants = rs.getInt(16);
    s.state = rs.getString(17);
    if (!rs.isNull(18)) s.payment_reference = rs.getString(18);
    if (!rs.isNull(19)) s.invoice_number = rs.getString(19);
    if (!rs.isNull(20)) s.paid_by_user_id = rs.getUInt64(20);
    if (!rs.isNull(21)) s.paid_at = from_micros(rs.getInt64(21));
    s.created_at = from_micros(rs.getInt64(22));
    return s;
}

}  // namespace

void insert_net_line(mysql_connection& db, const net_line& l) {
    statement insert(db.prepare("INSERT INTO platform_net_lines (merchant_id, order_id, kind, refund_id, net_fen, region_code, promoter_id, promoter_bp, "
                                "county_centre_id, county_bp, city_centre_id, city_bp, province_centre_id, province_bp, recorded_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, l.merchant_id);
    insert->setUInt64(2, l.order_id);
    insert->setString(3, l.kind);
    insert->setUInt64(4, l.refund_id);
    insert->setInt64(5, l.net_fen);
    if (l.region_code) insert->setString(6, *l.region_code);
    else insert->setNull(6, 0);
    set_optional(*insert, 7, l.shares.promoter_id);
    insert->setInt(8, l.shares.promoter_bp);
    set_optional(*insert, 9, l.shares.county_centre_id);
    insert->setInt(10, l.shares.county_bp);
    set_optional(*insert, 11, l.shares.city_centre_id);
    insert->setInt(12, l.shares.city_bp);
    set_optional(*insert, 13, l.shares.province_centre_id);
    insert->setInt(14, l.shares.province_bp);
    insert->setString(15, format_sql_datetime_utc(l.recorded_at));
    insert->executeUpdate();
}

std::optional<net_line> find_settled_line(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare("SELECT merchant_id, net_fen, region_code, promoter_id, promoter_bp, county_centre_id, county_bp, city_centre_id, city_bp, "
                                "province_centre_id, province_bp, " + sql_micros("recorded_at") +
                                " FROM platform_net_lines WHERE order_id = ? AND kind = 'settled' LOCK IN SHARE MODE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    net_line l;
    l.order_id = order_id;
    l.kind = "settled";
    l.merchant_id = rs->getUInt64(1);
    l.net_fen = rs->getInt64(2);
    if (!rs->isNull(3)) l.region_code = rs->getString(3);
    auto id = [&](int i) -> std::optional<std::uint64_t> {
        if (rs->isNull(i)) return std::nullopt;
        return rs->getUInt64(i);
    };
    l.shares = {id(4), id(6), id(8), id(10), rs->getInt(5), rs->getInt(7), rs->getInt(9), rs->getInt(11)};
    l.recorded_at = from_micros(rs->getInt64(12));
    return l;
}

std::map<payee_ref, payee_month> month_payees(mysql_connection& db, time_point start, time_point end) {
    // Per level: the payee, its rate and the lines summed; then the merchants per payee.
    std::string sums, counts;
    for (const auto& c : levels) {
        const std::string kind = std::string(c.level) == "promoter" ? "'promoter'" : "'centre'";
        if (!sums.empty()) {
            sums += " UNION ALL ";
            counts += " UNION ALL ";
        }
        const std::string where = std::string(" FROM platform_net_lines WHERE recorded_at >= ? AND recorded_at < ? AND ") + c.id + " IS NOT NULL";
        sums += "SELECT " + kind + ", " + c.id + ", " + c.rate + ", SUM(net_fen)" + where + " GROUP BY " + c.id + ", " + c.rate;
        counts += "SELECT " + kind + ", " + c.id + ", COUNT(DISTINCT merchant_id)" + where + " GROUP BY " + c.id;
    }
    const auto from = format_sql_datetime_utc(start), to = format_sql_datetime_utc(end);
    std::map<payee_ref, payee_month> out;
    statement select(db.prepare(sums));
    for (int i = 0; i < 4; ++i) {
        select->setString(2 * i + 1, from);
        select->setString(2 * i + 2, to);
    }
    rows rs(select->executeQuery());
    while (rs->next()) {
        auto& m = out[payee_ref{rs->getString(1), rs->getUInt64(2)}];
        m.groups.push_back({rs->getInt64(4), rs->getInt(3)});
        m.base_fen += rs->getInt64(4);
    }
    statement count(db.prepare(counts));
    for (int i = 0; i < 4; ++i) {
        count->setString(2 * i + 1, from);
        count->setString(2 * i + 2, to);
    }
    rows cs(count->executeQuery());
    while (cs->next()) out[payee_ref{cs->getString(1), cs->getUInt64(2)}].merchants = cs->getInt(3);
    return out;
}

std::map<std::uint64_t, int> assisted_merchants(mysql_connection& db, time_point start, time_point end, int min_orders) {
    statement select(db.prepare("SELECT x.promoter_id, COUNT(*) FROM (SELECT promoter_id, merchant_id FROM platform_net_lines "
                                "WHERE kind = 'settled' AND net_fen > 0 AND promoter_id IS NOT NULL AND recorded_at >= ? AND recorded_at < ? "
                                "GROUP BY promoter_id, merchant_id HAVING COUNT(*) >= ?) x GROUP BY x.promoter_id"));
    select->setString(1, format_sql_datetime_utc(start));
    select->setString(2, format_sql_datetime_utc(end));
    select->setInt(3, min_orders);
    rows rs(select->executeQuery());
    std::map<std::uint64_t, int> out;
    while (rs->next()) out[rs->getUInt64(1)] = rs->getInt(2);
    return out;
}

std::int64_t carried_before(mysql_connection& db, const payee_ref& payee, const std::string& period) {
    statement select(db.prepare("SELECT carried_out_fen FROM share_statements WHERE payee_kind = ? AND payee_id = ? AND period < ? "
                                "ORDER BY period DESC LIMIT 1"));
    select->setString(1, payee.kind);
    select->setUInt64(2, payee.id);
    select->setString(3, period);
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

bool statement_after(mysql_connection& db, const payee_ref& payee, const std::string& period) {
    statement select(db.prepare("SELECT 1 FROM share_statements WHERE payee_kind = ? AND payee_id = ? AND period > ? LIMIT 1"));
    select->setString(1, payee.kind);
    select->setUInt64(2, payee.id);
    select->setString(3, period);
    rows rs(select->executeQuery());
    return rs->next();
}

bool insert_share_statement(mysql_connection& db, share_statement& s) {
    // The payee's statement of the month there already (a concurrent issue's: a locking read sees
    // it committed); else a plain INSERT, whose duplicate key reruns the caller's transaction.
    statement existing(db.prepare("SELECT id FROM share_statements WHERE payee_kind = ? AND payee_id = ? AND period = ? LOCK IN SHARE MODE"));
    existing->setString(1, s.payee.kind);
    existing->setUInt64(2, s.payee.id);
    existing->setString(3, s.period);
    rows found(existing->executeQuery());
    if (found->next()) return false;
    statement insert(db.prepare("INSERT INTO share_statements (payee_kind, payee_id, period, period_start, period_end, base_fen, share_fen, "
                                "assist_fen, carried_in_fen, payable_fen, carried_out_fen, merchants, state, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setString(1, s.payee.kind);
    insert->setUInt64(2, s.payee.id);
    insert->setString(3, s.period);
    insert->setString(4, format_sql_datetime_utc(s.period_start));
    insert->setString(5, format_sql_datetime_utc(s.period_end));
    insert->setInt64(6, s.base_fen);
    insert->setInt64(7, s.share_fen);
    insert->setInt64(8, s.assist_fen);
    insert->setInt64(9, s.carried_in_fen);
    insert->setInt64(10, s.payable_fen);
    insert->setInt64(11, s.carried_out_fen);
    insert->setInt(12, s.merchants);
    insert->setString(13, s.state);
    insert->setString(14, format_sql_datetime_utc(s.created_at));
    insert->executeUpdate();
    s.id = last_insert_id(db);
    return true;
}

std::optional<share_statement> find_share_statement(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare(statement_select + "WHERE s.id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_statement(*rs);
}

std::vector<share_statement> list_share_statements(mysql_connection& db, const payee_ref& payee, const std::string& period, const std::string& state,
                                                   std::uint64_t before, int limit) {
    statement select(db.prepare(statement_select +
                                "WHERE (? = '' OR s.payee_kind = ?) AND (? = 0 OR s.payee_id = ?) AND (? = '' OR s.period = ?) AND (? = '' OR s.state = ?) "
                                "AND (? = 0 OR s.id < ?) ORDER BY s.id DESC LIMIT ?"));
    select->setString(1, payee.kind);
    select->setString(2, payee.kind);
    select->setUInt64(3, payee.id);
    select->setUInt64(4, payee.id);
    select->setString(5, period);
    select->setString(6, period);
    select->setString(7, state);
    select->setString(8, state);
    select->setUInt64(9, before);
    select->setUInt64(10, before);
    select->setInt(11, limit);
    rows rs(select->executeQuery());
    std::vector<share_statement> out;
    while (rs->next()) out.push_back(read_statement(*rs));
    return out;
}

void mark_share_statement_paid(mysql_connection& db, std::uint64_t id, const std::string& reference, const std::string& invoice, std::uint64_t by,
                               time_point at) {
    statement update(db.prepare("UPDATE share_statements SET state = 'paid', payment_reference = ?, invoice_number = ?, paid_by_user_id = ?, paid_at = ? "
                                "WHERE id = ? AND state = 'due'"));
    update->setString(1, reference);
    if (invoice.empty()) update->setNull(2, 0);
    else update->setString(2, invoice);
    update->setUInt64(3, by);
    update->setString(4, format_sql_datetime_utc(at));
    update->setUInt64(5, id);
    if (update->executeUpdate() != 1) throw std::logic_error("share statement " + std::to_string(id) + " is not due");
}

bool share_period_issued(mysql_connection& db, const std::string& period) {
    statement select(db.prepare("SELECT 1 FROM share_statement_periods WHERE period = ?"));
    select->setString(1, period);
    rows rs(select->executeQuery());
    return rs->next();
}

std::optional<time_point> first_net_line_at(mysql_connection& db) {
    statement select(db.prepare("SELECT " + sql_micros("MIN(recorded_at)") + " FROM platform_net_lines"));
    rows rs(select->executeQuery());
    if (!rs->next() || rs->isNull(1)) return std::nullopt;
    return from_micros(rs->getInt64(1));
}

void mark_share_period_issued(mysql_connection& db, const std::string& period, time_point at) {
    statement insert(db.prepare("INSERT IGNORE INTO share_statement_periods (period, issued_at) VALUES (?, ?)"));
    insert->setString(1, period);
    insert->setString(2, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

statement_breakdown share_statement_breakdown(mysql_connection& db, const share_statement& s) {
    const auto& c = columns_of(s.payee_level);
    const auto from = format_sql_datetime_utc(s.period_start), to = format_sql_datetime_utc(s.period_end);
    const std::string where = std::string(" FROM platform_net_lines l WHERE l.") + c.id + " = ? AND l.recorded_at >= ? AND l.recorded_at < ?";
    statement_breakdown out;
    statement merchants(db.prepare("SELECT l.merchant_id, m.name, COALESCE(MAX(l.region_code), ''), SUM(IF(l.kind = 'settled', l.net_fen, 0)), "
                                   "SUM(l.kind = 'settled'), SUM(IF(l.kind = 'reversal', l.net_fen, 0)), SUM(l.kind = 'reversal') "
                                   "FROM platform_net_lines l JOIN merchants m ON m.id = l.merchant_id WHERE l." + std::string(c.id) +
                                   " = ? AND l.recorded_at >= ? AND l.recorded_at < ? GROUP BY l.merchant_id, m.name ORDER BY l.merchant_id"));
    merchants->setUInt64(1, s.payee.id);
    merchants->setString(2, from);
    merchants->setString(3, to);
    rows ms(merchants->executeQuery());
    while (ms->next())
        out.merchants.push_back({ms->getUInt64(1), ms->getString(2), ms->getString(3), ms->getInt64(4), ms->getInt(5), ms->getInt64(6), ms->getInt(7)});
    statement reversals(db.prepare("SELECT l.merchant_id, l.order_id, l.refund_id, l.net_fen, l." + std::string(c.rate) + ", " + sql_micros("l.recorded_at") +
                                   where + " AND l.kind = 'reversal' ORDER BY l.id LIMIT 1000"));
    reversals->setUInt64(1, s.payee.id);
    reversals->setString(2, from);
    reversals->setString(3, to);
    rows rs(reversals->executeQuery());
    while (rs->next())
        out.reversals.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getUInt64(3), rs->getInt64(4), rs->getInt(5), from_micros(rs->getInt64(6))});
    return out;
}

}  // namespace sharedstore
