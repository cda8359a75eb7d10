#include "server/storage/member_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

using time_point = std::chrono::system_clock::time_point;

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

std::string sql_time(time_point t) { return format_sql_datetime_utc(t); }

void set_optional_time(sql::PreparedStatement& s, int index, const std::optional<time_point>& t) {
    if (t) s.setString(index, sql_time(*t));
    else s.setNull(index, 0);
}

void set_optional_text(sql::PreparedStatement& s, int index, const std::string& text) {
    if (text.empty()) s.setNull(index, 0);
    else s.setString(index, text);
}

void set_optional_id(sql::PreparedStatement& s, int index, const std::optional<std::uint64_t>& id) {
    if (id) s.setUInt64(index, *id);
    else s.setNull(index, 0);
}

std::optional<time_point> optional_time(sql::ResultSet& rs, int column) {
    if (rs.isNull(column)) return std::nullopt;
    return from_micros(rs.getInt64(column));
}

std::optional<std::uint64_t> optional_id(sql::ResultSet& rs, int column) {
    if (rs.isNull(column)) return std::nullopt;
    return rs.getUInt64(column);
}

std::int64_t single_int(sql::PreparedStatement& s) {
    rows rs(s.executeQuery());
    if (!rs->next() || rs->isNull(1)) return 0;
    return rs->getInt64(1);
}

}  // namespace

// ---- programmes and levels

std::optional<member_program_record> find_member_program(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT points_per_yuan, point_value_fen, max_points_per_order, points_validity_months, task_spend_fen, task_days, "
                                "task_topup_fen, terms_version, terms_text, partner_requires_member, updated_by_user_id, " +
                                sql_micros("updated_at") + " FROM member_programs WHERE merchant_id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    member_program_record p;
    p.merchant_id = merchant_id;
    p.points = points_rules{.points_per_yuan = static_cast<std::int32_t>(rs->getUInt(1)),
                            .point_value_fen = rs->getInt64(2),
                            .max_points_per_order = rs->getInt64(3),
                            .validity_months = static_cast<std::int32_t>(rs->getUInt(4))};
    if (!rs->isNull(5)) p.task_spend_fen = rs->getInt64(5);
    if (!rs->isNull(6)) p.task_days = static_cast<std::int32_t>(rs->getUInt(6));
    if (!rs->isNull(7)) p.task_topup_fen = rs->getInt64(7);
    p.terms_version = rs->getString(8);
    p.terms_text = rs->getString(9);
    p.partner_requires_member = rs->getBoolean(10);
    p.updated_by_user_id = rs->getUInt64(11);
    p.updated_at = from_micros(rs->getInt64(12));
    return p;
}

void upsert_member_program(mysql_connection& db, const member_program_record& p) {
    statement upsert(db.prepare(
        "INSERT INTO member_programs (merchant_id, points_per_yuan, point_value_fen, max_points_per_order, points_validity_months, task_spend_fen, "
        "task_days, task_topup_fen, terms_version, terms_text, partner_requires_member, updated_by_user_id, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE points_per_yuan = VALUES(points_per_yuan), "
        "point_value_fen = VALUES(point_value_fen), max_points_per_order = VALUES(max_points_per_order), "
        "points_validity_months = VALUES(points_validity_months), task_spend_fen = VALUES(task_spend_fen), task_days = VALUES(task_days), "
        "task_topup_fen = VALUES(task_topup_fen), terms_version = VALUES(terms_version), terms_text = VALUES(terms_text), "
        "partner_requires_member = VALUES(partner_requires_member), updated_by_user_id = VALUES(updated_by_user_id), updated_at = VALUES(updated_at)"));
    upsert->setUInt64(1, p.merchant_id);
    upsert->setUInt(2, static_cast<std::uint32_t>(p.points.points_per_yuan));
    upsert->setInt64(3, p.points.point_value_fen);
    upsert->setInt64(4, p.points.max_points_per_order);
    upsert->setUInt(5, static_cast<std::uint32_t>(p.points.validity_months));
    if (p.task_spend_fen) upsert->setInt64(6, *p.task_spend_fen);
    else upsert->setNull(6, 0);
    if (p.task_days) upsert->setUInt(7, static_cast<std::uint32_t>(*p.task_days));
    else upsert->setNull(7, 0);
    if (p.task_topup_fen) upsert->setInt64(8, *p.task_topup_fen);
    else upsert->setNull(8, 0);
    upsert->setString(9, p.terms_version);
    upsert->setString(10, p.terms_text);
    upsert->setBoolean(11, p.partner_requires_member);
    upsert->setUInt64(12, p.updated_by_user_id);
    upsert->setString(13, sql_time(p.updated_at));
    upsert->executeUpdate();
}

std::vector<member_level> list_member_levels(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT level_no, name, threshold_growth, discount_bp, points_multiplier_bp, retention_growth_12m FROM member_levels "
                                "WHERE merchant_id = ? ORDER BY level_no"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<member_level> levels;
    while (rs->next())
        levels.push_back(member_level{.level_no = static_cast<std::int32_t>(rs->getUInt(1)),
                                      .name = rs->getString(2),
                                      .threshold_growth = rs->getInt64(3),
                                      .discount_bp = static_cast<std::int32_t>(rs->getUInt(4)),
                                      .points_multiplier_bp = static_cast<std::int32_t>(rs->getUInt(5)),
                                      .retention_growth_12m = rs->getInt64(6)});
    return levels;
}

void replace_member_levels(mysql_connection& db, std::uint64_t merchant_id, const std::vector<member_level>& levels) {
    statement remove(db.prepare("DELETE FROM member_levels WHERE merchant_id = ?"));
    remove->setUInt64(1, merchant_id);
    remove->executeUpdate();
    statement insert(db.prepare("INSERT INTO member_levels (merchant_id, level_no, name, threshold_growth, discount_bp, points_multiplier_bp, "
                                "retention_growth_12m) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    for (const auto& l : levels) {
        insert->setUInt64(1, merchant_id);
        insert->setUInt(2, static_cast<std::uint32_t>(l.level_no));
        insert->setString(3, l.name);
        insert->setInt64(4, l.threshold_growth);
        insert->setUInt(5, static_cast<std::uint32_t>(l.discount_bp));
        insert->setUInt(6, static_cast<std::uint32_t>(l.points_multiplier_bp));
        insert->setInt64(7, l.retention_growth_12m);
        insert->executeUpdate();
    }
}

// ---- profiles

namespace {

const std::string profile_columns = "SELECT merchant_id, user_id, stage, " + sql_micros("fan_at") + ", " + sql_micros("customer_at") + ", " +
                                    sql_micros("member_at") + ", " + sql_micros("partner_at") + ", " + sql_micros("member_qualified_at") + ", " +
                                    sql_micros("terms_accepted_at") + ", " + sql_micros("level_since") +
                                    ", COALESCE(fan_source, ''), COALESCE(member_qualified_by, ''), COALESCE(terms_version, ''), growth, level_no "
                                    "FROM member_profiles ";

member_profile read_profile(sql::ResultSet& rs) {
    const auto stage = parse_member_stage(std::string(rs.getString(3)));
    if (!stage) throw std::logic_error("member_profiles: unknown stage value");
    member_profile p;
    p.merchant_id = rs.getUInt64(1);
    p.user_id = rs.getUInt64(2);
    p.stage = *stage;
    p.fan_at = optional_time(rs, 4);
    p.customer_at = optional_time(rs, 5);
    p.member_at = optional_time(rs, 6);
    p.partner_at = optional_time(rs, 7);
    p.member_qualified_at = optional_time(rs, 8);
    p.terms_accepted_at = optional_time(rs, 9);
    p.level_since = optional_time(rs, 10);
    p.fan_source = rs.getString(11);
    p.member_qualified_by = rs.getString(12);
    p.terms_version = rs.getString(13);
    p.growth = rs.getInt64(14);
    if (!rs.isNull(15)) p.level_no = static_cast<std::int32_t>(rs.getUInt(15));
    return p;
}

std::optional<member_profile> select_profile(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, bool lock) {
    statement select(db.prepare(profile_columns + "WHERE merchant_id = ? AND user_id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_profile(*rs);
}

}  // namespace

member_profile lock_member_profile(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, time_point now) {
    if (auto p = select_profile(db, merchant_id, user_id, true)) return *p;
    // Two first contacts at once: INSERT IGNORE leaves one row, and both then lock it.
    statement insert(db.prepare("INSERT IGNORE INTO member_profiles (merchant_id, user_id, updated_at) VALUES (?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setString(3, sql_time(now));
    insert->executeUpdate();
    return *select_profile(db, merchant_id, user_id, true);
}

std::optional<member_profile> find_member_profile(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    return select_profile(db, merchant_id, user_id, false);
}

void save_member_profile(mysql_connection& db, const member_profile& p, time_point now) {
    statement update(db.prepare("UPDATE member_profiles SET stage = ?, fan_at = ?, fan_source = ?, customer_at = ?, member_at = ?, partner_at = ?, "
                                "member_qualified_at = ?, member_qualified_by = ?, terms_version = ?, terms_accepted_at = ?, growth = ?, "
                                "level_no = ?, level_since = ?, updated_at = ? WHERE merchant_id = ? AND user_id = ?"));
    update->setString(1, std::string(to_string(p.stage)));
    set_optional_time(*update, 2, p.fan_at);
    set_optional_text(*update, 3, p.fan_source);
    set_optional_time(*update, 4, p.customer_at);
    set_optional_time(*update, 5, p.member_at);
    set_optional_time(*update, 6, p.partner_at);
    set_optional_time(*update, 7, p.member_qualified_at);
    set_optional_text(*update, 8, p.member_qualified_by);
    set_optional_text(*update, 9, p.terms_version);
    set_optional_time(*update, 10, p.terms_accepted_at);
    update->setInt64(11, p.growth);
    if (p.level_no) update->setUInt(12, static_cast<std::uint32_t>(*p.level_no));
    else update->setNull(12, 0);
    set_optional_time(*update, 13, p.level_since);
    update->setString(14, sql_time(now));
    update->setUInt64(15, p.merchant_id);
    update->setUInt64(16, p.user_id);
    update->executeUpdate();
}

void insert_member_event(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& kind, const std::string& from,
                         const std::string& to, const std::string& reason, std::optional<std::uint64_t> order_id, time_point at) {
    statement insert(db.prepare("INSERT INTO member_events (merchant_id, user_id, kind, from_value, to_value, reason, order_id, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setString(3, kind);
    set_optional_text(*insert, 4, from);
    insert->setString(5, to);
    insert->setString(6, reason);
    set_optional_id(*insert, 7, order_id);
    insert->setString(8, sql_time(at));
    insert->executeUpdate();
}

std::vector<member_event_record> list_member_events(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, int limit) {
    statement select(db.prepare("SELECT id, kind, COALESCE(from_value, ''), to_value, reason, order_id, " + sql_micros("created_at") +
                                " FROM member_events WHERE merchant_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    select->setInt(3, limit);
    rows rs(select->executeQuery());
    std::vector<member_event_record> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getString(2), rs->getString(3), rs->getString(4), rs->getString(5), optional_id(*rs, 6),
                       from_micros(rs->getInt64(7))});
    return out;
}

// ---- growth

void insert_growth_entry(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::optional<std::uint64_t> order_id,
                         std::optional<std::uint64_t> refund_id, std::int64_t delta, const std::string& reason, time_point at) {
    statement insert(db.prepare("INSERT INTO member_growth_entries (merchant_id, user_id, order_id, refund_id, delta, reason, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    set_optional_id(*insert, 3, order_id);
    set_optional_id(*insert, 4, refund_id);
    insert->setInt64(5, delta);
    insert->setString(6, reason);
    insert->setString(7, sql_time(at));
    insert->executeUpdate();
}

std::int64_t order_growth_granted(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare("SELECT COALESCE(SUM(delta), 0) FROM member_growth_entries WHERE order_id = ? AND reason IN ('order_vested', 'refund')"));
    select->setUInt64(1, order_id);
    return single_int(*select);
}

std::int64_t growth_earned_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, time_point since) {
    statement select(db.prepare("SELECT COALESCE(SUM(delta), 0) FROM member_growth_entries WHERE merchant_id = ? AND user_id = ? "
                                "AND reason IN ('order_vested', 'refund') AND created_at >= ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    select->setString(3, sql_time(since));
    return single_int(*select);
}

std::int64_t vested_spend_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, time_point since) {
    statement select(db.prepare("SELECT COALESCE(SUM(amount_fen - refunded_fen), 0) FROM orders WHERE merchant_id = ? AND customer_user_id = ? "
                                "AND kind = 'purchase' AND status = 'paid' AND member_vested_at IS NOT NULL AND paid_at >= ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    select->setString(3, sql_time(since));
    return single_int(*select);
}

// ---- point lots and moves

namespace {

const std::string lot_columns = "SELECT id, merchant_id, user_id, order_id, source, earned, reversed, remaining, unrecovered, state, " +
                                sql_micros("vested_at") + ", " + sql_micros("expires_at") + ", " + sql_micros("reminded_at") + " FROM member_point_lots ";

point_lot_record read_lot(sql::ResultSet& rs) {
    point_lot_record l;
    l.id = rs.getUInt64(1);
    l.merchant_id = rs.getUInt64(2);
    l.user_id = rs.getUInt64(3);
    l.order_id = rs.getUInt64(4);
    l.source = rs.getString(5);
    l.earned = rs.getInt64(6);
    l.reversed = rs.getInt64(7);
    l.remaining = rs.getInt64(8);
    l.unrecovered = rs.getInt64(9);
    const std::string state = rs.getString(10);
    if (state == "pending") l.state = lot_state::pending;
    else if (state == "vested") l.state = lot_state::vested;
    else if (state == "expired") l.state = lot_state::expired;
    else throw std::logic_error("member_point_lots: unknown state value");
    l.vested_at = optional_time(rs, 11);
    l.expires_at = optional_time(rs, 12);
    l.reminded_at = optional_time(rs, 13);
    return l;
}

std::string_view state_text(lot_state s) {
    switch (s) {
    case lot_state::pending: return "pending";
    case lot_state::vested: return "vested";
    case lot_state::expired: return "expired";
    }
    return "pending";
}

std::vector<point_lot_record> read_lots(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    std::vector<point_lot_record> out;
    while (rs->next()) out.push_back(read_lot(*rs));
    return out;
}

}  // namespace

std::uint64_t insert_point_lot(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& source,
                               std::uint64_t source_ref, std::uint64_t order_id, std::int64_t earned, lot_state state,
                               std::optional<time_point> vested_at, std::optional<time_point> expires_at, time_point now) {
    statement insert(db.prepare("INSERT INTO member_point_lots (merchant_id, user_id, source, source_ref, order_id, earned, remaining, state, vested_at, "
                                "expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setString(3, source);
    insert->setUInt64(4, source_ref);
    insert->setUInt64(5, order_id);
    insert->setInt64(6, earned);
    insert->setInt64(7, state == lot_state::vested ? earned : 0);
    insert->setString(8, std::string(state_text(state)));
    set_optional_time(*insert, 9, vested_at);
    set_optional_time(*insert, 10, expires_at);
    insert->setString(11, sql_time(now));
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<point_lot_record> find_order_lot(mysql_connection& db, std::uint64_t order_id, bool lock) {
    statement select(db.prepare(lot_columns + "WHERE source = 'order' AND source_ref = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, order_id);
    auto lots = read_lots(*select);
    if (lots.empty()) return std::nullopt;
    return lots.front();
}

std::vector<point_lot_record> lock_lots_owing(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    statement select(db.prepare(lot_columns + "WHERE merchant_id = ? AND user_id = ? AND unrecovered > 0 ORDER BY id FOR UPDATE"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    return read_lots(*select);
}

std::vector<point_lot_record> lock_award_lots_of_order(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare(lot_columns + "WHERE order_id = ? AND source = 'award' ORDER BY id FOR UPDATE"));
    select->setUInt64(1, order_id);
    return read_lots(*select);
}

void save_point_lot(mysql_connection& db, const point_lot_record& l) {
    statement update(db.prepare("UPDATE member_point_lots SET reversed = ?, remaining = ?, unrecovered = ?, state = ?, vested_at = ?, expires_at = ?, "
                                "reminded_at = ? WHERE id = ?"));
    update->setInt64(1, l.reversed);
    update->setInt64(2, l.remaining);
    update->setInt64(3, l.unrecovered);
    update->setString(4, std::string(state_text(l.state)));
    set_optional_time(*update, 5, l.vested_at);
    set_optional_time(*update, 6, l.expires_at);
    set_optional_time(*update, 7, l.reminded_at);
    update->setUInt64(8, l.id);
    update->executeUpdate();
}

std::vector<point_lot_record> lock_spendable_lots(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, bool lock) {
    statement select(db.prepare(lot_columns + "WHERE merchant_id = ? AND user_id = ? AND state = 'vested' AND remaining > 0 "
                                              "ORDER BY expires_at, id" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    return read_lots(*select);
}

std::vector<point_lot_record> list_expired_lots(mysql_connection& db, time_point now, int limit) {
    statement select(db.prepare(lot_columns + "WHERE state = 'vested' AND expires_at <= ? ORDER BY expires_at, id LIMIT ?"));
    select->setString(1, sql_time(now));
    select->setInt(2, limit);
    return read_lots(*select);
}

std::vector<point_lot_record> list_lots_to_remind(mysql_connection& db, time_point now, time_point before, int limit) {
    statement select(db.prepare(lot_columns + "WHERE state = 'vested' AND remaining > 0 AND reminded_at IS NULL AND expires_at > ? "
                                              "AND expires_at <= ? ORDER BY expires_at, id LIMIT ?"));
    select->setString(1, sql_time(now));
    select->setString(2, sql_time(before));
    select->setInt(3, limit);
    return read_lots(*select);
}

namespace {
std::string_view hold_text(hold_state s) {
    switch (s) {
    case hold_state::held: return "held";
    case hold_state::spent: return "spent";
    case hold_state::released: return "released";
    }
    return "held";
}
}  // namespace

void insert_point_hold(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t order_id, std::uint64_t lot_id,
                       std::int64_t points, time_point at) {
    statement insert(db.prepare("INSERT INTO member_point_holds (merchant_id, user_id, order_id, lot_id, points, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setUInt64(3, order_id);
    insert->setUInt64(4, lot_id);
    insert->setInt64(5, points);
    insert->setString(6, sql_time(at));
    insert->executeUpdate();
}

std::vector<point_hold_record> lock_point_holds(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare("SELECT id, merchant_id, user_id, order_id, lot_id, points, state FROM member_point_holds WHERE order_id = ? "
                                "ORDER BY id FOR UPDATE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    std::vector<point_hold_record> out;
    while (rs->next()) {
        const std::string state = rs->getString(7);
        out.push_back({.id = rs->getUInt64(1),
                       .merchant_id = rs->getUInt64(2),
                       .user_id = rs->getUInt64(3),
                       .order_id = rs->getUInt64(4),
                       .lot_id = rs->getUInt64(5),
                       .points = rs->getInt64(6),
                       .state = state == "spent" ? hold_state::spent : state == "released" ? hold_state::released : hold_state::held});
    }
    return out;
}

void end_point_holds(mysql_connection& db, std::uint64_t order_id, hold_state to, time_point at) {
    statement update(db.prepare("UPDATE member_point_holds SET state = ?, ended_at = ? WHERE order_id = ? AND state = 'held'"));
    update->setString(1, std::string(hold_text(to)));
    update->setString(2, sql_time(at));
    update->setUInt64(3, order_id);
    update->executeUpdate();
}

void mark_held_move_spent(mysql_connection& db, std::uint64_t order_id) {
    statement update(db.prepare("UPDATE member_point_moves SET kind = 'spent' WHERE order_id = ? AND kind = 'held'"));
    update->setUInt64(1, order_id);
    update->executeUpdate();
}

void insert_point_move(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& kind, std::int64_t points,
                       std::optional<std::uint64_t> order_id, std::optional<std::uint64_t> lot_id, std::optional<std::uint64_t> item_id,
                       std::optional<std::uint64_t> ledger_transaction_id, time_point at) {
    statement insert(db.prepare("INSERT INTO member_point_moves (merchant_id, user_id, kind, points, order_id, lot_id, item_id, ledger_transaction_id, "
                                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setString(3, kind);
    insert->setInt64(4, points);
    set_optional_id(*insert, 5, order_id);
    set_optional_id(*insert, 6, lot_id);
    set_optional_id(*insert, 7, item_id);
    set_optional_id(*insert, 8, ledger_transaction_id);
    insert->setString(9, sql_time(at));
    insert->executeUpdate();
}

std::vector<point_move_record> list_point_moves(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t before_id,
                                                int limit) {
    statement select(db.prepare("SELECT id, kind, points, order_id, item_id, " + sql_micros("created_at") +
                                " FROM member_point_moves WHERE merchant_id = ? AND user_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    select->setUInt64(3, before_id);
    select->setUInt64(4, before_id);
    select->setInt(5, limit);
    rows rs(select->executeQuery());
    std::vector<point_move_record> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getString(2), rs->getInt64(3), optional_id(*rs, 4), optional_id(*rs, 5), from_micros(rs->getInt64(6))});
    return out;
}

std::vector<point_move_record> list_point_moves_by_request(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id,
                                                           const std::string& request_id) {
    statement select(db.prepare("SELECT id, kind, points, order_id, item_id, " + sql_micros("created_at") +
                                " FROM member_point_moves WHERE merchant_id = ? AND user_id = ? AND request_key = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    select->setString(3, request_id);
    rows rs(select->executeQuery());
    std::vector<point_move_record> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getString(2), rs->getInt64(3), optional_id(*rs, 4), optional_id(*rs, 5), from_micros(rs->getInt64(6))});
    return out;
}

void insert_point_move_for_request(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t points, std::uint64_t item_id,
                                   std::uint64_t ledger_transaction_id, const std::string& request_id, time_point at) {
    statement insert(db.prepare("INSERT INTO member_point_moves (merchant_id, user_id, kind, points, item_id, ledger_transaction_id, request_key, "
                                "created_at) VALUES (?, ?, 'exchanged', ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setInt64(3, points);
    insert->setUInt64(4, item_id);
    insert->setUInt64(5, ledger_transaction_id);
    insert->setString(6, request_id);
    insert->setString(7, sql_time(at));
    insert->executeUpdate();
}

// ---- offers

std::string_view to_string(member_offer_kind kind) {
    switch (kind) {
    case member_offer_kind::membership_product: return "membership_product";
    case member_offer_kind::points_item: return "points_item";
    case member_offer_kind::topup_package: return "topup_package";
    }
    return "membership_product";
}

std::optional<member_offer_kind> parse_member_offer_kind(std::string_view text) {
    for (auto k : {member_offer_kind::membership_product, member_offer_kind::points_item, member_offer_kind::topup_package})
        if (to_string(k) == text) return k;
    return std::nullopt;
}

namespace {

const std::string offer_columns =
    "SELECT id, merchant_id, kind, name, price_fen, bonus_fen, points_price, active, " + sql_micros("created_at") + " FROM member_offers ";

offer_record read_offer(sql::ResultSet& rs) {
    const auto kind = parse_member_offer_kind(std::string(rs.getString(3)));
    if (!kind) throw std::logic_error("member_offers: unknown kind value");
    return offer_record{.id = rs.getUInt64(1),
                        .merchant_id = rs.getUInt64(2),
                        .kind = *kind,
                        .name = rs.getString(4),
                        .price_fen = rs.getInt64(5),
                        .bonus_fen = rs.getInt64(6),
                        .points_price = rs.getInt64(7),
                        .active = rs.getBoolean(8),
                        .created_at = from_micros(rs.getInt64(9))};
}

}  // namespace

std::uint64_t insert_offer(mysql_connection& db, const offer_record& o, std::uint64_t created_by, time_point now) {
    statement insert(db.prepare("INSERT INTO member_offers (merchant_id, kind, name, price_fen, bonus_fen, points_price, active, created_by_user_id, "
                                "created_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)"));
    insert->setUInt64(1, o.merchant_id);
    insert->setString(2, std::string(to_string(o.kind)));
    insert->setString(3, o.name);
    insert->setInt64(4, o.price_fen);
    insert->setInt64(5, o.bonus_fen);
    insert->setInt64(6, o.points_price);
    insert->setUInt64(7, created_by);
    insert->setString(8, sql_time(now));
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<offer_record> find_offer(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t offer_id) {
    statement select(db.prepare(offer_columns + "WHERE merchant_id = ? AND id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, offer_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_offer(*rs);
}

std::vector<offer_record> list_offers(mysql_connection& db, std::uint64_t merchant_id, member_offer_kind kind, bool active_only) {
    statement select(db.prepare(offer_columns + "WHERE merchant_id = ? AND kind = ?" + (active_only ? " AND active" : "") + " ORDER BY id"));
    select->setUInt64(1, merchant_id);
    select->setString(2, std::string(to_string(kind)));
    rows rs(select->executeQuery());
    std::vector<offer_record> out;
    while (rs->next()) out.push_back(read_offer(*rs));
    return out;
}

bool set_offer_active(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t offer_id, bool active) {
    statement update(db.prepare("UPDATE member_offers SET active = ? WHERE merchant_id = ? AND id = ?"));
    update->setBoolean(1, active);
    update->setUInt64(2, merchant_id);
    update->setUInt64(3, offer_id);
    // Found rows, not changed ones: setting the same value again is not "not found".
    update->executeUpdate();
    return find_offer(db, merchant_id, offer_id).has_value();
}

// ---- vesting

std::vector<std::uint64_t> list_orders_to_vest(mysql_connection& db, time_point now, int limit) {
    // The window is the store's settlement delay: the same one that settles dividends.
    statement select(db.prepare("SELECT o.id FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE o.status = 'paid' "
                                "AND o.member_vested_at IS NULL AND o.customer_user_id IS NOT NULL AND o.kind IN ('purchase', 'membership') "
                                "AND o.paid_at <= ? - INTERVAL m.settlement_delay_days DAY ORDER BY o.paid_at, o.id LIMIT ?"));
    select->setString(1, sql_time(now));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::uint64_t> ids;
    while (rs->next()) ids.push_back(rs->getUInt64(1));
    return ids;
}

void mark_order_member_vested(mysql_connection& db, std::uint64_t order_id, time_point at) {
    statement update(db.prepare("UPDATE orders SET member_vested_at = ? WHERE id = ?"));
    update->setString(1, sql_time(at));
    update->setUInt64(2, order_id);
    update->executeUpdate();
}

bool holds_membership_product(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    statement select(db.prepare("SELECT COUNT(*) FROM orders WHERE merchant_id = ? AND customer_user_id = ? AND kind = 'membership' "
                                "AND status = 'paid' AND refunded_fen < amount_fen"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    return single_int(*select) > 0;
}

// ---- referrals

std::optional<referral_record> find_referral(mysql_connection& db, std::uint64_t user_id, bool lock) {
    statement select(db.prepare("SELECT user_id, referrer_user_id, source, merchant_id, " + sql_micros("created_at") +
                                " FROM referrals WHERE user_id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return referral_record{rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), optional_id(*rs, 4), from_micros(rs->getInt64(5))};
}

std::vector<std::uint64_t> referral_ancestors(mysql_connection& db, std::uint64_t user_id, int limit) {
    // One recursive read up the tree; the depth bound stops a corrupted loop from running away.
    statement select(db.prepare("WITH RECURSIVE chain (user_id, depth) AS (SELECT referrer_user_id, 1 FROM referrals WHERE user_id = ? "
                                "UNION ALL SELECT r.referrer_user_id, c.depth + 1 FROM referrals r JOIN chain c ON r.user_id = c.user_id "
                                "WHERE c.depth < ?) SELECT user_id FROM chain ORDER BY depth"));
    select->setUInt64(1, user_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::uint64_t> out;
    while (rs->next()) out.push_back(rs->getUInt64(1));
    return out;
}

bool insert_referral(mysql_connection& db, std::uint64_t user_id, std::uint64_t referrer_user_id, const std::string& source,
                     std::optional<std::uint64_t> merchant_id, std::optional<std::uint64_t> share_id, time_point at) {
    statement insert(db.prepare("INSERT IGNORE INTO referrals (user_id, referrer_user_id, source, merchant_id, share_id, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, user_id);
    insert->setUInt64(2, referrer_user_id);
    insert->setString(3, source);
    set_optional_id(*insert, 4, merchant_id);
    set_optional_id(*insert, 5, share_id);
    insert->setString(6, sql_time(at));
    return insert->executeUpdate() == 1;
}

void correct_referral(mysql_connection& db, std::uint64_t user_id, std::optional<std::uint64_t> previous, std::uint64_t referrer_user_id,
                      const std::string& operator_name, const std::string& reason, time_point at) {
    statement upsert(db.prepare("INSERT INTO referrals (user_id, referrer_user_id, source, created_at) VALUES (?, ?, 'operator', ?) "
                                "ON DUPLICATE KEY UPDATE referrer_user_id = VALUES(referrer_user_id), source = 'operator'"));
    upsert->setUInt64(1, user_id);
    upsert->setUInt64(2, referrer_user_id);
    upsert->setString(3, sql_time(at));
    upsert->executeUpdate();
    statement audit(db.prepare("INSERT INTO referral_corrections (user_id, previous_referrer_user_id, referrer_user_id, operator, reason, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?)"));
    audit->setUInt64(1, user_id);
    set_optional_id(*audit, 2, previous);
    audit->setUInt64(3, referrer_user_id);
    audit->setString(4, operator_name);
    audit->setString(5, reason);
    audit->setString(6, sql_time(at));
    audit->executeUpdate();
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> list_profiles_due_retention(mysql_connection& db, time_point before, int limit) {
    statement select(db.prepare("SELECT merchant_id, user_id FROM member_profiles WHERE level_since <= ? AND level_no > 1 "
                                "ORDER BY level_since LIMIT ?"));
    select->setString(1, sql_time(before));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    while (rs->next()) out.emplace_back(rs->getUInt64(1), rs->getUInt64(2));
    return out;
}

std::optional<point_lot_record> find_point_lot(mysql_connection& db, std::uint64_t lot_id, bool lock) {
    statement select(db.prepare(lot_columns + "WHERE id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, lot_id);
    auto lots = read_lots(*select);
    if (lots.empty()) return std::nullopt;
    return lots.front();
}

std::vector<stage_times> list_stage_times(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT stage, " + sql_micros("fan_at") + ", " + sql_micros("customer_at") + ", " + sql_micros("member_at") + ", " +
                                sql_micros("partner_at") + " FROM member_profiles WHERE merchant_id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<stage_times> out;
    while (rs->next())
        out.push_back(stage_times{optional_time(*rs, 2), optional_time(*rs, 3), optional_time(*rs, 4), optional_time(*rs, 5), rs->getString(1)});
    return out;
}

}  // namespace sharedstore
