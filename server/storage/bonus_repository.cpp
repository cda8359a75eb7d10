#include "server/storage/bonus_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/bonus_config_codec.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

const std::string version_columns =
    "SELECT id, merchant_id, version, config_json, created_by_user_id, " + sql_micros("created_at") + " FROM bonus_config_versions ";

std::vector<bonus_config_version> read_versions(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    std::vector<bonus_config_version> out;
    while (rs->next()) {
        boost::system::error_code ec;
        auto parsed = boost::json::parse(std::string(rs->getString(4)), ec);
        auto config = ec ? std::nullopt : bonus_config_from_json(parsed);
        // Written by insert_bonus_config_version only: anything else is a row this code never made.
        if (!config) throw std::logic_error("bonus_config_versions: a row that is no configuration");
        out.push_back(bonus_config_version{.id = rs->getUInt64(1),
                                           .merchant_id = rs->getUInt64(2),
                                           .version = static_cast<std::int32_t>(rs->getUInt(3)),
                                           .config = std::move(*config),
                                           .created_by_user_id = rs->getUInt64(5),
                                           .created_at = from_micros(rs->getInt64(6))});
    }
    return out;
}

}  // namespace

bonus_config_version insert_bonus_config_version(mysql_connection& db, std::uint64_t merchant_id, const bonus_config& config,
                                                 std::uint64_t created_by, time_point at) {
    statement next(db.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM bonus_config_versions WHERE merchant_id = ?"));
    next->setUInt64(1, merchant_id);
    rows rs(next->executeQuery());
    rs->next();
    const auto version = static_cast<std::int32_t>(rs->getUInt(1));
    statement insert(db.prepare("INSERT INTO bonus_config_versions (merchant_id, version, config_json, created_by_user_id, created_at) "
                                "VALUES (?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt(2, static_cast<std::uint32_t>(version));
    insert->setString(3, boost::json::serialize(bonus_config_to_json(config)));
    insert->setUInt64(4, created_by);
    insert->setString(5, format_sql_datetime_utc(at));
    insert->executeUpdate();
    return bonus_config_version{.id = last_insert_id(db),
                                .merchant_id = merchant_id,
                                .version = version,
                                .config = config,
                                .created_by_user_id = created_by,
                                .created_at = at};
}

std::vector<bonus_config_version> list_bonus_config_versions(mysql_connection& db, std::uint64_t merchant_id, int limit) {
    statement select(db.prepare(version_columns + "WHERE merchant_id = ? ORDER BY version DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setInt(2, limit);
    return read_versions(*select);
}

std::optional<bonus_config_version> find_bonus_config_at(mysql_connection& db, std::uint64_t merchant_id, time_point at) {
    statement select(db.prepare(version_columns + "WHERE merchant_id = ? AND created_at <= ? ORDER BY version DESC LIMIT 1"));
    select->setUInt64(1, merchant_id);
    select->setString(2, format_sql_datetime_utc(at));
    auto found = read_versions(*select);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

void insert_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id, const cash_sign_off& s) {
    statement insert(db.prepare("INSERT INTO bonus_cash_sign_offs (merchant_id, operator_user_id, reference, signed_at) VALUES (?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, s.operator_user_id);
    insert->setString(3, s.reference);
    insert->setString(4, format_sql_datetime_utc(s.signed_at));
    insert->executeUpdate();
}

std::optional<cash_sign_off> find_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT operator_user_id, reference, " + sql_micros("signed_at") +
                                " FROM bonus_cash_sign_offs WHERE merchant_id = ? ORDER BY id DESC LIMIT 1"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return cash_sign_off{.operator_user_id = rs->getUInt64(1), .signed_at = from_micros(rs->getInt64(3)), .reference = rs->getString(2)};
}

std::uint64_t insert_bonus_award(mysql_connection& db, const bonus_award_record& a) {
    statement insert(db.prepare("INSERT INTO bonus_awards (merchant_id, order_id, config_version_id, kind, a1_partner_id, a1_user_id, partner_id, "
                                "user_id, rate_bp, base_fen, cap_fen, uncapped_fen, amount_fen, medium, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, a.merchant_id);
    insert->setUInt64(2, a.order_id);
    insert->setUInt64(3, a.config_version_id);
    insert->setString(4, std::string(to_string(a.kind)));
    insert->setUInt64(5, a.a1_partner_id);
    insert->setUInt64(6, a.a1_user_id);
    insert->setUInt64(7, a.partner_id);
    insert->setUInt64(8, a.user_id);
    insert->setInt(9, a.rate_bp);
    insert->setInt64(10, a.base_fen);
    insert->setInt64(11, a.cap_fen);
    insert->setInt64(12, a.uncapped_fen);
    insert->setInt64(13, a.amount_fen);
    insert->setString(14, std::string(to_string(a.medium)));
    insert->setString(15, format_sql_datetime_utc(a.created_at));
    insert->executeUpdate();
    return last_insert_id(db);
}

void set_bonus_award_lot(mysql_connection& db, std::uint64_t award_id, std::uint64_t lot_id) {
    statement update(db.prepare("UPDATE bonus_awards SET lot_id = ? WHERE id = ?"));
    update->setUInt64(1, lot_id);
    update->setUInt64(2, award_id);
    update->executeUpdate();
}

void add_bonus_award_reversed(mysql_connection& db, std::uint64_t award_id, std::int64_t reversed_fen) {
    statement update(db.prepare("UPDATE bonus_awards SET reversed_fen = reversed_fen + ? WHERE id = ?"));
    update->setInt64(1, reversed_fen);
    update->setUInt64(2, award_id);
    update->executeUpdate();
}

std::vector<bonus_award_record> lock_bonus_awards_of_order(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare("SELECT id, merchant_id, order_id, config_version_id, kind, a1_partner_id, a1_user_id, partner_id, user_id, rate_bp, "
                                "base_fen, cap_fen, uncapped_fen, amount_fen, medium, reversed_fen, lot_id, " + sql_micros("created_at") + ", settled_at IS NOT NULL" +
                                " FROM bonus_awards WHERE order_id = ? ORDER BY id FOR UPDATE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    std::vector<bonus_award_record> out;
    while (rs->next()) {
        const auto kind = parse_award_kind(std::string(rs->getString(5)));
        const auto medium = parse_award_medium(std::string(rs->getString(15)));
        if (!kind || !medium) throw std::logic_error("bonus_awards: unknown kind or medium");
        bonus_award_record a{.id = rs->getUInt64(1),
                             .merchant_id = rs->getUInt64(2),
                             .order_id = rs->getUInt64(3),
                             .config_version_id = rs->getUInt64(4),
                             .kind = *kind,
                             .a1_partner_id = rs->getUInt64(6),
                             .a1_user_id = rs->getUInt64(7),
                             .partner_id = rs->getUInt64(8),
                             .user_id = rs->getUInt64(9),
                             .rate_bp = rs->getInt(10),
                             .base_fen = rs->getInt64(11),
                             .cap_fen = rs->getInt64(12),
                             .uncapped_fen = rs->getInt64(13),
                             .amount_fen = rs->getInt64(14),
                             .medium = *medium,
                             .reversed_fen = rs->getInt64(16),
                             .lot_id = std::nullopt,
                             .created_at = from_micros(rs->getInt64(18))};
        if (!rs->isNull(17)) a.lot_id = rs->getUInt64(17);
        a.settled = rs->getBoolean(19);
        out.push_back(a);
    }
    return out;
}

namespace {

std::vector<award_total> read_totals(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    std::vector<award_total> out;
    while (rs->next()) {
        const auto kind = parse_award_kind(std::string(rs->getString(4)));
        const auto medium = parse_award_medium(std::string(rs->getString(5)));
        if (!kind || !medium) throw std::logic_error("bonus_awards: unknown kind or medium");
        out.push_back(award_total{.merchant_id = rs->getUInt64(1),
                                  .merchant_name = rs->getString(2),
                                  .month = rs->getString(3),
                                  .kind = *kind,
                                  .medium = *medium,
                                  .count = rs->getInt64(6),
                                  .amount_fen = rs->getInt64(7),
                                  .reversed_fen = rs->getInt64(8)});
    }
    return out;
}

}  // namespace

std::vector<award_total> partner_award_totals(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT a.merchant_id, m.name, '', a.kind, a.medium, COUNT(*), SUM(a.amount_fen), SUM(a.reversed_fen) "
                                "FROM bonus_awards a JOIN merchants m ON m.id = a.merchant_id WHERE a.user_id = ? "
                                "GROUP BY a.merchant_id, m.name, a.kind, a.medium ORDER BY a.merchant_id, a.kind, a.medium"));
    select->setUInt64(1, user_id);
    return read_totals(*select);
}

std::vector<award_total> store_award_totals(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to) {
    // Months of the Asia/Shanghai calendar (UTC+8, no daylight saving).
    statement select(db.prepare("SELECT a.merchant_id, '', DATE_FORMAT(a.created_at + INTERVAL 8 HOUR, '%Y-%m') AS month, a.kind, a.medium, COUNT(*), "
                                "SUM(a.amount_fen), SUM(a.reversed_fen) FROM bonus_awards a WHERE a.merchant_id = ? AND a.created_at >= ? "
                                "AND a.created_at < ? GROUP BY a.merchant_id, month, a.kind, a.medium ORDER BY month, a.kind, a.medium"));
    select->setUInt64(1, merchant_id);
    select->setString(2, from);
    select->setString(3, to);
    return read_totals(*select);
}

std::vector<award_replay_order> award_replay_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                                    std::uint64_t after_id, int limit) {
    statement select(db.prepare("SELECT o.id, o.customer_user_id, d.partner_id, o.amount_fen, o.refunded_fen, COALESCE(o.profit_fen, 0) FROM orders o "
                                "JOIN dividends d ON d.order_id = o.id WHERE o.merchant_id = ? AND o.status = 'paid' AND o.kind = 'purchase' "
                                "AND o.paid_at >= ? AND o.paid_at < ? AND o.id > ? ORDER BY o.id LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, from);
    select->setString(3, to);
    select->setUInt64(4, after_id);
    select->setInt(5, limit);
    rows rs(select->executeQuery());
    std::vector<award_replay_order> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getUInt64(3), rs->getInt64(4), rs->getInt64(5), rs->getInt64(6)});
    return out;
}

std::vector<due_cash> lock_due_cash_awards(mysql_connection& db, std::uint64_t merchant_id, const std::string& due_before) {
    std::map<std::uint64_t, std::int64_t> by_user;
    auto add = [&](sql::PreparedStatement& select) {
        rows rs(select.executeQuery());
        while (rs->next()) by_user[rs->getUInt64(1)] += rs->getInt64(2);
    };
    statement orders(db.prepare("SELECT user_id, amount_fen - reversed_fen FROM bonus_awards WHERE merchant_id = ? AND medium = 'cash' "
                                "AND settled_at IS NULL AND created_at <= ? FOR UPDATE"));
    orders->setUInt64(1, merchant_id);
    orders->setString(2, due_before);
    add(*orders);
    statement periods(db.prepare("SELECT user_id, amount_fen FROM bonus_period_awards WHERE merchant_id = ? AND settled_at IS NULL FOR UPDATE"));
    periods->setUInt64(1, merchant_id);
    add(*periods);
    std::vector<due_cash> out;
    for (const auto& entry : by_user) out.push_back({entry.first, entry.second});
    return out;
}

void mark_cash_awards_settled(mysql_connection& db, std::uint64_t merchant_id, const std::string& due_before, const std::string& at) {
    statement orders(db.prepare("UPDATE bonus_awards SET settled_at = ? WHERE merchant_id = ? AND medium = 'cash' AND settled_at IS NULL AND created_at <= ?"));
    orders->setString(1, at);
    orders->setUInt64(2, merchant_id);
    orders->setString(3, due_before);
    orders->executeUpdate();
    statement periods(db.prepare("UPDATE bonus_period_awards SET settled_at = ? WHERE merchant_id = ? AND settled_at IS NULL"));
    periods->setString(1, at);
    periods->setUInt64(2, merchant_id);
    periods->executeUpdate();
}

std::vector<std::uint64_t> list_bonus_merchants(mysql_connection& db, std::uint64_t after_id, int limit) {
    statement select(db.prepare("SELECT DISTINCT merchant_id FROM bonus_config_versions WHERE merchant_id > ? ORDER BY merchant_id LIMIT ?"));
    select->setUInt64(1, after_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::uint64_t> out;
    while (rs->next()) out.push_back(rs->getUInt64(1));
    return out;
}

bool period_run_exists(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, const std::string& period_key) {
    statement select(db.prepare("SELECT 1 FROM bonus_period_runs WHERE merchant_id = ? AND kind = ? AND period_key = ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, kind);
    select->setString(3, period_key);
    rows rs(select->executeQuery());
    return rs->next();
}

std::int64_t net_profit_in(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to) {
    statement select(db.prepare("SELECT COALESCE(SUM(profit_fen - FLOOR(profit_fen * refunded_fen / amount_fen)), 0) FROM orders "
                                "WHERE merchant_id = ? AND status = 'paid' AND kind = 'purchase' AND profit_fen IS NOT NULL AND paid_at >= ? AND paid_at < ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, from);
    select->setString(3, to);
    rows rs(select->executeQuery());
    rs->next();
    return rs->getInt64(1);
}

std::vector<partner_sales> personal_sales_in(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to) {
    statement select(db.prepare("SELECT d.partner_id, d.partner_user_id, SUM(o.amount_fen - o.refunded_fen) FROM orders o "
                                "JOIN dividends d ON d.order_id = o.id WHERE o.merchant_id = ? AND o.status = 'paid' AND o.kind = 'purchase' "
                                "AND o.paid_at >= ? AND o.paid_at < ? GROUP BY d.partner_id, d.partner_user_id ORDER BY d.partner_id"));
    select->setUInt64(1, merchant_id);
    select->setString(2, from);
    select->setString(3, to);
    rows rs(select->executeQuery());
    std::vector<partner_sales> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getInt64(3)});
    return out;
}

std::vector<campaign_order_row> campaign_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                                const std::string& vested_before) {
    statement select(db.prepare(
        "SELECT o.id, d.partner_id, d.partner_user_id, o.customer_user_id, " + sql_micros("o.paid_at") + ", o.amount_fen, o.refunded_fen, "
        "COALESCE(o.profit_fen, 0), COALESCE(o.category, ''), NOT EXISTS (SELECT 1 FROM orders p WHERE p.merchant_id = o.merchant_id "
        "AND p.customer_user_id = o.customer_user_id AND p.status = 'paid' AND p.paid_at < ?), o.paid_at <= ? FROM orders o "
        "JOIN dividends d ON d.order_id = o.id WHERE o.merchant_id = ? AND o.status = 'paid' AND o.kind = 'purchase' AND o.paid_at >= ? "
        "AND o.paid_at < ? ORDER BY o.id"));
    select->setString(1, from);
    select->setString(2, vested_before);
    select->setUInt64(3, merchant_id);
    select->setString(4, from);
    select->setString(5, to);
    rows rs(select->executeQuery());
    std::vector<campaign_order_row> out;
    while (rs->next())
        out.push_back(campaign_order_row{.order_id = rs->getUInt64(1),
                                         .partner_id = rs->getUInt64(2),
                                         .partner_user_id = rs->getUInt64(3),
                                         .customer_user_id = rs->getUInt64(4),
                                         .paid_at = from_micros(rs->getInt64(5)),
                                         .amount_fen = rs->getInt64(6),
                                         .refunded_fen = rs->getInt64(7),
                                         .profit_fen = rs->getInt64(8),
                                         .category = rs->getString(9),
                                         .customer_new = rs->getBoolean(10),
                                         .vested = rs->getBoolean(11)});
    return out;
}

std::uint64_t insert_period_run(mysql_connection& db, const period_run& r) {
    statement insert(db.prepare("INSERT INTO bonus_period_runs (merchant_id, kind, period_key, period_start, period_end, config_version_id, profit_fen, "
                                "pool_fen, paid_fen, remainder_fen, ran_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, r.merchant_id);
    insert->setString(2, r.kind);
    insert->setString(3, r.period_key);
    insert->setString(4, r.period_start);
    insert->setString(5, r.period_end);
    insert->setUInt64(6, r.config_version_id);
    insert->setInt64(7, r.profit_fen);
    insert->setInt64(8, r.pool_fen);
    insert->setInt64(9, r.paid_fen);
    insert->setInt64(10, r.remainder_fen);
    insert->setString(11, r.ran_at);
    insert->executeUpdate();
    return last_insert_id(db);
}

void insert_period_award(mysql_connection& db, std::uint64_t run_id, std::uint64_t merchant_id, std::uint64_t partner_id, std::uint64_t user_id,
                         std::int64_t personal_sales_fen, std::int64_t amount_fen, const std::string& at) {
    statement insert(db.prepare("INSERT INTO bonus_period_awards (run_id, merchant_id, partner_id, user_id, personal_sales_fen, amount_fen, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, run_id);
    insert->setUInt64(2, merchant_id);
    insert->setUInt64(3, partner_id);
    insert->setUInt64(4, user_id);
    insert->setInt64(5, personal_sales_fen);
    insert->setInt64(6, amount_fen);
    insert->setString(7, at);
    insert->executeUpdate();
}

}  // namespace sharedstore
