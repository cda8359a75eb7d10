#include "server/storage/card_wallet_repository.hpp"

#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/storage/card_repository.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

// One held card's columns, and its record read back (held_card_from knows the order).
std::string held_card_select() {
    return "SELECT c.id, c.merchant_id, m.name, m.time_zone, c.card_pack_id, k.card_template_id, k.partner_id, p.user_id, c.customer_user_id, "
           "COALESCE(u.phone, ''), t.kind, t.title, t.benefit, COALESCE(t.cover_url, ''), t.valid_days, " +
           sql_micros("t.valid_from") + ", " + sql_micros("t.valid_until") + ", " + sql_micros("c.created_at") + ", c.redemption_id, " +
           sql_micros("r.created_at") + ", c.revoked_at IS NOT NULL, c.expiry_reminded_at IS NOT NULL, " + card_offer_columns("t") +
           " FROM card_claims c JOIN card_packs k ON k.id = c.card_pack_id JOIN card_templates t ON t.id = k.card_template_id "
           "JOIN merchants m ON m.id = c.merchant_id JOIN partners p ON p.id = k.partner_id JOIN users u ON u.id = c.customer_user_id "
           "LEFT JOIN card_redemptions r ON r.id = c.redemption_id ";
}

held_card_record held_card_from(sql::ResultSet& rs) {
    held_card_record h;
    h.id = rs.getUInt64(1);
    h.merchant_id = rs.getUInt64(2);
    h.merchant_name = rs.getString(3);
    h.time_zone = rs.getString(4);
    h.card_pack_id = rs.getUInt64(5);
    h.card_template_id = rs.getUInt64(6);
    h.partner_id = rs.getUInt64(7);
    h.partner_user_id = rs.getUInt64(8);
    h.customer_user_id = rs.getUInt64(9);
    h.customer_phone = rs.getString(10);
    h.kind = rs.getString(11);
    h.title = rs.getString(12);
    h.benefit = rs.getString(13);
    h.cover_url = rs.getString(14);
    if (!rs.isNull(15)) h.valid_days = static_cast<int>(rs.getUInt(15));
    h.template_from = from_micros(rs.getInt64(16));
    h.template_until = from_micros(rs.getInt64(17));
    h.claimed_at = from_micros(rs.getInt64(18));
    if (!rs.isNull(19)) h.redemption_id = rs.getUInt64(19);
    if (!rs.isNull(20)) h.redeemed_at = from_micros(rs.getInt64(20));
    h.revoked = rs.getBoolean(21);
    h.expiry_reminded = rs.getBoolean(22);
    h.offer = card_offer_from(rs, 23);
    return h;
}

constexpr const char* redemption_columns =
    "SELECT id, merchant_id, card_claim_id, card_template_id, partner_id, customer_user_id, request_id, code, via, redeemed_by_user_id, "
    "bill_fen, discount_fen, order_id, CAST(UNIX_TIMESTAMP(undone_at) * 1000000 AS SIGNED), CAST(UNIX_TIMESTAMP(created_at) * 1000000 AS SIGNED) "
    "FROM card_redemptions ";

card_redemption_record redemption_from(sql::ResultSet& rs) {
    card_redemption_record r;
    r.id = rs.getUInt64(1);
    r.merchant_id = rs.getUInt64(2);
    r.card_id = rs.getUInt64(3);
    r.card_template_id = rs.getUInt64(4);
    r.partner_id = rs.getUInt64(5);
    r.customer_user_id = rs.getUInt64(6);
    r.request_id = rs.getString(7);
    r.code = rs.getString(8);
    r.via = rs.getString(9);
    if (!rs.isNull(10)) r.redeemed_by_user_id = rs.getUInt64(10);
    if (!rs.isNull(11)) r.bill_fen = rs.getInt64(11);
    r.discount_fen = rs.getInt64(12);
    if (!rs.isNull(13)) r.order_id = rs.getUInt64(13);
    if (!rs.isNull(14)) r.undone_at = from_micros(rs.getInt64(14));
    r.created_at = from_micros(rs.getInt64(15));
    return r;
}

std::optional<card_redemption_record> one_redemption(statement& select) {
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return redemption_from(*rs);
}

}  // namespace

std::vector<held_card_record> list_held_cards(mysql_connection& db, std::uint64_t customer_user_id, std::uint64_t before_id, int limit) {
    statement select(db.prepare(held_card_select() + "WHERE c.customer_user_id = ? AND (? = 0 OR c.id < ?) ORDER BY c.id DESC LIMIT ?"));
    select->setUInt64(1, customer_user_id);
    select->setUInt64(2, before_id);
    select->setUInt64(3, before_id);
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<held_card_record> out;
    while (rs->next()) out.push_back(held_card_from(*rs));
    return out;
}

std::optional<held_card_record> find_held_card(mysql_connection& db, std::uint64_t card_id) {
    statement select(db.prepare(held_card_select() + "WHERE c.id = ?"));
    select->setUInt64(1, card_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return held_card_from(*rs);
}

bool lock_held_card(mysql_connection& db, std::uint64_t card_id) {
    statement select(db.prepare("SELECT id FROM card_claims WHERE id = ? FOR UPDATE"));
    select->setUInt64(1, card_id);
    rows rs(select->executeQuery());
    return rs->next();
}

insert_outcome store_card_code(mysql_connection& db, std::uint64_t card_id, std::uint64_t holder_user_id, const std::string& code,
                               card_time expires_at, card_time now) {
    try {
        statement update(db.prepare("UPDATE card_codes SET code = ?, holder_user_id = ?, expires_at = ?, created_at = ? WHERE card_claim_id = ?"));
        update->setString(1, code);
        update->setUInt64(2, holder_user_id);
        update->setString(3, format_sql_datetime_utc(expires_at));
        update->setString(4, format_sql_datetime_utc(now));
        update->setUInt64(5, card_id);
        if (update->executeUpdate() > 0) return insert_outcome::inserted;
        statement insert(db.prepare("INSERT INTO card_codes (card_claim_id, holder_user_id, code, expires_at, created_at) VALUES (?, ?, ?, ?, ?)"));
        insert->setUInt64(1, card_id);
        insert->setUInt64(2, holder_user_id);
        insert->setString(3, code);
        insert->setString(4, format_sql_datetime_utc(expires_at));
        insert->setString(5, format_sql_datetime_utc(now));
        insert->executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != mysql_pool::duplicate_key_error) throw;
        return insert_outcome::duplicate;
    }
    return insert_outcome::inserted;
}

std::optional<card_code_record> find_card_code(mysql_connection& db, const std::string& code) {
    statement select(db.prepare("SELECT card_claim_id, holder_user_id, code, " + sql_micros("expires_at") + " FROM card_codes WHERE code = ?"));
    select->setString(1, code);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return card_code_record{rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), from_micros(rs->getInt64(4))};
}

std::uint64_t insert_card_redemption(mysql_connection& db, const new_card_redemption& r) {
    statement insert(db.prepare(
        "INSERT INTO card_redemptions (merchant_id, card_claim_id, card_template_id, partner_id, customer_user_id, request_id, code, via, "
        "redeemed_by_user_id, bill_fen, discount_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, r.merchant_id);
    insert->setUInt64(2, r.card_id);
    insert->setUInt64(3, r.card_template_id);
    insert->setUInt64(4, r.partner_id);
    insert->setUInt64(5, r.customer_user_id);
    insert->setString(6, r.request_id);
    insert->setString(7, r.code);
    insert->setString(8, r.via);
    if (r.redeemed_by_user_id) insert->setUInt64(9, *r.redeemed_by_user_id);
    else insert->setNull(9, 0);
    if (r.bill_fen) insert->setInt64(10, *r.bill_fen);
    else insert->setNull(10, 0);
    insert->setInt64(11, r.discount_fen);
    insert->setString(12, format_sql_datetime_utc(r.at));
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<card_redemption_record> find_card_redemption(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare(std::string(redemption_columns) + "WHERE id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    return one_redemption(select);
}

std::optional<card_redemption_record> find_card_redemption_by_request(mysql_connection& db, std::uint64_t merchant_id, const std::string& request_id) {
    statement select(db.prepare(std::string(redemption_columns) + "WHERE merchant_id = ? AND request_id = ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, request_id);
    return one_redemption(select);
}

std::optional<card_redemption_record> find_card_redemption_by_order(mysql_connection& db, std::uint64_t order_id, bool lock) {
    statement select(db.prepare(std::string(redemption_columns) + "WHERE order_id = ? AND undone_at IS NULL" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, order_id);
    return one_redemption(select);
}

void set_held_card_redemption(mysql_connection& db, std::uint64_t card_id, std::optional<std::uint64_t> redemption_id) {
    statement update(db.prepare("UPDATE card_claims SET redemption_id = ? WHERE id = ?"));
    if (redemption_id) update->setUInt64(1, *redemption_id);
    else update->setNull(1, 0);
    update->setUInt64(2, card_id);
    update->executeUpdate();
}

void attach_card_redemption_to_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id) {
    statement update(db.prepare("UPDATE card_redemptions SET order_id = ? WHERE id = ? AND order_id IS NULL"));
    update->setUInt64(1, order_id);
    update->setUInt64(2, redemption_id);
    update->executeUpdate();
}

void undo_card_redemption(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t refund_id, card_time at) {
    statement update(db.prepare("UPDATE card_redemptions SET undone_at = ?, undone_by_refund_id = ? WHERE id = ? AND undone_at IS NULL"));
    update->setString(1, format_sql_datetime_utc(at));
    update->setUInt64(2, refund_id);
    update->setUInt64(3, redemption_id);
    update->executeUpdate();
}

void detach_card_redemption_from_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id) {
    statement update(db.prepare("UPDATE card_redemptions SET order_id = NULL WHERE id = ? AND order_id = ?"));
    update->setUInt64(1, redemption_id);
    update->setUInt64(2, order_id);
    update->executeUpdate();
}

std::vector<held_card_record> list_cards_near_expiry(mysql_connection& db, card_time now, card_time horizon, std::uint64_t after_id, int limit) {
    // valid_days cards may end long before their template: every unreminded one with such a
    // template is a candidate (the domain decides); the others only when the template ends soon.
    statement select(db.prepare(held_card_select() +
                                "WHERE c.id > ? AND c.redemption_id IS NULL AND c.revoked_at IS NULL AND c.expiry_reminded_at IS NULL "
                                "AND t.valid_until > ? AND (t.valid_days IS NOT NULL OR t.valid_until <= ?) ORDER BY c.id LIMIT ?"));
    select->setUInt64(1, after_id);
    select->setString(2, format_sql_datetime_utc(now));
    select->setString(3, format_sql_datetime_utc(horizon));
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<held_card_record> out;
    while (rs->next()) out.push_back(held_card_from(*rs));
    return out;
}

void mark_expiry_reminded(mysql_connection& db, std::uint64_t card_id, card_time at) {
    statement update(db.prepare("UPDATE card_claims SET expiry_reminded_at = ? WHERE id = ? AND expiry_reminded_at IS NULL"));
    update->setString(1, format_sql_datetime_utc(at));
    update->setUInt64(2, card_id);
    update->executeUpdate();
}

std::vector<card_report_row> card_report_rows(mysql_connection& db, std::uint64_t merchant_id, card_time from, card_time to, int limit) {
    // A repeat is another paid purchase after the first one, within the days named; the first
    // purchase counts only when it came at or after the claim (the card brought the customer).
    auto repeat_within = [](int days) {
        return "SUM(sc.first_purchase_at >= c.created_at AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_user_id = c.customer_user_id "
               "AND o.merchant_id = c.merchant_id AND o.kind = 'purchase' AND o.status = 'paid' AND o.paid_at > sc.first_purchase_at "
               "AND o.paid_at <= sc.first_purchase_at + INTERVAL " + std::to_string(days) + " DAY))";
    };
    statement select(db.prepare(
        "SELECT k.partner_id, p.user_id, COALESCE(u.phone, ''), k.card_template_id, MIN(t.title), COUNT(*), SUM(c.redemption_id IS NOT NULL), "
        "COALESCE(SUM(sc.first_purchase_at >= c.created_at), 0), COALESCE(" + repeat_within(30) + ", 0), COALESCE(" + repeat_within(90) + ", 0) "
        "FROM card_claims c JOIN card_packs k ON k.id = c.card_pack_id JOIN card_templates t ON t.id = k.card_template_id "
        "JOIN partners p ON p.id = k.partner_id JOIN users u ON u.id = p.user_id "
        "LEFT JOIN store_customers sc ON sc.merchant_id = c.merchant_id AND sc.user_id = c.customer_user_id "
        "WHERE c.merchant_id = ? AND c.created_at >= ? AND c.created_at < ? "
        "GROUP BY k.partner_id, p.user_id, u.phone, k.card_template_id ORDER BY k.partner_id, k.card_template_id LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, format_sql_datetime_utc(from));
    select->setString(3, format_sql_datetime_utc(to));
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<card_report_row> out;
    while (rs->next())
        out.push_back(card_report_row{.partner_id = rs->getUInt64(1),
                                      .partner_user_id = rs->getUInt64(2),
                                      .card_template_id = rs->getUInt64(4),
                                      .partner_phone = rs->getString(3),
                                      .title = rs->getString(5),
                                      .claimed = rs->getInt64(6),
                                      .redeemed = rs->getInt64(7),
                                      .first_purchases = rs->getInt64(8),
                                      .repeat_30d = rs->getInt64(9),
                                      .repeat_90d = rs->getInt64(10)});
    return out;
}

}  // namespace sharedstore
