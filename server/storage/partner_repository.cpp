#include "server/storage/partner_repository.hpp"

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

// One SELECT list for every partner read, so the reader below matches it.
const std::string partner_columns =
    std::string("SELECT p.id, p.merchant_id, p.user_id, p.status, p.inactive_dividends, p.total_buy_in_fen, COALESCE(p.status_note, ''), ")
    + sql_micros("p.created_at") + ", m.name, COALESCE(u.phone, ''), "
    "COALESCE((SELECT -a.balance FROM ledger_accounts a WHERE a.merchant_id = p.merchant_id AND a.kind = 'stored_value' "
    "AND a.user_id = p.user_id), 0), "
    "(SELECT COUNT(*) FROM leads l WHERE l.partner_id = p.id) "
    "FROM partners p JOIN merchants m ON m.id = p.merchant_id JOIN users u ON u.id = p.user_id ";

partner_record read_partner(sql::ResultSet& rs) {
    // The columns are ENUMs of exactly these values: anything else is a schema this code does not know.
    const auto status = parse_partner_status(std::string(rs.getString(4)));
    const auto when_inactive = parse_inactive_dividends(std::string(rs.getString(5)));
    if (!status || !when_inactive) throw std::logic_error("partners: unknown status or inactive_dividends value");
    return partner_record{.id = rs.getUInt64(1),
                          .merchant_id = rs.getUInt64(2),
                          .user_id = rs.getUInt64(3),
                          .status = *status,
                          .when_inactive = *when_inactive,
                          .total_buy_in_fen = rs.getInt64(6),
                          .status_note = rs.getString(7),
                          .created_at = from_micros(rs.getInt64(8)),
                          .merchant_name = rs.getString(9),
                          .phone = rs.getString(10),
                          .stored_value_fen = rs.getInt64(11),
                          .lead_count = rs.getInt64(12)};
}

const std::string pack_columns =
    "SELECT k.id, k.merchant_id, k.partner_id, k.quota, k.claimed, " + sql_micros("k.created_at") + ", t.id, t.kind, "
    "t.title, t.benefit, COALESCE(t.cover_url, ''), " + sql_micros("t.valid_from") + ", " + sql_micros("t.valid_until") + ", m.name "
    "FROM card_packs k JOIN card_templates t ON t.id = k.card_template_id JOIN merchants m ON m.id = k.merchant_id ";

card_pack_record read_pack(sql::ResultSet& rs) {
    return card_pack_record{.id = rs.getUInt64(1),
                            .merchant_id = rs.getUInt64(2),
                            .partner_id = rs.getUInt64(3),
                            .quota = static_cast<int>(rs.getUInt(4)),
                            .claimed = static_cast<int>(rs.getUInt(5)),
                            .created_at = from_micros(rs.getInt64(6)),
                            .card_template_id = rs.getUInt64(7),
                            .kind = rs.getString(8),
                            .title = rs.getString(9),
                            .benefit = rs.getString(10),
                            .cover_url = rs.getString(11),
                            .valid_from = from_micros(rs.getInt64(12)),
                            .valid_until = from_micros(rs.getInt64(13)),
                            .merchant_name = rs.getString(14)};
}

}  // namespace

std::uint64_t insert_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t enrolled_by) {
    statement insert(db.prepare("INSERT INTO partners (merchant_id, user_id, enrolled_by_user_id) VALUES (?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, user_id);
    insert->setUInt64(3, enrolled_by);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<partner_record> find_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id, bool lock) {
    if (lock) {
        statement locking(db.prepare("SELECT id FROM partners WHERE id = ? FOR UPDATE"));
        locking->setUInt64(1, partner_id);
        rows locked(locking->executeQuery());
    }
    statement select(db.prepare(partner_columns + "WHERE p.id = ? AND p.merchant_id = ?"));
    select->setUInt64(1, partner_id);
    select->setUInt64(2, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_partner(*rs);
}

std::optional<partner_record> find_partner_by_user(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    statement select(db.prepare(partner_columns + "WHERE p.merchant_id = ? AND p.user_id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_partner(*rs);
}

void add_partner_buy_in(mysql_connection& db, std::uint64_t partner_id, std::int64_t amount_fen) {
    statement update(db.prepare("UPDATE partners SET total_buy_in_fen = total_buy_in_fen + ? WHERE id = ?"));
    update->setInt64(1, amount_fen);
    update->setUInt64(2, partner_id);
    update->executeUpdate();
}

void update_partner_status(mysql_connection& db, std::uint64_t partner_id, partner_status status, inactive_dividends when_inactive,
                           const std::string& note, std::uint64_t changed_by) {
    statement update(db.prepare(
        "UPDATE partners SET status = ?, inactive_dividends = ?, status_note = NULLIF(?, ''), status_changed_by_user_id = ?, "
        "status_changed_at = CURRENT_TIMESTAMP(6) WHERE id = ?"));
    update->setString(1, std::string(to_string(status)));
    update->setString(2, std::string(to_string(when_inactive)));
    update->setString(3, note);
    update->setUInt64(4, changed_by);
    update->setUInt64(5, partner_id);
    update->executeUpdate();
}

std::vector<partner_record> list_partners(mysql_connection& db, std::uint64_t merchant_id, const std::optional<std::string>& status,
                                          std::uint64_t before_id, int limit) {
    statement select(db.prepare(partner_columns +
                                         "WHERE p.merchant_id = ? AND (? = '' OR p.status = ?) AND (? = 0 OR p.id < ?) "
                                         "ORDER BY p.id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, status.value_or(""));
    select->setString(3, status.value_or(""));
    select->setUInt64(4, before_id);
    select->setUInt64(5, before_id);
    select->setInt(6, limit);
    rows rs(select->executeQuery());
    std::vector<partner_record> out;
    while (rs->next()) out.push_back(read_partner(*rs));
    return out;
}

std::vector<partner_record> list_memberships(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare(partner_columns + "WHERE p.user_id = ? ORDER BY p.id DESC LIMIT 500"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    std::vector<partner_record> out;
    while (rs->next()) out.push_back(read_partner(*rs));
    return out;
}

std::uint64_t insert_buy_in(mysql_connection& db, std::uint64_t partner_id, std::uint64_t merchant_id, std::int64_t amount_fen,
                            const std::string& method, const std::string& note, std::optional<std::uint64_t> recorded_by,
                            std::uint64_t ledger_transaction_id, const std::string& at) {
    statement insert(db.prepare(
        "INSERT INTO partner_buy_ins (partner_id, merchant_id, amount_fen, method, note, recorded_by_user_id, ledger_transaction_id, created_at) "
        "VALUES (?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)"));
    insert->setUInt64(1, partner_id);
    insert->setUInt64(2, merchant_id);
    insert->setInt64(3, amount_fen);
    insert->setString(4, method);
    insert->setString(5, note);
    if (recorded_by) insert->setUInt64(6, *recorded_by);
    else insert->setNull(6, 0);
    insert->setUInt64(7, ledger_transaction_id);
    insert->setString(8, at);
    insert->executeUpdate();
    return last_insert_id(db);
}

namespace {
const std::string buy_in_columns =
    std::string("SELECT id, partner_id, amount_fen, method, COALESCE(note, ''), COALESCE(recorded_by_user_id, 0), ")
    + sql_micros("created_at") + " FROM partner_buy_ins ";
buy_in_record read_buy_in(sql::ResultSet& rs) {
    return buy_in_record{.id = rs.getUInt64(1),
                         .partner_id = rs.getUInt64(2),
                         .amount_fen = rs.getInt64(3),
                         .method = rs.getString(4),
                         .note = rs.getString(5),
                         .recorded_by_user_id = rs.getUInt64(6),
                         .created_at = from_micros(rs.getInt64(7))};
}
}  // namespace

std::optional<buy_in_record> find_buy_in_by_ledger_transaction(mysql_connection& db, std::uint64_t ledger_transaction_id) {
    statement select(db.prepare(buy_in_columns + "WHERE ledger_transaction_id = ?"));
    select->setUInt64(1, ledger_transaction_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_buy_in(*rs);
}

std::vector<buy_in_record> list_buy_ins(mysql_connection& db, std::uint64_t partner_id, int limit) {
    statement select(db.prepare(buy_in_columns + "WHERE partner_id = ? ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, partner_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<buy_in_record> out;
    while (rs->next()) out.push_back(read_buy_in(*rs));
    return out;
}

std::uint64_t insert_card_pack(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t card_template_id, std::uint64_t partner_id,
                               int quota, std::uint64_t issued_by) {
    statement insert(db.prepare(
        "INSERT INTO card_packs (merchant_id, card_template_id, partner_id, quota, issued_by_user_id) VALUES (?, ?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setUInt64(2, card_template_id);
    insert->setUInt64(3, partner_id);
    insert->setInt(4, quota);
    insert->setUInt64(5, issued_by);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::optional<card_pack_record> find_card_pack(mysql_connection& db, std::uint64_t pack_id) {
    statement select(db.prepare(pack_columns + "WHERE k.id = ?"));
    select->setUInt64(1, pack_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_pack(*rs);
}

std::vector<card_pack_record> list_card_packs(mysql_connection& db, std::optional<std::uint64_t> partner_id,
                                              std::optional<std::uint64_t> user_id, std::uint64_t before_id, int limit) {
    statement select(db.prepare(pack_columns +
                                         "JOIN partners p ON p.id = k.partner_id WHERE (? = 0 OR k.partner_id = ?) AND (? = 0 OR p.user_id = ?) "
                                         "AND (? = 0 OR k.id < ?) ORDER BY k.id DESC LIMIT ?"));
    select->setUInt64(1, partner_id.value_or(0));
    select->setUInt64(2, partner_id.value_or(0));
    select->setUInt64(3, user_id.value_or(0));
    select->setUInt64(4, user_id.value_or(0));
    select->setUInt64(5, before_id);
    select->setUInt64(6, before_id);
    select->setInt(7, limit);
    rows rs(select->executeQuery());
    std::vector<card_pack_record> out;
    while (rs->next()) out.push_back(read_pack(*rs));
    return out;
}

}  // namespace sharedstore
