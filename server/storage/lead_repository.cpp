#include "server/storage/lead_repository.hpp"

#include "common/mysql_pool.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

}  // namespace

void use_read_committed(mysql_connection& db) {
    db.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

std::uint64_t insert_share(mysql_connection& db, const std::string& code, std::uint64_t card_pack_id, std::uint64_t partner_id,
                           std::uint64_t merchant_id) {
    statement insert(db.prepare("INSERT INTO shares (code, card_pack_id, partner_id, merchant_id) VALUES (?, ?, ?, ?)"));
    insert->setString(1, code);
    insert->setUInt64(2, card_pack_id);
    insert->setUInt64(3, partner_id);
    insert->setUInt64(4, merchant_id);
    insert->executeUpdate();
    return last_insert_id(db);
}

int count_active_shares(mysql_connection& db, std::uint64_t card_pack_id) {
    statement select(db.prepare("SELECT COUNT(*) FROM shares WHERE card_pack_id = ? AND revoked_at IS NULL"));
    select->setUInt64(1, card_pack_id);
    rows rs(select->executeQuery());
    rs->next();
    return static_cast<int>(rs->getInt64(1));
}

std::optional<share_context> find_share_context(mysql_connection& db, const std::string& code) {
    statement select(db.prepare(
        "SELECT s.id, s.code, s.card_pack_id, s.partner_id, s.merchant_id, s.revoked_at IS NOT NULL, " + sql_micros("s.created_at") +
        ", p.user_id, p.status, m.name, m.allow_existing_customers, m.cards_for_owned_customers, m.protection_days, "
        "t.id, t.kind, t.title, t.benefit, COALESCE(t.cover_url, ''), " +
        sql_micros("t.valid_from") + ", " + sql_micros("t.valid_until") +
        ", k.quota, k.claimed "
        "FROM shares s JOIN card_packs k ON k.id = s.card_pack_id JOIN card_templates t ON t.id = k.card_template_id "
        "JOIN partners p ON p.id = s.partner_id JOIN merchants m ON m.id = s.merchant_id WHERE s.code = ?"));
    select->setString(1, code);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    share_context c;
    c.share = {rs->getUInt64(1), rs->getString(2), rs->getUInt64(3), rs->getUInt64(4), rs->getUInt64(5), rs->getBoolean(6), from_micros(rs->getInt64(7))};
    c.partner_user_id = rs->getUInt64(8);
    const auto state = parse_partner_status(std::string(rs->getString(9)));
    if (!state) throw std::logic_error("partners: unknown status value");  // an ENUM column of exactly these values
    c.partner_state = *state;
    c.merchant_name = rs->getString(10);
    c.allow_existing_customers = rs->getBoolean(11);
    c.cards_for_owned_customers = rs->getBoolean(12);
    if (!rs->isNull(13)) c.protection_days = static_cast<int>(rs->getUInt(13));
    c.card_template_id = rs->getUInt64(14);
    c.kind = rs->getString(15);
    c.title = rs->getString(16);
    c.benefit = rs->getString(17);
    c.cover_url = rs->getString(18);
    c.valid_from_time = from_micros(rs->getInt64(19));
    c.valid_until_time = from_micros(rs->getInt64(20));
    c.quota = static_cast<int>(rs->getUInt(21));
    c.claimed = static_cast<int>(rs->getUInt(22));
    return c;
}

bool revoke_share(mysql_connection& db, const std::string& code, std::uint64_t partner_user_id) {
    statement select(db.prepare(
        "SELECT s.id FROM shares s JOIN partners p ON p.id = s.partner_id WHERE s.code = ? AND p.user_id = ? FOR UPDATE"));
    select->setString(1, code);
    select->setUInt64(2, partner_user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return false;
    statement update(db.prepare("UPDATE shares SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(6)) WHERE id = ?"));
    update->setUInt64(1, rs->getUInt64(1));
    update->executeUpdate();
    return true;
}

std::pair<int, int> lock_card_pack(mysql_connection& db, std::uint64_t card_pack_id) {
    statement select(db.prepare("SELECT quota, claimed FROM card_packs WHERE id = ? FOR UPDATE"));
    select->setUInt64(1, card_pack_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return {0, 0};
    return {static_cast<int>(rs->getUInt(1)), static_cast<int>(rs->getUInt(2))};
}

person_facts find_person_facts(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT COALESCE(unionid, ''), COALESCE(phone, '') FROM users WHERE id = ?"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return {};
    return {rs->getString(1), rs->getString(2)};
}

purchase_facts find_purchase_facts(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id) {
    statement select(db.prepare("SELECT " + sql_micros("first_purchase_at") + ", " + sql_micros("last_purchase_at") +
                                         " FROM store_customers WHERE merchant_id = ? AND user_id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, customer_user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return {};
    return {from_micros(rs->getInt64(1)), from_micros(rs->getInt64(2))};
}

bool has_card_claim(mysql_connection& db, std::uint64_t card_pack_id, std::uint64_t customer_user_id) {
    statement select(db.prepare("SELECT 1 FROM card_claims WHERE card_pack_id = ? AND customer_user_id = ?"));
    select->setUInt64(1, card_pack_id);
    select->setUInt64(2, customer_user_id);
    rows rs(select->executeQuery());
    return rs->next();
}

void insert_card_claim(mysql_connection& db, std::uint64_t card_pack_id, std::uint64_t share_id, std::uint64_t merchant_id,
                       std::uint64_t customer_user_id) {
    statement insert(db.prepare(
        "INSERT INTO card_claims (card_pack_id, share_id, merchant_id, customer_user_id) VALUES (?, ?, ?, ?)"));
    insert->setUInt64(1, card_pack_id);
    insert->setUInt64(2, share_id);
    insert->setUInt64(3, merchant_id);
    insert->setUInt64(4, customer_user_id);
    insert->executeUpdate();
    statement count(db.prepare("UPDATE card_packs SET claimed = claimed + 1 WHERE id = ?"));
    count->setUInt64(1, card_pack_id);
    count->executeUpdate();
}

std::optional<lead_owner> find_lead_owner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, const char* lock) {
    const std::string suffix = std::string(lock) == "share" ? " LOCK IN SHARE MODE" : std::string(lock) == "update" ? " FOR UPDATE" : "";
    statement select(db.prepare("SELECT partner_id, " + sql_micros("bound_at") +
                                         " FROM leads WHERE merchant_id = ? AND customer_user_id = ?" + suffix));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, customer_user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return lead_owner{rs->getUInt64(1), from_micros(rs->getInt64(2))};
}

insert_outcome insert_lead(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, std::uint64_t partner_id,
                           std::optional<std::uint64_t> share_id) {
    statement insert(db.prepare("INSERT INTO leads (merchant_id, customer_user_id, partner_id, share_id) VALUES (?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, customer_user_id);
    insert->setUInt64(3, partner_id);
    if (share_id) insert->setUInt64(4, *share_id);
    else insert->setNull(4, 0);
    try {
        insert->executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != mysql_pool::duplicate_key_error) throw;
        return insert_outcome::duplicate;
    }
    return insert_outcome::inserted;
}

void replace_lead_owner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, std::uint64_t partner_id,
                        std::optional<std::uint64_t> share_id) {
    statement update(db.prepare(
        "UPDATE leads SET partner_id = ?, share_id = ?, bound_at = CURRENT_TIMESTAMP(6) WHERE merchant_id = ? AND customer_user_id = ?"));
    update->setUInt64(1, partner_id);
    if (share_id) update->setUInt64(2, *share_id);
    else update->setNull(2, 0);
    update->setUInt64(3, merchant_id);
    update->setUInt64(4, customer_user_id);
    update->executeUpdate();
}

void insert_lead_change(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id,
                        std::optional<std::uint64_t> previous_partner_id, std::uint64_t partner_id, const std::string& reason,
                        std::uint64_t actor_user_id, const std::string& note) {
    statement insert(db.prepare(
        "INSERT INTO lead_history (merchant_id, customer_user_id, previous_partner_id, partner_id, reason, actor_user_id, note) "
        "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''))"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, customer_user_id);
    if (previous_partner_id) insert->setUInt64(3, *previous_partner_id);
    else insert->setNull(3, 0);
    insert->setUInt64(4, partner_id);
    insert->setString(5, reason);
    insert->setUInt64(6, actor_user_id);
    insert->setString(7, note);
    insert->executeUpdate();
}

std::vector<lead_record> list_leads(mysql_connection& db, const lead_filter& f, std::uint64_t before_id, int limit) {
    statement select(db.prepare(
        "SELECT l.id, l.merchant_id, l.customer_user_id, l.partner_id, p.user_id, " + sql_micros("l.bound_at") +
        ", COALESCE(u.phone, ''), m.name, " + sql_micros("c.last_purchase_at") +
        " FROM leads l JOIN partners p ON p.id = l.partner_id JOIN users u ON u.id = l.customer_user_id "
        "JOIN merchants m ON m.id = l.merchant_id "
        "LEFT JOIN store_customers c ON c.merchant_id = l.merchant_id AND c.user_id = l.customer_user_id "
        "WHERE (? = 0 OR l.merchant_id = ?) AND (? = 0 OR l.partner_id = ?) AND (? = 0 OR p.user_id = ?) "
        "AND (? = 0 OR l.customer_user_id = ?) AND (? = 0 OR l.id < ?) ORDER BY l.id DESC LIMIT ?"));
    int i = 1;
    for (auto v : {f.merchant_id, f.partner_id, f.partner_user_id, f.customer_user_id, before_id}) {
        select->setUInt64(i++, v);
        select->setUInt64(i++, v);
    }
    select->setInt(i, limit);
    rows rs(select->executeQuery());
    std::vector<lead_record> out;
    while (rs->next())
        out.push_back(lead_record{.id = rs->getUInt64(1),
                                  .merchant_id = rs->getUInt64(2),
                                  .customer_user_id = rs->getUInt64(3),
                                  .partner_id = rs->getUInt64(4),
                                  .partner_user_id = rs->getUInt64(5),
                                  .bound_at = from_micros(rs->getInt64(6)),
                                  .customer_phone = rs->getString(7),
                                  .merchant_name = rs->getString(8),
                                  .last_purchase_at = rs->isNull(9) ? std::nullopt : std::optional(from_micros(rs->getInt64(9)))});
    return out;
}

std::vector<lead_change_record> list_lead_changes(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id,
                                                  std::uint64_t partner_id, std::uint64_t before_id, int limit) {
    statement select(db.prepare(
        "SELECT id, customer_user_id, previous_partner_id, partner_id, reason, actor_user_id, COALESCE(note, ''), " +
        sql_micros("created_at") +
        " FROM lead_history WHERE merchant_id = ? AND (? = 0 OR customer_user_id = ?) "
        "AND (? = 0 OR partner_id = ? OR previous_partner_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, customer_user_id);
    select->setUInt64(3, customer_user_id);
    select->setUInt64(4, partner_id);
    select->setUInt64(5, partner_id);
    select->setUInt64(6, partner_id);
    select->setUInt64(7, before_id);
    select->setUInt64(8, before_id);
    select->setInt(9, limit);
    rows rs(select->executeQuery());
    std::vector<lead_change_record> out;
    while (rs->next()) {
        lead_change_record r{rs->getUInt64(1), rs->getUInt64(2), std::nullopt, rs->getUInt64(4), rs->getString(5), rs->getUInt64(6),
                             rs->getString(7), from_micros(rs->getInt64(8))};
        if (!rs->isNull(3)) r.previous_partner_id = rs->getUInt64(3);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace sharedstore
