#include "server/storage/payout_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/ledger_repository.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using rows = std::unique_ptr<sql::ResultSet>;

std::string sql_time(wall_time t) { return format_sql_datetime_utc(t); }

const std::string payout_columns =
    "SELECT p.id, p.merchant_id, p.partner_id, p.partner_user_id, m.name, p.request_id, p.amount_fen, p.state, p.out_bill_no, p.openid, "
    "p.transfer_remark, p.needs_real_name, COALESCE(p.transfer_bill_no, ''), COALESCE(p.package_info, ''), COALESCE(p.wechat_state, ''), "
    "COALESCE(p.fail_reason, ''), p.decided_by_user_id, COALESCE(p.decision_reason, ''), " +
    sql_micros("p.created_at") + ", " + sql_micros("p.updated_at") + ", " + sql_micros("p.finished_at") + ", " + sql_micros("p.bill_created_at") +
    ", " + sql_micros("p.next_check_at") + " FROM payouts p JOIN merchants m ON m.id = p.merchant_id ";

std::optional<wall_time> optional_time(sql::ResultSet& rs, int column) {
    if (rs.isNull(column)) return std::nullopt;
    return from_micros(rs.getInt64(column));
}

payout_record read_payout(sql::ResultSet& rs) {
    payout_record p;
    p.id = rs.getUInt64(1);
    p.merchant_id = rs.getUInt64(2);
    p.partner_id = rs.getUInt64(3);
    p.partner_user_id = rs.getUInt64(4);
    p.merchant_name = rs.getString(5);
    p.request_id = rs.getString(6);
    p.amount_fen = rs.getInt64(7);
    const std::string state = rs.getString(8);
    auto parsed = parse_payout_state(state);
    if (!parsed) throw std::runtime_error("payout " + std::to_string(p.id) + " has an unknown state " + state);
    p.state = *parsed;
    p.out_bill_no = rs.getString(9);
    p.openid = rs.getString(10);
    p.transfer_remark = rs.getString(11);
    p.needs_real_name = rs.getBoolean(12);
    p.transfer_bill_no = rs.getString(13);
    p.package_info = rs.getString(14);
    p.wechat_state = rs.getString(15);
    p.fail_reason = rs.getString(16);
    if (!rs.isNull(17)) p.decided_by_user_id = rs.getUInt64(17);
    p.decision_reason = rs.getString(18);
    p.created_at = from_micros(rs.getInt64(19));
    p.updated_at = from_micros(rs.getInt64(20));
    p.finished_at = optional_time(rs, 21);
    p.bill_created_at = optional_time(rs, 22);
    p.next_check_at = optional_time(rs, 23);
    return p;
}

std::optional<payout_record> first_payout(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_payout(*rs);
}

std::vector<payout_record> all_payouts(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    std::vector<payout_record> out;
    while (rs->next()) out.push_back(read_payout(*rs));
    return out;
}

void bind_optional_time(sql::PreparedStatement& s, int index, const std::optional<wall_time>& t) {
    if (t) s.setString(index, sql_time(*t));
    else s.setNull(index, 0);
}

}  // namespace

std::optional<store_payout_settings> find_payout_settings(mysql_connection& db, std::uint64_t merchant_id) {
    mysql_statement select(db.prepare(
        "SELECT payout_min_fen, payout_max_fen, payout_daily_max_fen, payout_max_pending, payout_approval_above_fen, time_zone "
        "FROM merchants WHERE id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    store_payout_settings s;
    s.limits.min_fen = rs->getInt64(1);
    s.limits.max_fen = rs->getInt64(2);
    s.limits.daily_max_fen = rs->getInt64(3);
    s.limits.max_pending = static_cast<int>(rs->getUInt(4));
    if (!rs->isNull(5)) s.limits.approval_above_fen = rs->getInt64(5);
    s.time_zone = rs->getString(6);
    return s;
}

void set_payout_limits(mysql_connection& db, std::uint64_t merchant_id, const payout_limits& l) {
    mysql_statement update(db.prepare(
        "UPDATE merchants SET payout_min_fen = ?, payout_max_fen = ?, payout_daily_max_fen = ?, payout_max_pending = ?, "
        "payout_approval_above_fen = ? WHERE id = ?"));
    update->setInt64(1, l.min_fen);
    update->setInt64(2, l.max_fen);
    update->setInt64(3, l.daily_max_fen);
    update->setUInt(4, static_cast<unsigned>(l.max_pending));
    if (l.approval_above_fen) update->setInt64(5, *l.approval_above_fen);
    else update->setNull(5, 0);
    update->setUInt64(6, merchant_id);
    update->executeUpdate();
}

std::vector<settle_candidate> list_settle_candidates(mysql_connection& db, wall_time now, int limit) {
    mysql_statement select(db.prepare(
        "SELECT DISTINCT merchant_id, partner_id, partner_user_id FROM dividends "
        "WHERE settled_at IS NULL AND settles_at <= ? AND amount_fen > reversed_fen ORDER BY merchant_id, partner_id LIMIT ?"));
    select->setString(1, sql_time(now));
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<settle_candidate> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getUInt64(3)});
    return out;
}

std::vector<due_dividend> lock_due_dividends(mysql_connection& db, const settle_candidate& who, wall_time now, int limit) {
    mysql_statement select(db.prepare(
        "SELECT id, amount_fen - reversed_fen FROM dividends WHERE merchant_id = ? AND partner_id = ? AND settled_at IS NULL "
        "AND settles_at <= ? AND amount_fen > reversed_fen ORDER BY id LIMIT ? FOR UPDATE"));
    select->setUInt64(1, who.merchant_id);
    select->setUInt64(2, who.partner_id);
    select->setString(3, sql_time(now));
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<due_dividend> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getInt64(2)});
    return out;
}

std::uint64_t insert_settlement(mysql_connection& db, const settle_candidate& who, int dividends, std::int64_t amount_fen, std::int64_t to_debt_fen) {
    mysql_statement insert(db.prepare(
        "INSERT INTO dividend_settlements (merchant_id, partner_id, partner_user_id, dividends, amount_fen, to_debt_fen) VALUES (?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, who.merchant_id);
    insert->setUInt64(2, who.partner_id);
    insert->setUInt64(3, who.partner_user_id);
    insert->setInt(4, dividends);
    insert->setInt64(5, amount_fen);
    insert->setInt64(6, to_debt_fen);
    insert->executeUpdate();
    return last_insert_id(db);
}

void mark_dividends_settled(mysql_connection& db, const std::vector<due_dividend>& dividends, std::uint64_t settlement_id, wall_time at) {
    mysql_statement update(db.prepare("UPDATE dividends SET settlement_id = ?, settled_at = ? WHERE id = ? AND settled_at IS NULL"));
    for (const auto& d : dividends) {
        update->setUInt64(1, settlement_id);
        update->setString(2, sql_time(at));
        update->setUInt64(3, d.id);
        if (update->executeUpdate() != 1) throw std::logic_error("dividend " + std::to_string(d.id) + " was settled under its lock");
    }
}

int close_reversed_dividends(mysql_connection& db, wall_time now, int limit) {
    mysql_statement update(db.prepare(
        "UPDATE dividends SET settled_at = ? WHERE settled_at IS NULL AND settles_at <= ? AND amount_fen = reversed_fen LIMIT ?"));
    update->setString(1, sql_time(now));
    update->setString(2, sql_time(now));
    update->setInt(3, limit);
    return update->executeUpdate();
}

std::uint64_t insert_payout(mysql_connection& db, const new_payout& p) {
    // The bill number comes from the row's id, so the row is written with a placeholder first; the
    // two statements are in one transaction and nobody else sees the placeholder.
    mysql_statement insert(db.prepare(
        "INSERT INTO payouts (merchant_id, partner_id, partner_user_id, request_id, amount_fen, state, out_bill_no, openid, transfer_remark, "
        "needs_real_name, next_check_at) VALUES (?, ?, ?, ?, ?, ?, CONCAT('tmp', UUID_SHORT()), ?, ?, ?, ?)"));
    insert->setUInt64(1, p.merchant_id);
    insert->setUInt64(2, p.partner_id);
    insert->setUInt64(3, p.partner_user_id);
    insert->setString(4, p.request_id);
    insert->setInt64(5, p.amount_fen);
    insert->setString(6, std::string(to_string(p.state)));
    insert->setString(7, p.openid);
    insert->setString(8, p.transfer_remark);
    insert->setBoolean(9, p.needs_real_name);
    bind_optional_time(*insert, 10, p.next_check_at);
    insert->executeUpdate();
    const auto id = last_insert_id(db);
    mysql_statement number(db.prepare("UPDATE payouts SET out_bill_no = CONCAT('SSPO', LPAD(id, 20, '0')) WHERE id = ?"));
    number->setUInt64(1, id);
    number->executeUpdate();
    return id;
}

std::optional<payout_record> find_payout(mysql_connection& db, std::uint64_t id, bool lock) {
    mysql_statement select(db.prepare(payout_columns + "WHERE p.id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    return first_payout(*select);
}

std::optional<payout_record> find_payout_by_request(mysql_connection& db, std::uint64_t partner_user_id, const std::string& request_id, bool lock) {
    mysql_statement select(db.prepare(payout_columns + "WHERE p.partner_user_id = ? AND p.request_id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, partner_user_id);
    select->setString(2, request_id);
    return first_payout(*select);
}

std::optional<payout_record> find_payout_by_out_bill_no(mysql_connection& db, const std::string& out_bill_no, bool lock) {
    mysql_statement select(db.prepare(payout_columns + "WHERE p.out_bill_no = ?" + (lock ? " FOR UPDATE" : "")));
    select->setString(1, out_bill_no);
    return first_payout(*select);
}

void update_payout(mysql_connection& db, std::uint64_t id, const payout_change& c, wall_time now) {
    mysql_statement update(db.prepare(
        "UPDATE payouts SET state = ?, transfer_bill_no = COALESCE(?, transfer_bill_no), package_info = COALESCE(?, package_info), "
        "wechat_state = COALESCE(?, wechat_state), fail_reason = COALESCE(?, fail_reason), "
        "decided_by_user_id = COALESCE(?, decided_by_user_id), decision_reason = COALESCE(?, decision_reason), "
        "bill_created_at = IF(?, COALESCE(bill_created_at, ?), bill_created_at), "
        "finished_at = IF(?, ?, finished_at), next_check_at = ?, updated_at = ? WHERE id = ?"));
    int i = 1;
    update->setString(i++, std::string(to_string(c.state)));
    for (const auto* text : {&c.transfer_bill_no, &c.package_info, &c.wechat_state, &c.fail_reason}) {
        if (*text) update->setString(i++, **text);
        else update->setNull(i++, 0);
    }
    if (c.decided_by_user_id) update->setUInt64(i++, *c.decided_by_user_id);
    else update->setNull(i++, 0);
    if (c.decision_reason) update->setString(i++, *c.decision_reason);
    else update->setNull(i++, 0);
    update->setBoolean(i++, c.bill_created);
    update->setString(i++, sql_time(now));
    update->setBoolean(i++, is_final(c.state));
    update->setString(i++, sql_time(now));
    bind_optional_time(*update, i++, c.next_check_at);
    update->setString(i++, sql_time(now));
    update->setUInt64(i++, id);
    update->executeUpdate();
}

void set_payout_next_check(mysql_connection& db, std::uint64_t id, std::optional<wall_time> at) {
    mysql_statement update(db.prepare("UPDATE payouts SET next_check_at = ? WHERE id = ?"));
    bind_optional_time(*update, 1, at);
    update->setUInt64(2, id);
    update->executeUpdate();
}

int count_unfinished_payouts(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id) {
    mysql_statement select(db.prepare(
        "SELECT COUNT(*) FROM payouts WHERE merchant_id = ? AND partner_id = ? "
        "AND state IN ('awaiting_approval', 'creating', 'wait_user_confirm', 'transferring', 'cancelling')"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, partner_id);
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt(1) : 0;
}

std::int64_t payouts_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id, wall_time from) {
    mysql_statement select(db.prepare(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM payouts WHERE merchant_id = ? AND partner_id = ? AND created_at >= ? "
        "AND state NOT IN ('failed', 'cancelled', 'rejected')"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, partner_id);
    select->setString(3, sql_time(from));
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

std::vector<payout_record> list_user_payouts(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id, std::uint64_t before_id,
                                             int limit) {
    mysql_statement select(db.prepare(payout_columns +
                                      "WHERE p.partner_user_id = ? AND (? = 0 OR p.merchant_id = ?) AND (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?"));
    select->setUInt64(1, partner_user_id);
    select->setUInt64(2, merchant_id);
    select->setUInt64(3, merchant_id);
    select->setUInt64(4, before_id);
    select->setUInt64(5, before_id);
    select->setInt(6, limit);
    return all_payouts(*select);
}

std::vector<payout_record> list_store_payouts(mysql_connection& db, std::uint64_t merchant_id, std::optional<payout_state> state,
                                              std::uint64_t before_id, int limit) {
    mysql_statement select(db.prepare(payout_columns +
                                      "WHERE p.merchant_id = ? AND (? = '' OR p.state = ?) AND (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?"));
    const std::string word = state ? std::string(to_string(*state)) : std::string();
    select->setUInt64(1, merchant_id);
    select->setString(2, word);
    select->setString(3, word);
    select->setUInt64(4, before_id);
    select->setUInt64(5, before_id);
    select->setInt(6, limit);
    return all_payouts(*select);
}

std::vector<payout_record> list_payouts_to_check(mysql_connection& db, wall_time now, int limit) {
    mysql_statement select(db.prepare(payout_columns + "WHERE p.next_check_at <= ? ORDER BY p.next_check_at LIMIT ?"));
    select->setString(1, sql_time(now));
    select->setInt(2, limit);
    return all_payouts(*select);
}

void set_user_real_name(mysql_connection& db, std::uint64_t user_id, const std::string& sealed) {
    mysql_statement update(db.prepare("UPDATE users SET real_name_sealed = ? WHERE id = ?"));
    update->setString(1, sealed);
    update->setUInt64(2, user_id);
    update->executeUpdate();
}

std::optional<std::string> find_user_real_name(mysql_connection& db, std::uint64_t user_id) {
    mysql_statement select(db.prepare("SELECT real_name_sealed FROM users WHERE id = ? AND real_name_sealed IS NOT NULL"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getString(1);
}

namespace {

// Per partner at a store: each payout account's natural balance and what was paid out.
const std::string balance_query =
    "SELECT p.merchant_id, p.id, p.user_id, m.name, "
    "COALESCE(SUM(CASE WHEN a.kind = 'dividend_payable' THEN -a.balance END), 0), "
    "COALESCE(SUM(CASE WHEN a.kind = 'dividend_withdrawable' THEN -a.balance END), 0), "
    "COALESCE(SUM(CASE WHEN a.kind = 'payout_in_flight' THEN -a.balance END), 0), "
    "COALESCE(SUM(CASE WHEN a.kind = 'clawback_receivable' THEN a.balance END), 0), "
    "(SELECT COALESCE(SUM(o.amount_fen), 0) FROM payouts o WHERE o.merchant_id = p.merchant_id AND o.partner_id = p.id "
    "AND o.state = 'succeeded') "
    "FROM partners p JOIN merchants m ON m.id = p.merchant_id "
    "LEFT JOIN ledger_accounts a ON a.merchant_id = p.merchant_id AND a.user_id = p.user_id "
    "AND a.kind IN ('dividend_payable', 'dividend_withdrawable', 'payout_in_flight', 'clawback_receivable') ";

std::vector<partner_payout_balance> read_balances(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    std::vector<partner_payout_balance> out;
    while (rs->next()) {
        partner_payout_balance b;
        b.merchant_id = rs->getUInt64(1);
        b.partner_id = rs->getUInt64(2);
        b.partner_user_id = rs->getUInt64(3);
        b.merchant_name = rs->getString(4);
        b.pending_fen = rs->getInt64(5);
        b.withdrawable_fen = rs->getInt64(6);
        b.in_flight_fen = rs->getInt64(7);
        b.debt_fen = rs->getInt64(8);
        b.paid_out_fen = rs->getInt64(9);
        out.push_back(b);
    }
    return out;
}

}  // namespace

std::vector<partner_payout_balance> user_payout_balances(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id) {
    mysql_statement select(db.prepare(balance_query + "WHERE p.user_id = ? AND (? = 0 OR p.merchant_id = ?) GROUP BY p.id ORDER BY p.merchant_id"));
    select->setUInt64(1, partner_user_id);
    select->setUInt64(2, merchant_id);
    select->setUInt64(3, merchant_id);
    return read_balances(*select);
}

std::vector<partner_payout_balance> store_payout_balances(mysql_connection& db, std::uint64_t merchant_id) {
    mysql_statement select(db.prepare(balance_query + "WHERE p.merchant_id = ? GROUP BY p.id ORDER BY p.id"));
    select->setUInt64(1, merchant_id);
    return read_balances(*select);
}

payout_reconciliation reconcile_store_payouts(mysql_connection& db, std::uint64_t merchant_id) {
    payout_reconciliation r;
    {
        mysql_statement select(db.prepare(
            "SELECT COALESCE(SUM(CASE WHEN state = 'succeeded' THEN amount_fen END), 0), "
            "COALESCE(SUM(CASE WHEN state IN ('awaiting_approval', 'creating', 'wait_user_confirm', 'transferring', 'cancelling') "
            "THEN amount_fen END), 0), "
            "COALESCE(SUM(CASE WHEN state IN ('failed', 'cancelled', 'rejected') THEN amount_fen END), 0) FROM payouts WHERE merchant_id = ?"));
        select->setUInt64(1, merchant_id);
        rows rs(select->executeQuery());
        if (rs->next()) {
            r.succeeded_fen = rs->getInt64(1);
            r.unfinished_fen = rs->getInt64(2);
            r.returned_fen = rs->getInt64(3);
        }
    }
    {
        mysql_statement select(db.prepare(
            "SELECT COALESCE(SUM(CASE WHEN t.kind = 'payout_success' THEN e.amount END), 0), "
            "COALESCE(SUM(CASE WHEN t.kind = 'payout_return' THEN e.amount END), 0) "
            "FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id "
            "WHERE t.merchant_id = ? AND t.kind IN ('payout_success', 'payout_return')"));
        select->setUInt64(1, merchant_id);
        rows rs(select->executeQuery());
        if (rs->next()) {
            r.succeeded_ledger_fen = rs->getInt64(1);
            r.returned_ledger_fen = rs->getInt64(2);
        }
    }
    {
        mysql_statement select(db.prepare(
            "SELECT COALESCE(SUM(-balance), 0) FROM ledger_accounts WHERE merchant_id = ? AND kind = 'payout_in_flight'"));
        select->setUInt64(1, merchant_id);
        rows rs(select->executeQuery());
        if (rs->next()) r.in_flight_ledger_fen = rs->getInt64(1);
    }
    {
        mysql_statement select(db.prepare(
            "SELECT id FROM payouts WHERE merchant_id = ? AND wechat_state IN ('SUCCESS', 'FAIL', 'CANCELLED') AND "
            "state <> CASE wechat_state WHEN 'SUCCESS' THEN 'succeeded' WHEN 'FAIL' THEN 'failed' ELSE 'cancelled' END ORDER BY id LIMIT 100"));
        select->setUInt64(1, merchant_id);
        rows rs(select->executeQuery());
        while (rs->next()) r.disagreeing.push_back(rs->getUInt64(1));
    }
    return r;
}

}  // namespace sharedstore
