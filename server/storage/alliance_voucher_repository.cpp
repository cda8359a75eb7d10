#include "server/storage/alliance_voucher_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

std::string holder_column(const std::string& holder) {
    if (holder == "consumer") return "user_id";
    if (holder == "merchant") return "merchant_id";
    throw std::invalid_argument("alliance holder: " + holder);
}

struct credit_part {
    std::uint64_t id = 0;
    std::int64_t fen = 0;
};

// Up to `fen` taken from the credits a locked SELECT lists as (id, what it has to give), in its
// order, each part then moved by `update_sql` (its placeholders: the part `amounts` times, then
// the credit's id).
std::vector<credit_part> take_parts(mysql_connection& db, statement& select, std::int64_t fen, const std::string& update_sql, int amounts) {
    std::vector<credit_part> parts;
    if (fen <= 0) return parts;
    rows rs(select->executeQuery());
    std::int64_t taken = 0;
    while (taken < fen && rs->next()) {
        const auto part = std::min(fen - taken, rs->getInt64(2));
        parts.push_back({rs->getUInt64(1), part});
        taken += part;
    }
    statement update(db.prepare(update_sql));
    for (const auto& p : parts) {
        unsigned i = 1;
        for (int k = 0; k < amounts; ++k) update->setInt64(i++, p.fen);
        update->setUInt64(i, p.id);
        update->executeUpdate();
    }
    return parts;
}

std::int64_t sum_of(const std::vector<credit_part>& parts) {
    std::int64_t total = 0;
    for (const auto& p : parts) total += p.fen;
    return total;
}

// The consumer's spendable credits, locked, the soonest to expire first; up to `fen` of them.
std::vector<credit_part> draw_credits(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, time_point now) {
    statement select(db.prepare("SELECT id, remaining_fen FROM alliance_voucher_credits WHERE holder = 'consumer' AND user_id = ? "
                                "AND remaining_fen > 0 AND expires_at > ? ORDER BY expires_at, id FOR UPDATE"));
    select->setUInt64(1, user_id);
    select->setString(2, format_sql_datetime_utc(now));
    return take_parts(db, select, fen, "UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen - ? WHERE id = ?", 1);
}

std::vector<voucher_hold> read_holds(statement& select) {
    rows rs(select->executeQuery());
    std::vector<voucher_hold> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->isNull(3) ? 0 : rs->getUInt64(3), rs->getInt64(4), rs->getString(5),
                       rs->isNull(6) ? time_point{} : from_micros(rs->getInt64(6)), rs->getString(7)});
    return out;
}

// An advance's hold has no credit: the join keeps it, with no expiry.
const std::string hold_select = "SELECT h.id, h.user_id, h.credit_id, h.amount_fen, h.state, " + sql_micros("c.expires_at") +
                                ", h.source FROM alliance_voucher_holds h LEFT JOIN alliance_voucher_credits c ON c.id = h.credit_id ";

const std::string reservation_columns = "id, merchant_id, merchant_order_id, user_id, order_total_fen, voucher_fen, state, order_id, released_by, " +
                                        sql_micros("expires_at") + ", " + sql_micros("created_at") + ", " + sql_micros("ended_at") + ", attempt";

voucher_reservation read_reservation(sql::ResultSet& rs) {
    voucher_reservation r;
    r.id = rs.getUInt64(1);
    r.merchant_id = rs.getUInt64(2);
    r.merchant_order_id = rs.getString(3);
    r.user_id = rs.getUInt64(4);
    r.order_total_fen = rs.getInt64(5);
    r.voucher_fen = rs.getInt64(6);
    r.state = rs.getString(7);
    if (!rs.isNull(8)) r.order_id = rs.getUInt64(8);
    if (!rs.isNull(9)) r.released_by = rs.getString(9);
    r.expires_at = from_micros(rs.getInt64(10));
    r.created_at = from_micros(rs.getInt64(11));
    if (!rs.isNull(12)) r.ended_at = from_micros(rs.getInt64(12));
    r.attempt = static_cast<int>(rs.getUInt(13));
    return r;
}

}  // namespace

std::int64_t holder_spendable_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, time_point now, bool lock) {
    // Locked, the rows are read one by one (each credit locked, soonest to expire first, the order
    // every drawing takes them in); unlocked, summed by the database.
    statement select(db.prepare(std::string(lock ? "SELECT remaining_fen" : "SELECT COALESCE(SUM(remaining_fen), 0)") +
                                " FROM alliance_voucher_credits WHERE holder = ? AND " + holder_column(holder) +
                                " = ? AND remaining_fen > 0 AND expires_at > ?" + (lock ? " ORDER BY expires_at, id FOR UPDATE" : "")));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    select->setString(3, format_sql_datetime_utc(now));
    rows rs(select->executeQuery());
    std::int64_t total = 0;
    while (rs->next()) total += rs->getInt64(1);
    return total;
}

std::int64_t lock_spendable_vouchers(mysql_connection& db, std::uint64_t user_id, time_point now) {
    return holder_spendable_vouchers(db, "consumer", user_id, now, true);
}

std::int64_t spendable_vouchers(mysql_connection& db, std::uint64_t user_id, time_point now) {
    return holder_spendable_vouchers(db, "consumer", user_id, now, false);
}

std::int64_t hold_vouchers(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, voucher_hold_owner owner, time_point now) {
    const auto parts = draw_credits(db, user_id, fen, now);
    statement insert(db.prepare("INSERT INTO alliance_voucher_holds (user_id, credit_id, order_id, reservation_id, amount_fen, state, created_at) "
                                "VALUES (?, ?, ?, ?, ?, 'held', ?)"));
    std::int64_t held = 0;
    for (const auto& p : parts) {
        insert->setUInt64(1, user_id);
        insert->setUInt64(2, p.id);
        if (owner.order_id) insert->setUInt64(3, *owner.order_id);
        else insert->setNull(3, 0);
        if (owner.reservation_id) insert->setUInt64(4, *owner.reservation_id);
        else insert->setNull(4, 0);
        insert->setInt64(5, p.fen);
        insert->setString(6, format_sql_datetime_utc(now));
        insert->executeUpdate();
        held += p.fen;
    }
    return held;
}

void hold_advance(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, voucher_hold_owner owner, time_point now) {
    if (fen <= 0) return;
    statement insert(db.prepare("INSERT INTO alliance_voucher_holds (user_id, credit_id, source, order_id, reservation_id, amount_fen, state, created_at) "
                                "VALUES (?, NULL, 'advance', ?, ?, ?, 'held', ?)"));
    insert->setUInt64(1, user_id);
    if (owner.order_id) insert->setUInt64(2, *owner.order_id);
    else insert->setNull(2, 0);
    if (owner.reservation_id) insert->setUInt64(3, *owner.reservation_id);
    else insert->setNull(3, 0);
    insert->setInt64(4, fen);
    insert->setString(5, format_sql_datetime_utc(now));
    insert->executeUpdate();
    statement upsert(db.prepare("INSERT INTO alliance_voucher_advances (user_id, granted_fen, updated_at) VALUES (?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE granted_fen = granted_fen + VALUES(granted_fen), updated_at = VALUES(updated_at)"));
    upsert->setUInt64(1, user_id);
    upsert->setInt64(2, fen);
    upsert->setString(3, format_sql_datetime_utc(now));
    upsert->executeUpdate();
}

std::int64_t lock_voucher_advance(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT granted_fen - cancelled_fen - repaid_fen FROM alliance_voucher_advances WHERE user_id = ? FOR UPDATE"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

void cancel_voucher_advance(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, time_point at) {
    if (fen <= 0) return;
    statement update(db.prepare("UPDATE alliance_voucher_advances SET cancelled_fen = cancelled_fen + ?, updated_at = ? WHERE user_id = ? "
                                "AND granted_fen - cancelled_fen - repaid_fen >= ?"));
    update->setInt64(1, fen);
    update->setString(2, format_sql_datetime_utc(at));
    update->setUInt64(3, user_id);
    update->setInt64(4, fen);
    if (update->executeUpdate() != 1) throw std::logic_error("an advance given back beyond what is owed");
}

void repay_voucher_advances(mysql_connection& db, const std::vector<std::pair<std::uint64_t, std::int64_t>>& repaid, time_point at) {
    statement update(db.prepare("UPDATE alliance_voucher_advances SET repaid_fen = repaid_fen + ?, updated_at = ? WHERE user_id = ? "
                                "AND granted_fen - cancelled_fen - repaid_fen >= ?"));
    for (const auto& [user, fen] : repaid) {
        if (fen <= 0) continue;
        update->setInt64(1, fen);
        update->setString(2, format_sql_datetime_utc(at));
        update->setUInt64(3, user);
        update->setInt64(4, fen);
        if (update->executeUpdate() != 1) throw std::logic_error("an advance repaid beyond what is owed");
    }
}

std::vector<std::pair<std::uint64_t, std::int64_t>> lock_voucher_advances(mysql_connection& db, const std::vector<std::uint64_t>& user_ids) {
    std::vector<std::pair<std::uint64_t, std::int64_t>> out;
    constexpr std::size_t batch = 1000;
    for (std::size_t start = 0; start < user_ids.size(); start += batch) {
        const auto n = std::min(batch, user_ids.size() - start);
        statement select(db.prepare("SELECT user_id, granted_fen - cancelled_fen - repaid_fen FROM alliance_voucher_advances WHERE user_id IN (" +
                                    repeated("?", n) + ") AND granted_fen > cancelled_fen + repaid_fen ORDER BY user_id FOR UPDATE"));
        for (std::size_t k = 0; k < n; ++k) select->setUInt64(static_cast<unsigned>(k + 1), user_ids[start + k]);
        rows rs(select->executeQuery());
        while (rs->next()) out.emplace_back(rs->getUInt64(1), rs->getInt64(2));
    }
    return out;
}

std::vector<consumer_lot> list_consumer_vested_lots(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT id, cp - reversed_cp, released_fen FROM alliance_lots WHERE user_id = ? AND state = 'vested' "
                                "AND cp > reversed_cp ORDER BY id"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    std::vector<consumer_lot> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getInt64(2), rs->getInt64(3)});
    return out;
}

std::vector<voucher_hold> lock_order_voucher_holds(mysql_connection& db, std::uint64_t order_id) {
    statement select(db.prepare(hold_select + "WHERE h.order_id = ? ORDER BY h.id FOR UPDATE"));
    select->setUInt64(1, order_id);
    return read_holds(select);
}

std::vector<voucher_hold> lock_reservation_voucher_holds(mysql_connection& db, std::uint64_t reservation_id) {
    statement select(db.prepare(hold_select + "WHERE h.reservation_id = ? ORDER BY h.id FOR UPDATE"));
    select->setUInt64(1, reservation_id);
    return read_holds(select);
}

void attach_reservation_holds(mysql_connection& db, std::uint64_t reservation_id, std::uint64_t order_id) {
    statement update(db.prepare("UPDATE alliance_voucher_holds SET order_id = ? WHERE reservation_id = ? AND state = 'held'"));
    update->setUInt64(1, order_id);
    update->setUInt64(2, reservation_id);
    update->executeUpdate();
}

void end_voucher_holds(mysql_connection& db, const std::vector<voucher_hold>& holds, const std::string& state, time_point at) {
    statement update(db.prepare("UPDATE alliance_voucher_holds SET state = ?, ended_at = ? WHERE id = ? AND state = 'held'"));
    for (const auto& h : holds) {
        if (h.state != "held") continue;
        update->setString(1, state);
        update->setString(2, format_sql_datetime_utc(at));
        update->setUInt64(3, h.id);
        update->executeUpdate();
    }
}

void restore_voucher_credit(mysql_connection& db, std::uint64_t credit_id, std::int64_t fen) {
    if (fen <= 0) return;
    statement update(db.prepare("UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen + ? WHERE id = ?"));
    update->setInt64(1, fen);
    update->setUInt64(2, credit_id);
    update->executeUpdate();
}

std::int64_t take_spendable_vouchers(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, time_point now) {
    return sum_of(draw_credits(db, user_id, fen, now));
}

void insert_refund_return_credit(mysql_connection& db, std::uint64_t user_id, std::uint64_t order_id, std::uint64_t refund_id, std::int64_t fen,
                                 std::int64_t remaining_fen, time_point expires_at, time_point at) {
    statement insert(db.prepare("INSERT INTO alliance_voucher_credits (holder, user_id, reason, order_id, refund_id, amount_fen, remaining_fen, "
                                "expires_at, created_at) VALUES ('consumer', ?, 'refund_return', ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, user_id);
    insert->setUInt64(2, order_id);
    insert->setUInt64(3, refund_id);
    insert->setInt64(4, fen);
    insert->setInt64(5, remaining_fen);
    insert->setString(6, format_sql_datetime_utc(expires_at));
    insert->setString(7, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

std::int64_t take_returned_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen) {
    const auto column = holder_column(holder);
    statement select(db.prepare("SELECT id, remaining_fen FROM alliance_voucher_credits WHERE holder = ? AND " + column +
                                " = ? AND reason = ? AND remaining_fen > 0 ORDER BY expires_at, id FOR UPDATE"));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    select->setString(3, holder == "consumer" ? "refund_return" : "supply_return");
    return sum_of(take_parts(db, select, fen, "UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen - ? WHERE id = ?", 1));
}

store_voucher_totals store_voucher_totals_of(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(
        "SELECT (SELECT COALESCE(SUM(amount_fen - taken_back_fen), 0) FROM alliance_voucher_credits WHERE holder = 'merchant' AND merchant_id = ? "
        "AND reason IN ('dividend', 'lock_reward')), "
        "(SELECT COALESCE(SUM(voucher_fen - FLOOR(CAST(voucher_fen AS DECIMAL(38, 0)) * refunded_fen / amount_fen)), 0) FROM orders "
        "WHERE merchant_id = ? AND status = 'paid' AND voucher_fen > 0)"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, merchant_id);
    rows rs(select->executeQuery());
    store_voucher_totals t;
    if (rs->next()) t = {rs->getInt64(1), rs->getInt64(2)};
    return t;
}

std::int64_t lock_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id) {
    statement select(db.prepare("SELECT recorded_fen - netted_fen FROM alliance_voucher_debts WHERE holder = ? AND holder_id = ? FOR UPDATE"));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

void add_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen, time_point at) {
    if (fen <= 0) return;
    statement upsert(db.prepare("INSERT INTO alliance_voucher_debts (holder, holder_id, recorded_fen, updated_at) VALUES (?, ?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE recorded_fen = recorded_fen + VALUES(recorded_fen), updated_at = VALUES(updated_at)"));
    upsert->setString(1, holder);
    upsert->setUInt64(2, holder_id);
    upsert->setInt64(3, fen);
    upsert->setString(4, format_sql_datetime_utc(at));
    upsert->executeUpdate();
}

void net_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen, time_point at) {
    if (fen <= 0) return;
    statement update(db.prepare("UPDATE alliance_voucher_debts SET netted_fen = netted_fen + ?, updated_at = ? "
                                "WHERE holder = ? AND holder_id = ? AND recorded_fen - netted_fen >= ?"));
    update->setInt64(1, fen);
    update->setString(2, format_sql_datetime_utc(at));
    update->setString(3, holder);
    update->setUInt64(4, holder_id);
    update->setInt64(5, fen);
    if (update->executeUpdate() != 1) throw std::logic_error("voucher debt netted beyond what is owed");
}

std::vector<holder_debt> lock_voucher_debts(mysql_connection& db, const std::string& holder, const std::vector<std::uint64_t>& holder_ids) {
    std::vector<holder_debt> out;
    constexpr std::size_t batch = 1000;
    for (std::size_t start = 0; start < holder_ids.size(); start += batch) {
        const auto n = std::min(batch, holder_ids.size() - start);
        statement select(db.prepare("SELECT holder_id, recorded_fen - netted_fen FROM alliance_voucher_debts WHERE holder = ? AND holder_id IN (" +
                                    repeated("?", n) + ") AND recorded_fen > netted_fen ORDER BY holder_id FOR UPDATE"));
        select->setString(1, holder);
        for (std::size_t k = 0; k < n; ++k) select->setUInt64(static_cast<unsigned>(k + 2), holder_ids[start + k]);
        rows rs(select->executeQuery());
        while (rs->next()) out.push_back({rs->getUInt64(1), rs->getInt64(2)});
    }
    return out;
}

std::int64_t charge_spent_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen) {
    const auto column = holder_column(holder);
    // What the credit spent (or holds): neither left, taken back nor expired.
    statement select(db.prepare("SELECT id, amount_fen - taken_back_fen - remaining_fen - expired_fen FROM alliance_voucher_credits WHERE holder = ? AND " +
                                column + " = ? AND reason = 'dividend' AND amount_fen - taken_back_fen - remaining_fen - expired_fen > 0 "
                                "ORDER BY expires_at, id FOR UPDATE"));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    return sum_of(take_parts(db, select, fen, "UPDATE alliance_voucher_credits SET taken_back_fen = taken_back_fen + ? WHERE id = ?", 1));
}

std::int64_t take_back_expired_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen) {
    const auto column = holder_column(holder);
    statement select(db.prepare("SELECT id, expired_fen FROM alliance_voucher_credits WHERE holder = ? AND " + column +
                                " = ? AND reason = 'dividend' AND expired_fen > 0 ORDER BY expires_at, id FOR UPDATE"));
    select->setString(1, holder);
    select->setUInt64(2, holder_id);
    return sum_of(take_parts(db, select, fen,
                             "UPDATE alliance_voucher_credits SET expired_fen = expired_fen - ?, taken_back_fen = taken_back_fen + ? WHERE id = ?", 2));
}

std::vector<ended_credit> lock_ended_credits(mysql_connection& db, time_point now, int limit) {
    statement select(db.prepare("SELECT id, holder, COALESCE(user_id, merchant_id), remaining_fen FROM alliance_voucher_credits "
                                "WHERE expires_at <= ? AND remaining_fen > 0 ORDER BY expires_at, id LIMIT ? FOR UPDATE"));
    select->setString(1, format_sql_datetime_utc(now));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<ended_credit> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getString(2), rs->getUInt64(3), rs->getInt64(4)});
    return out;
}

void expire_credits(mysql_connection& db, const std::vector<ended_credit>& credits) {
    statement update(db.prepare("UPDATE alliance_voucher_credits SET expired_fen = expired_fen + remaining_fen, remaining_fen = 0 WHERE id = ?"));
    for (const auto& c : credits) {
        update->setUInt64(1, c.id);
        update->executeUpdate();
    }
}

std::vector<expiring_vouchers> list_expiring_vouchers(mysql_connection& db, time_point now, time_point until, std::uint64_t after_user, int limit) {
    statement select(db.prepare("SELECT user_id, SUM(remaining_fen), " + sql_micros("MIN(expires_at)") +
                                " FROM alliance_voucher_credits WHERE holder = 'consumer' AND user_id > ? AND remaining_fen > 0 AND reminded_at IS NULL "
                                "AND expires_at > ? AND expires_at <= ? GROUP BY user_id ORDER BY user_id LIMIT ? FOR UPDATE"));
    select->setUInt64(1, after_user);
    select->setString(2, format_sql_datetime_utc(now));
    select->setString(3, format_sql_datetime_utc(until));
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<expiring_vouchers> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getInt64(2), from_micros(rs->getInt64(3))});
    return out;
}

void mark_vouchers_reminded(mysql_connection& db, const std::vector<std::uint64_t>& user_ids, time_point now, time_point until) {
    if (user_ids.empty()) return;
    statement update(db.prepare("UPDATE alliance_voucher_credits SET reminded_at = ? WHERE holder = 'consumer' AND user_id IN (" +
                                repeated("?", user_ids.size()) + ") AND remaining_fen > 0 AND reminded_at IS NULL AND expires_at > ? AND expires_at <= ?"));
    unsigned i = 1;
    update->setString(i++, format_sql_datetime_utc(now));
    for (const auto id : user_ids) update->setUInt64(i++, id);
    update->setString(i++, format_sql_datetime_utc(now));
    update->setString(i++, format_sql_datetime_utc(until));
    update->executeUpdate();
}

std::optional<voucher_reservation> find_voucher_reservation(mysql_connection& db, std::uint64_t merchant_id, const std::string& merchant_order_id,
                                                            bool lock) {
    statement select(db.prepare("SELECT " + reservation_columns + " FROM alliance_voucher_reservations WHERE merchant_id = ? AND merchant_order_id = ? " +
                                "ORDER BY attempt DESC LIMIT 1" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setString(2, merchant_order_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_reservation(*rs);
}

std::optional<voucher_reservation> find_voucher_reservation_by_id(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare("SELECT " + reservation_columns + " FROM alliance_voucher_reservations WHERE id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_reservation(*rs);
}

std::uint64_t insert_voucher_reservation(mysql_connection& db, const voucher_reservation& r) {
    statement insert(db.prepare("INSERT INTO alliance_voucher_reservations (merchant_id, merchant_order_id, attempt, user_id, order_total_fen, "
                                "voucher_fen, state, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'reserved', ?, ?)"));
    insert->setUInt64(1, r.merchant_id);
    insert->setString(2, r.merchant_order_id);
    insert->setUInt(3, static_cast<unsigned>(r.attempt));
    insert->setUInt64(4, r.user_id);
    insert->setInt64(5, r.order_total_fen);
    insert->setInt64(6, r.voucher_fen);
    insert->setString(7, format_sql_datetime_utc(r.expires_at));
    insert->setString(8, format_sql_datetime_utc(r.created_at));
    insert->executeUpdate();
    return last_insert_id(db);
}

void confirm_voucher_reservation(mysql_connection& db, std::uint64_t id, std::uint64_t order_id, time_point at) {
    statement update(db.prepare("UPDATE alliance_voucher_reservations SET state = 'confirmed', order_id = ?, ended_at = ? WHERE id = ? AND state = 'reserved'"));
    update->setUInt64(1, order_id);
    update->setString(2, format_sql_datetime_utc(at));
    update->setUInt64(3, id);
    if (update->executeUpdate() != 1) throw std::logic_error("voucher reservation confirmed while not reserved");
}

void release_voucher_reservation(mysql_connection& db, std::uint64_t id, const std::string& by, time_point at) {
    statement update(db.prepare("UPDATE alliance_voucher_reservations SET state = 'released', released_by = ?, ended_at = ? WHERE id = ? AND state = 'reserved'"));
    update->setString(1, by);
    update->setString(2, format_sql_datetime_utc(at));
    update->setUInt64(3, id);
    if (update->executeUpdate() != 1) throw std::logic_error("voucher reservation released while not reserved");
}

std::vector<std::uint64_t> list_expired_voucher_reservations(mysql_connection& db, time_point now, int limit) {
    statement select(db.prepare("SELECT id FROM alliance_voucher_reservations WHERE state = 'reserved' AND expires_at <= ? ORDER BY expires_at, id LIMIT ?"));
    select->setString(1, format_sql_datetime_utc(now));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::uint64_t> out;
    while (rs->next()) out.push_back(rs->getUInt64(1));
    return out;
}

void upsert_voucher_code(mysql_connection& db, std::uint64_t user_id, const std::string& digits, time_point expires_at, time_point at) {
    statement upsert(db.prepare("INSERT INTO alliance_voucher_codes (user_id, digits, expires_at, created_at) VALUES (?, ?, ?, ?) "
                                "ON DUPLICATE KEY UPDATE digits = VALUES(digits), expires_at = VALUES(expires_at), created_at = VALUES(created_at)"));
    upsert->setUInt64(1, user_id);
    upsert->setString(2, digits);
    upsert->setString(3, format_sql_datetime_utc(expires_at));
    upsert->setString(4, format_sql_datetime_utc(at));
    upsert->executeUpdate();
}

std::optional<std::uint64_t> find_voucher_code_user(mysql_connection& db, const std::string& digits, time_point now) {
    statement select(db.prepare("SELECT user_id, " + sql_micros("expires_at") + " FROM alliance_voucher_codes WHERE digits = ? FOR UPDATE"));
    select->setString(1, digits);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    const auto user = rs->getUInt64(1);
    const auto expires = from_micros(rs->getInt64(2));
    if (expires <= now) return std::nullopt;
    return user;
}

void delete_voucher_code(mysql_connection& db, std::uint64_t user_id) {
    statement remove(db.prepare("DELETE FROM alliance_voucher_codes WHERE user_id = ?"));
    remove->setUInt64(1, user_id);
    remove->executeUpdate();
}

}  // namespace sharedstore
