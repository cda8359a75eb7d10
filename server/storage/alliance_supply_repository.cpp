#include "server/storage/alliance_supply_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/alliance_voucher_repository.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
using time_point = std::chrono::system_clock::time_point;

const std::string order_select =
    "SELECT s.id, s.merchant_id, m.name, s.reference, s.description, s.amount_fen, s.state, s.voucher_max_bp, s.voucher_fen, "
    "s.issued_by_user_id, s.paid_by_user_id, s.ended_by_user_id, s.end_reason, " +
    sql_micros("s.created_at") + ", " + sql_micros("s.paid_at") + ", " + sql_micros("s.ended_at") +
    " FROM alliance_supply_orders s JOIN merchants m ON m.id = s.merchant_id ";

supply_order read_order(sql::ResultSet& rs) {
    supply_order o;
    o.id = rs.getUInt64(1);
    o.merchant_id = rs.getUInt64(2);
    o.merchant_name = rs.getString(3);
    o.reference = rs.getString(4);
    o.description = rs.getString(5);
    o.amount_fen = rs.getInt64(6);
    o.state = rs.getString(7);
    if (!rs.isNull(8)) o.voucher_max_bp = rs.getInt(8);
    o.voucher_fen = rs.getInt64(9);
    o.issued_by_user_id = rs.getUInt64(10);
    if (!rs.isNull(11)) o.paid_by_user_id = rs.getUInt64(11);
    if (!rs.isNull(12)) o.ended_by_user_id = rs.getUInt64(12);
    if (!rs.isNull(13)) o.end_reason = rs.getString(13);
    o.created_at = from_micros(rs.getInt64(14));
    if (!rs.isNull(15)) o.paid_at = from_micros(rs.getInt64(15));
    if (!rs.isNull(16)) o.ended_at = from_micros(rs.getInt64(16));
    return o;
}

std::optional<supply_order> read_one(statement& select) {
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_order(*rs);
}

}  // namespace

std::optional<supply_order> find_supply_order(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare(order_select + "WHERE s.id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    return read_one(select);
}

std::optional<supply_order> find_supply_order_by_reference(mysql_connection& db, std::uint64_t merchant_id, const std::string& reference, bool lock) {
    statement select(db.prepare(order_select + "WHERE s.merchant_id = ? AND s.reference = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setString(2, reference);
    return read_one(select);
}

std::vector<supply_order> list_supply_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& state, std::uint64_t before, int limit) {
    statement select(db.prepare(order_select + "WHERE (? = 0 OR s.merchant_id = ?) AND (? = '' OR s.state = ?) AND (? = 0 OR s.id < ?) "
                                               "ORDER BY s.id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, merchant_id);
    select->setString(3, state);
    select->setString(4, state);
    select->setUInt64(5, before);
    select->setUInt64(6, before);
    select->setInt(7, limit);
    rows rs(select->executeQuery());
    std::vector<supply_order> out;
    while (rs->next()) out.push_back(read_order(*rs));
    return out;
}

std::uint64_t insert_supply_order(mysql_connection& db, const supply_order& o) {
    statement insert(db.prepare("INSERT INTO alliance_supply_orders (merchant_id, reference, description, amount_fen, state, issued_by_user_id, "
                                "created_at) VALUES (?, ?, ?, ?, 'open', ?, ?)"));
    insert->setUInt64(1, o.merchant_id);
    insert->setString(2, o.reference);
    insert->setString(3, o.description);
    insert->setInt64(4, o.amount_fen);
    insert->setUInt64(5, o.issued_by_user_id);
    insert->setString(6, format_sql_datetime_utc(o.created_at));
    insert->executeUpdate();
    return last_insert_id(db);
}

void mark_supply_order_paid(mysql_connection& db, std::uint64_t id, std::int64_t voucher_fen, int voucher_max_bp, std::uint64_t by, time_point at) {
    statement update(db.prepare("UPDATE alliance_supply_orders SET state = 'paid', voucher_fen = ?, voucher_max_bp = ?, paid_by_user_id = ?, "
                                "paid_at = ? WHERE id = ? AND state = 'open'"));
    update->setInt64(1, voucher_fen);
    update->setInt(2, voucher_max_bp);
    update->setUInt64(3, by);
    update->setString(4, format_sql_datetime_utc(at));
    update->setUInt64(5, id);
    if (update->executeUpdate() != 1) throw std::logic_error("supply order " + std::to_string(id) + " is not open");
}

void end_supply_order(mysql_connection& db, std::uint64_t id, const std::string& state, std::uint64_t by, const std::string& reason, time_point at) {
    statement update(db.prepare("UPDATE alliance_supply_orders SET state = ?, ended_by_user_id = ?, end_reason = ?, ended_at = ? "
                                "WHERE id = ? AND state = ?"));
    update->setString(1, state);
    update->setUInt64(2, by);
    update->setString(3, reason);
    update->setString(4, format_sql_datetime_utc(at));
    update->setUInt64(5, id);
    update->setString(6, state == "refunded" ? "paid" : "open");
    if (update->executeUpdate() != 1) throw std::logic_error("supply order " + std::to_string(id) + " cannot become " + state);
}

std::int64_t lock_store_spendable_vouchers(mysql_connection& db, std::uint64_t merchant_id, time_point now) {
    return holder_spendable_vouchers(db, "merchant", merchant_id, now, true);
}

std::int64_t spendable_store_vouchers(mysql_connection& db, std::uint64_t merchant_id, time_point now) {
    return holder_spendable_vouchers(db, "merchant", merchant_id, now, false);
}

std::int64_t draw_store_vouchers(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t supply_order_id, std::int64_t fen, time_point now) {
    if (fen <= 0) return 0;
    statement select(db.prepare("SELECT id, remaining_fen FROM alliance_voucher_credits WHERE holder = 'merchant' AND merchant_id = ? "
                                "AND remaining_fen > 0 AND expires_at > ? ORDER BY expires_at, id FOR UPDATE"));
    select->setUInt64(1, merchant_id);
    select->setString(2, format_sql_datetime_utc(now));
    std::vector<std::pair<std::uint64_t, std::int64_t>> parts;
    {
        rows rs(select->executeQuery());
        std::int64_t taken = 0;
        while (taken < fen && rs->next()) {
            const auto part = std::min(fen - taken, rs->getInt64(2));
            parts.emplace_back(rs->getUInt64(1), part);
            taken += part;
        }
    }
    statement take(db.prepare("UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen - ? WHERE id = ?"));
    statement draw(db.prepare("INSERT INTO alliance_supply_voucher_draws (supply_order_id, credit_id, amount_fen) VALUES (?, ?, ?)"));
    std::int64_t drawn = 0;
    for (const auto& [credit, part] : parts) {
        take->setInt64(1, part);
        take->setUInt64(2, credit);
        take->executeUpdate();
        draw->setUInt64(1, supply_order_id);
        draw->setUInt64(2, credit);
        draw->setInt64(3, part);
        draw->executeUpdate();
        drawn += part;
    }
    return drawn;
}

std::optional<time_point> supply_draws_latest_expiry(mysql_connection& db, std::uint64_t supply_order_id) {
    statement select(db.prepare("SELECT " + sql_micros("MAX(c.expires_at)") +
                                " FROM alliance_supply_voucher_draws d JOIN alliance_voucher_credits c ON c.id = d.credit_id WHERE d.supply_order_id = ?"));
    select->setUInt64(1, supply_order_id);
    rows rs(select->executeQuery());
    if (!rs->next() || rs->isNull(1)) return std::nullopt;
    return from_micros(rs->getInt64(1));
}

void insert_supply_return_credit(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t supply_order_id, std::int64_t fen,
                                 std::int64_t remaining_fen, time_point expires_at, time_point at) {
    statement insert(db.prepare("INSERT INTO alliance_voucher_credits (holder, merchant_id, reason, supply_order_id, amount_fen, remaining_fen, "
                                "expires_at, created_at) VALUES ('merchant', ?, 'supply_return', ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, supply_order_id);
    insert->setInt64(3, fen);
    insert->setInt64(4, remaining_fen);
    insert->setString(5, format_sql_datetime_utc(expires_at));
    insert->setString(6, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

}  // namespace sharedstore
