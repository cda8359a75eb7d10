#include "server/storage/alliance_accrual_repository.hpp"

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

void set_optional(statement& s, unsigned index, std::optional<std::uint64_t> value) {
    if (value) s->setUInt64(index, *value);
    else s->setNull(index, 0);
}

void insert_lot(mysql_connection& db, const alliance_accrual& a, bool consumer) {
    statement insert(db.prepare("INSERT INTO alliance_lots (order_id, holder, user_id, merchant_id, cp, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)"));
    insert->setUInt64(1, a.order_id);
    insert->setString(2, consumer ? "consumer" : "merchant");
    set_optional(insert, 3, consumer ? a.consumer_user_id : std::nullopt);
    set_optional(insert, 4, consumer ? std::nullopt : std::optional(a.merchant_id));
    insert->setInt64(5, a.lot_cp);
    insert->setString(6, format_sql_datetime_utc(a.paid_at));
    insert->executeUpdate();
}

}  // namespace

void insert_alliance_accrual(mysql_connection& db, const alliance_accrual& a) {
    statement insert(db.prepare(
        "INSERT INTO alliance_accruals (order_id, merchant_id, consumer_user_id, concession_version, concession_bp, pool_config_version, "
        "fund_share_bp, lock_bp, lock_merchant_id, amount_fen, base_fen, concession_fen, fund_fen, lock_fen, platform_fen, state, paid_at, vests_at, "
        "region_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"));
    insert->setUInt64(1, a.order_id);
    insert->setUInt64(2, a.merchant_id);
    set_optional(insert, 3, a.consumer_user_id);
    insert->setUInt(4, static_cast<unsigned>(a.concession_version));
    insert->setInt(5, a.concession_bp);
    insert->setUInt(6, static_cast<unsigned>(a.pool_config_version));
    insert->setInt(7, a.fund_share_bp);
    insert->setInt(8, a.lock_bp);
    set_optional(insert, 9, a.lock_merchant_id);
    insert->setInt64(10, a.amount_fen);
    insert->setInt64(11, a.base_fen);
    insert->setInt64(12, a.concession_fen);
    insert->setInt64(13, a.fund_fen);
    insert->setInt64(14, a.lock_fen);
    insert->setInt64(15, a.platform_fen);
    insert->setString(16, format_sql_datetime_utc(a.paid_at));
    insert->setString(17, format_sql_datetime_utc(a.vests_at));
    if (a.region_code) insert->setString(18, *a.region_code);
    else insert->setNull(18, 0);
    insert->executeUpdate();
    if (a.consumer_user_id) insert_lot(db, a, true);
    insert_lot(db, a, false);
}

std::optional<alliance_accrual> find_alliance_accrual(mysql_connection& db, std::uint64_t order_id, bool lock) {
    statement select(db.prepare(
        "SELECT a.merchant_id, a.consumer_user_id, a.concession_version, a.concession_bp, a.pool_config_version, a.fund_share_bp, a.lock_bp, "
        "a.lock_merchant_id, a.amount_fen, a.base_fen, a.concession_fen, a.fund_fen, a.lock_fen, a.platform_fen, a.refunded_fen, "
        "a.reversed_fund_fen, a.reversed_lock_fen, a.reversed_platform_fen, a.state, " +
        sql_micros("a.paid_at") + ", " + sql_micros("a.vests_at") + ", " + sql_micros("a.vested_at") +
        ", l.cp, l.reversed_cp, a.region_code FROM alliance_accruals a JOIN alliance_lots l ON l.order_id = a.order_id AND l.holder = 'merchant' "
        "WHERE a.order_id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    alliance_accrual a;
    a.order_id = order_id;
    a.merchant_id = rs->getUInt64(1);
    if (!rs->isNull(2)) a.consumer_user_id = rs->getUInt64(2);
    a.concession_version = static_cast<int>(rs->getUInt(3));
    a.concession_bp = rs->getInt(4);
    a.pool_config_version = static_cast<int>(rs->getUInt(5));
    a.fund_share_bp = rs->getInt(6);
    a.lock_bp = rs->getInt(7);
    if (!rs->isNull(8)) a.lock_merchant_id = rs->getUInt64(8);
    a.amount_fen = rs->getInt64(9);
    a.base_fen = rs->getInt64(10);
    a.concession_fen = rs->getInt64(11);
    a.fund_fen = rs->getInt64(12);
    a.lock_fen = rs->getInt64(13);
    a.platform_fen = rs->getInt64(14);
    a.refunded_fen = rs->getInt64(15);
    a.reversed_fund_fen = rs->getInt64(16);
    a.reversed_lock_fen = rs->getInt64(17);
    a.reversed_platform_fen = rs->getInt64(18);
    a.state = rs->getString(19);
    a.paid_at = from_micros(rs->getInt64(20));
    a.vests_at = from_micros(rs->getInt64(21));
    if (!rs->isNull(22)) a.vested_at = from_micros(rs->getInt64(22));
    if (!rs->isNull(25)) a.region_code = rs->getString(25);
    a.lot_cp = rs->getInt64(23);
    a.reversed_cp = rs->getInt64(24);
    return a;
}

void add_alliance_reversal(mysql_connection& db, std::uint64_t order_id, std::int64_t refunded_fen, const accrual_parts& r) {
    statement accrual(db.prepare(
        "UPDATE alliance_accruals SET refunded_fen = refunded_fen + ?, reversed_fund_fen = reversed_fund_fen + ?, "
        "reversed_lock_fen = reversed_lock_fen + ?, reversed_platform_fen = reversed_platform_fen + ? WHERE order_id = ?"));
    accrual->setInt64(1, refunded_fen);
    accrual->setInt64(2, r.fund_fen);
    accrual->setInt64(3, r.lock_fen);
    accrual->setInt64(4, r.platform_fen);
    accrual->setUInt64(5, order_id);
    accrual->executeUpdate();
    // Both lots are the same size, so one reversal applies to each.
    statement lots(db.prepare("UPDATE alliance_lots SET reversed_cp = reversed_cp + ? WHERE order_id = ?"));
    lots->setInt64(1, r.merchant_cp);
    lots->setUInt64(2, order_id);
    lots->executeUpdate();
}

std::vector<std::uint64_t> list_alliance_accruals_to_vest(mysql_connection& db, time_point now, int limit) {
    statement select(db.prepare("SELECT order_id FROM alliance_accruals WHERE state = 'pending' AND vests_at <= ? ORDER BY vests_at, order_id LIMIT ?"));
    select->setString(1, format_sql_datetime_utc(now));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<std::uint64_t> ids;
    while (rs->next()) ids.push_back(rs->getUInt64(1));
    return ids;
}

void mark_alliance_accrual_vested(mysql_connection& db, std::uint64_t order_id, time_point at) {
    const auto when = format_sql_datetime_utc(at);
    statement accrual(db.prepare("UPDATE alliance_accruals SET state = 'vested', vested_at = ? WHERE order_id = ? AND state = 'pending'"));
    accrual->setString(1, when);
    accrual->setUInt64(2, order_id);
    if (accrual->executeUpdate() != 1) throw std::logic_error("alliance accrual vested twice: order " + std::to_string(order_id));
    statement lots(db.prepare("UPDATE alliance_lots SET state = 'vested', vested_at = ? WHERE order_id = ?"));
    lots->setString(1, when);
    lots->setUInt64(2, order_id);
    lots->executeUpdate();
}

void insert_lock_reward_credit(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t order_id, std::int64_t amount_fen, time_point expires_at,
                               time_point at) {
    statement insert(db.prepare(
        "INSERT INTO alliance_voucher_credits (holder, merchant_id, reason, order_id, amount_fen, remaining_fen, expires_at, created_at) "
        "VALUES ('merchant', ?, 'lock_reward', ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, order_id);
    insert->setInt64(3, amount_fen);
    insert->setInt64(4, amount_fen);
    insert->setString(5, format_sql_datetime_utc(expires_at));
    insert->setString(6, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

lock_reward_take_back take_back_lock_reward(mysql_connection& db, std::uint64_t order_id, std::int64_t fen) {
    statement select(db.prepare("SELECT id, remaining_fen, expired_fen FROM alliance_voucher_credits WHERE reason = 'lock_reward' AND order_id = ? "
                                "AND holder = 'merchant' FOR UPDATE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return {};
    const auto id = rs->getUInt64(1);
    lock_reward_take_back t;
    t.unspent_fen = std::min(fen, rs->getInt64(2));
    t.expired_fen = std::min(fen - t.unspent_fen, rs->getInt64(3));
    // The rest was spent (supply orders): charged on the credit all the same, so that it keeps
    // amount - taken back == the reward left.
    t.spent_fen = fen - t.unspent_fen - t.expired_fen;
    statement update(db.prepare("UPDATE alliance_voucher_credits SET remaining_fen = remaining_fen - ?, expired_fen = expired_fen - ?, "
                                "taken_back_fen = taken_back_fen + ? WHERE id = ?"));
    update->setInt64(1, t.unspent_fen);
    update->setInt64(2, t.expired_fen);
    update->setInt64(3, fen);
    update->setUInt64(4, id);
    update->executeUpdate();
    return t;
}

}  // namespace sharedstore
