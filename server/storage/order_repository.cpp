#include "server/storage/order_repository.hpp"

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

// Empty text for NULL: the records hold strings.

void set_optional_text(sql::PreparedStatement& s, unsigned index, const std::string& value) {
    if (value.empty()) s.setNull(index, 0);
    else s.setString(index, value);
}

const std::string order_columns =
    "SELECT id, merchant_id, source, kind, COALESCE(out_trade_no, ''), COALESCE(merchant_order_id, ''), COALESCE(pos_content_sha256, ''), "
    "customer_user_id, description, COALESCE(category, ''), amount_fen, pos_profit_fen, status, COALESCE(prepay_id, ''), "
    "COALESCE(transaction_id, ''), " + sql_micros("paid_at") + ", profit_fen, dividend_due, refunded_fen, " + sql_micros("created_at") +
    ", offer_id, listed_fen, member_level_no, member_discount_bp, points_used, points_discount_fen, prepaid_principal_fen, prepaid_bonus_fen, " +
    sql_micros("member_vested_at") + ", card_redemption_id, card_discount_fen, " + sql_micros("closed_at") + ", voucher_fen FROM orders ";

order_record read_order(sql::ResultSet& rs) {
    order_record o;
    o.id = rs.getUInt64(1);
    o.merchant_id = rs.getUInt64(2);
    // ENUM columns of exactly these values: anything else is a schema this code does not know,
    // never a default to price money by.
    const auto source = parse_payment_source(std::string(rs.getString(3)));
    const auto kind = parse_order_kind(std::string(rs.getString(4)));
    const auto status = parse_order_status(std::string(rs.getString(13)));
    if (!source || !kind || !status) throw std::logic_error("orders: unknown source, kind or status value");
    o.source = *source;
    o.kind = *kind;
    o.out_trade_no = rs.getString(5);
    o.merchant_order_id = rs.getString(6);
    o.pos_content_sha256 = rs.getString(7);
    if (!rs.isNull(8)) o.customer_user_id = rs.getUInt64(8);
    o.description = rs.getString(9);
    o.category = rs.getString(10);
    o.amount_fen = rs.getInt64(11);
    if (!rs.isNull(12)) o.pos_profit_fen = rs.getInt64(12);
    o.status = *status;
    o.prepay_id = rs.getString(14);
    o.transaction_id = rs.getString(15);
    if (!rs.isNull(16)) o.paid_at = from_micros(rs.getInt64(16));
    if (!rs.isNull(17)) o.profit_fen = rs.getInt64(17);
    o.dividend_due = rs.getBoolean(18);
    o.refunded_fen = rs.getInt64(19);
    o.created_at = from_micros(rs.getInt64(20));
    if (!rs.isNull(21)) o.member.offer_id = rs.getUInt64(21);
    if (!rs.isNull(22)) o.member.listed_fen = rs.getInt64(22);
    if (!rs.isNull(23)) o.member.level_no = static_cast<std::int32_t>(rs.getUInt(23));
    if (!rs.isNull(24)) o.member.discount_bp = static_cast<std::int32_t>(rs.getUInt(24));
    o.member.points_used = rs.getInt64(25);
    o.member.points_discount_fen = rs.getInt64(26);
    o.member.prepaid_principal_fen = rs.getInt64(27);
    o.member.prepaid_bonus_fen = rs.getInt64(28);
    if (!rs.isNull(29)) o.member_vested_at = from_micros(rs.getInt64(29));
    if (!rs.isNull(30)) o.card_redemption_id = rs.getUInt64(30);
    o.card_discount_fen = rs.getInt64(31);
    if (!rs.isNull(32)) o.closed_at = from_micros(rs.getInt64(32));
    o.voucher_fen = rs.getInt64(33);
    return o;
}

std::optional<order_record> first_order(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_order(*rs);
}

const std::string dividend_columns =
    "SELECT d.id, d.order_id, d.merchant_id, m.name, d.partner_id, d.partner_user_id, d.customer_user_id, COALESCE(u.phone, ''), "
    "d.tier_name, d.ratio_bp, o.amount_fen, d.profit_fen, d.amount_fen, d.reversed_fen, " +
    sql_micros("d.paid_at") + ", " + sql_micros("d.settles_at") + ", " + sql_micros("d.created_at") + ", " + sql_micros("d.settled_at") + " "
    "FROM dividends d JOIN orders o ON o.id = d.order_id JOIN merchants m ON m.id = d.merchant_id "
    "JOIN users u ON u.id = d.customer_user_id ";

dividend_record read_dividend(sql::ResultSet& rs) {
    dividend_record d{.id = rs.getUInt64(1),
                      .order_id = rs.getUInt64(2),
                      .merchant_id = rs.getUInt64(3),
                      .merchant_name = rs.getString(4),
                      .partner_id = rs.getUInt64(5),
                      .partner_user_id = rs.getUInt64(6),
                      .customer_user_id = rs.getUInt64(7),
                      .customer_phone = rs.getString(8),
                      .tier_name = rs.getString(9),
                      .ratio_bp = static_cast<std::int32_t>(rs.getUInt(10)),
                      .order_amount_fen = rs.getInt64(11),
                      .profit_fen = rs.getInt64(12),
                      .amount_fen = rs.getInt64(13),
                      .reversed_fen = rs.getInt64(14),
                      .paid_at = from_micros(rs.getInt64(15)),
                      .settles_at = from_micros(rs.getInt64(16)),
                      .created_at = from_micros(rs.getInt64(17)),
                      .settled_at = std::nullopt,
                      .state = dividend_state::pending};
    if (!rs.isNull(18)) {
        d.settled_at = from_micros(rs.getInt64(18));
        d.state = dividend_state::settled;
    }
    return d;
}

}  // namespace

std::uint64_t insert_order(mysql_connection& db, const new_order& o) {
    statement insert(db.prepare(
        "INSERT INTO orders (merchant_id, source, kind, out_trade_no, merchant_order_id, pos_content_sha256, customer_user_id, description, "
        "category, amount_fen, pos_profit_fen, offer_id, listed_fen, member_level_no, member_discount_bp, points_used, points_discount_fen, "
        "prepaid_principal_fen, prepaid_bonus_fen, card_redemption_id, card_discount_fen, voucher_fen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, o.merchant_id);
    insert->setString(2, std::string(to_string(o.source)));
    insert->setString(3, std::string(to_string(o.kind)));
    set_optional_text(*insert, 4, o.out_trade_no);
    set_optional_text(*insert, 5, o.merchant_order_id);
    set_optional_text(*insert, 6, o.pos_content_sha256);
    if (o.customer_user_id) insert->setUInt64(7, *o.customer_user_id);
    else insert->setNull(7, 0);
    insert->setString(8, o.description);
    set_optional_text(*insert, 9, o.category);
    insert->setInt64(10, o.amount_fen);
    if (o.pos_profit_fen) insert->setInt64(11, *o.pos_profit_fen);
    else insert->setNull(11, 0);
    const auto& m = o.member;
    if (m.offer_id) insert->setUInt64(12, *m.offer_id);
    else insert->setNull(12, 0);
    if (m.listed_fen) insert->setInt64(13, *m.listed_fen);
    else insert->setNull(13, 0);
    if (m.level_no) insert->setUInt(14, static_cast<std::uint32_t>(*m.level_no));
    else insert->setNull(14, 0);
    if (m.discount_bp) insert->setUInt(15, static_cast<std::uint32_t>(*m.discount_bp));
    else insert->setNull(15, 0);
    insert->setInt64(16, m.points_used);
    insert->setInt64(17, m.points_discount_fen);
    insert->setInt64(18, m.prepaid_principal_fen);
    insert->setInt64(19, m.prepaid_bonus_fen);
    if (o.card_redemption_id) insert->setUInt64(20, *o.card_redemption_id);
    else insert->setNull(20, 0);
    insert->setInt64(21, o.card_discount_fen);
    insert->setInt64(22, o.voucher_fen);
    insert->executeUpdate();
    return last_insert_id(db);
}

void set_order_member_level(mysql_connection& db, std::uint64_t order_id, std::int32_t level_no, std::int32_t discount_bp) {
    statement update(db.prepare("UPDATE orders SET member_level_no = ?, member_discount_bp = ? WHERE id = ?"));
    update->setUInt(1, static_cast<std::uint32_t>(level_no));
    update->setUInt(2, static_cast<std::uint32_t>(discount_bp));
    update->setUInt64(3, order_id);
    update->executeUpdate();
}

bool mark_order_closed(mysql_connection& db, std::uint64_t order_id, const std::string& closed_at) {
    statement update(db.prepare("UPDATE orders SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'created'"));
    update->setString(1, closed_at);
    update->setUInt64(2, order_id);
    return update->executeUpdate() == 1;
}

void set_order_payment_ids(mysql_connection& db, std::uint64_t order_id, const std::string& out_trade_no, const std::string& prepay_id) {
    statement update(db.prepare("UPDATE orders SET out_trade_no = COALESCE(?, out_trade_no), prepay_id = COALESCE(?, prepay_id) WHERE id = ?"));
    set_optional_text(*update, 1, out_trade_no);
    set_optional_text(*update, 2, prepay_id);
    update->setUInt64(3, order_id);
    update->executeUpdate();
}

std::optional<order_record> find_order(mysql_connection& db, std::uint64_t order_id, bool lock) {
    statement select(db.prepare(order_columns + "WHERE id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, order_id);
    return first_order(*select);
}

std::optional<order_record> find_order_by_out_trade_no(mysql_connection& db, const std::string& out_trade_no, bool lock) {
    statement select(db.prepare(order_columns + "WHERE out_trade_no = ?" + (lock ? " FOR UPDATE" : "")));
    select->setString(1, out_trade_no);
    return first_order(*select);
}

std::optional<order_record> find_order_by_merchant_order(mysql_connection& db, std::uint64_t merchant_id, const std::string& merchant_order_id,
                                                         bool lock) {
    statement select(db.prepare(order_columns + "WHERE merchant_id = ? AND merchant_order_id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, merchant_id);
    select->setString(2, merchant_order_id);
    return first_order(*select);
}

void mark_order_paid(mysql_connection& db, std::uint64_t order_id, const std::string& paid_at, const std::string& transaction_id,
                     std::optional<std::int64_t> profit_fen, std::optional<std::uint64_t> tier_version_id, bool dividend_due) {
    statement update(db.prepare(
        "UPDATE orders SET status = 'paid', paid_at = ?, transaction_id = ?, profit_fen = ?, tier_version_id = ?, dividend_due = ? WHERE id = ?"));
    update->setString(1, paid_at);
    set_optional_text(*update, 2, transaction_id);
    if (profit_fen) update->setInt64(3, *profit_fen);
    else update->setNull(3, 0);
    if (tier_version_id) update->setUInt64(4, *tier_version_id);
    else update->setNull(4, 0);
    update->setBoolean(5, dividend_due);
    update->setUInt64(6, order_id);
    update->executeUpdate();
}

std::vector<order_record> list_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& status, std::uint64_t before_id,
                                      int limit) {
    statement select(db.prepare(order_columns + "WHERE merchant_id = ? AND (? = '' OR status = ?) AND (? = 0 OR id < ?) "
                                                         "ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, status);
    select->setString(3, status);
    select->setUInt64(4, before_id);
    select->setUInt64(5, before_id);
    select->setInt(6, limit);
    rows rs(select->executeQuery());
    std::vector<order_record> out;
    while (rs->next()) out.push_back(read_order(*rs));
    return out;
}

std::vector<order_record> list_unpaid_wechat_orders(mysql_connection& db, const std::string& from, const std::string& to, int limit) {
    statement select(db.prepare(order_columns + "WHERE status = 'created' AND source = 'wechat_pay' AND out_trade_no IS NOT NULL "
                                                         "AND created_at >= ? AND created_at <= ? ORDER BY id LIMIT ?"));
    select->setString(1, from);
    select->setString(2, to);
    select->setInt(3, limit);
    rows rs(select->executeQuery());
    std::vector<order_record> out;
    while (rs->next()) out.push_back(read_order(*rs));
    return out;
}

std::optional<refund_record> find_refund(mysql_connection& db, std::uint64_t merchant_id, const std::string& source, const std::string& refund_key) {
    statement select(db.prepare("SELECT id, order_id, amount_fen FROM refunds WHERE merchant_id = ? AND source = ? AND refund_key = ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, source);
    select->setString(3, refund_key);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return refund_record{rs->getUInt64(1), rs->getUInt64(2), rs->getInt64(3)};
}

std::uint64_t insert_refund(mysql_connection& db, std::uint64_t order_id, std::uint64_t merchant_id, const std::string& source,
                            const std::string& refund_key, std::int64_t amount_fen, const std::string& at) {
    statement insert(db.prepare(
        "INSERT INTO refunds (order_id, merchant_id, source, refund_key, amount_fen, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, order_id);
    insert->setUInt64(2, merchant_id);
    insert->setString(3, source);
    insert->setString(4, refund_key);
    insert->setInt64(5, amount_fen);
    insert->setString(6, at);
    insert->executeUpdate();
    return last_insert_id(db);
}

void add_order_refunded(mysql_connection& db, std::uint64_t order_id, std::int64_t amount_fen) {
    statement update(db.prepare("UPDATE orders SET refunded_fen = refunded_fen + ? WHERE id = ?"));
    update->setInt64(1, amount_fen);
    update->setUInt64(2, order_id);
    update->executeUpdate();
}

std::uint64_t insert_dividend(mysql_connection& db, const new_dividend& d) {
    statement insert(db.prepare(
        "INSERT INTO dividends (order_id, merchant_id, partner_id, partner_user_id, customer_user_id, tier_version_id, tier_name, ratio_bp, "
        "profit_fen, amount_fen, paid_at, settles_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, d.order_id);
    insert->setUInt64(2, d.merchant_id);
    insert->setUInt64(3, d.partner_id);
    insert->setUInt64(4, d.partner_user_id);
    insert->setUInt64(5, d.customer_user_id);
    insert->setUInt64(6, d.tier_version_id);
    insert->setString(7, d.tier_name);
    insert->setInt(8, d.ratio_bp);
    insert->setInt64(9, d.profit_fen);
    insert->setInt64(10, d.amount_fen);
    insert->setString(11, d.paid_at);
    insert->setString(12, d.settles_at);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<dividend_record> find_dividend_by_order(mysql_connection& db, std::uint64_t order_id, bool lock) {
    if (lock) {
        statement locking(db.prepare("SELECT id FROM dividends WHERE order_id = ? FOR UPDATE"));
        locking->setUInt64(1, order_id);
        rows locked(locking->executeQuery());
    }
    statement select(db.prepare(dividend_columns + "WHERE d.order_id = ?"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_dividend(*rs);
}

void insert_reversal(mysql_connection& db, std::uint64_t dividend_id, std::uint64_t refund_id, std::int64_t amount_fen, const std::string& at,
                     std::int64_t from_withdrawable_fen, std::int64_t to_debt_fen) {
    statement insert(db.prepare(
        "INSERT INTO dividend_reversals (dividend_id, refund_id, amount_fen, created_at, from_withdrawable_fen, to_debt_fen) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, dividend_id);
    insert->setUInt64(2, refund_id);
    insert->setInt64(3, amount_fen);
    insert->setString(4, at);
    insert->setInt64(5, from_withdrawable_fen);
    insert->setInt64(6, to_debt_fen);
    insert->executeUpdate();
    statement update(db.prepare("UPDATE dividends SET reversed_fen = reversed_fen + ? WHERE id = ?"));
    update->setInt64(1, amount_fen);
    update->setUInt64(2, dividend_id);
    update->executeUpdate();
}

std::vector<dividend_record> list_dividends(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id,
                                            const std::string& state, std::uint64_t before_id, int limit) {
    statement select(db.prepare(dividend_columns +
                                         "WHERE d.partner_user_id = ? AND (? = 0 OR d.merchant_id = ?) "
                                         "AND (? = '' OR (? = 'settled') = (d.settled_at IS NOT NULL)) AND (? = 0 OR d.id < ?) "
                                         "ORDER BY d.id DESC LIMIT ?"));
    select->setUInt64(1, partner_user_id);
    select->setUInt64(2, merchant_id);
    select->setUInt64(3, merchant_id);
    select->setString(4, state);
    select->setString(5, state);
    select->setUInt64(6, before_id);
    select->setUInt64(7, before_id);
    select->setInt(8, limit);
    rows rs(select->executeQuery());
    std::vector<dividend_record> out;
    while (rs->next()) out.push_back(read_dividend(*rs));
    return out;
}

std::optional<std::uint64_t> lead_owner_at(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, const std::string& at) {
    statement select(db.prepare(
        "SELECT partner_id FROM lead_history WHERE merchant_id = ? AND customer_user_id = ? AND created_at <= ? ORDER BY id DESC LIMIT 1"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, customer_user_id);
    select->setString(3, at);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getUInt64(1);
}

void record_store_purchase(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& at) {
    statement upsert(db.prepare(
        "INSERT INTO store_customers (merchant_id, user_id, first_purchase_at, last_purchase_at) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE first_purchase_at = LEAST(first_purchase_at, VALUES(first_purchase_at)), "
        "last_purchase_at = GREATEST(last_purchase_at, VALUES(last_purchase_at))"));
    upsert->setUInt64(1, merchant_id);
    upsert->setUInt64(2, user_id);
    upsert->setString(3, at);
    upsert->setString(4, at);
    upsert->executeUpdate();
}

void insert_outbox_events(mysql_connection& db, std::vector<outbox_insert> events) {
    if (events.empty()) return;
    std::sort(events.begin(), events.end(), [](const outbox_insert& a, const outbox_insert& b) { return a.user_id < b.user_id; });
    constexpr std::size_t batch = 1000;
    for (std::size_t start = 0; start < events.size(); start += batch) {
        const auto n = std::min(batch, events.size() - start);
        // The users' rows, ascending (every locker takes them in id order), as insert_outbox_event does one.
        statement lock(db.prepare("SELECT id FROM users WHERE id IN (" + repeated("?", n) + ") ORDER BY id FOR UPDATE"));
        for (std::size_t k = 0; k < n; ++k) lock->setUInt64(static_cast<unsigned>(k + 1), events[start + k].user_id);
        { rows locked(lock->executeQuery()); }
        statement insert(db.prepare("INSERT INTO outbox_events (user_id, kind, payload) VALUES " + repeated("(?, ?, ?)", n)));
        unsigned i = 1;
        for (std::size_t k = start; k < start + n; ++k) {
            insert->setUInt64(i++, events[k].user_id);
            insert->setString(i++, events[k].kind);
            insert->setString(i++, events[k].payload);
        }
        insert->executeUpdate();
    }
}

void insert_outbox_event(mysql_connection& db, std::uint64_t user_id, const std::string& kind, const std::string& payload) {
    // A user's events must commit in id order: the relay and the phones take ids below the
    // newest one seen as already delivered. Ids come at insert, commits later, so two stores
    // paying the same partner at once could commit 11 before 10 and 10 would never be shown.
    // The user's row, locked until commit, puts the user's events in line. Callers insert the
    // event after their ledger posting, so this lock always comes after the account locks.
    statement lock(db.prepare("SELECT id FROM users WHERE id = ? FOR UPDATE"));
    lock->setUInt64(1, user_id);
    { rows locked(lock->executeQuery()); }
    statement insert(db.prepare("INSERT INTO outbox_events (user_id, kind, payload) VALUES (?, ?, ?)"));
    insert->setUInt64(1, user_id);
    insert->setString(2, kind);
    insert->setString(3, payload);
    insert->executeUpdate();
}

void record_payment_anomaly(mysql_connection& db, std::optional<std::uint64_t> merchant_id, std::optional<std::uint64_t> order_id,
                            payment_anomaly_kind kind, const std::string& reference, const std::string& detail) {
    statement insert(db.prepare(
        "INSERT INTO payment_anomalies (merchant_id, order_id, kind, reference, detail) VALUES (?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE id = id"));
    if (merchant_id) insert->setUInt64(1, *merchant_id);
    else insert->setNull(1, 0);
    if (order_id) insert->setUInt64(2, *order_id);
    else insert->setNull(2, 0);
    insert->setString(3, std::string(to_string(kind)));
    insert->setString(4, reference.substr(0, 64));
    insert->setString(5, detail.substr(0, 500));
    insert->executeUpdate();
}

}  // namespace sharedstore
