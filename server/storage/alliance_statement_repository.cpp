#include "server/storage/alliance_statement_repository.hpp"

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

const std::string statement_select =
    "SELECT s.id, s.merchant_id, m.name, s.period, " + sql_micros("s.period_start") + ", " + sql_micros("s.period_end") +
    ", s.concession_fen, s.supply_fen, s.reimbursement_fen, s.state, s.transfer_reference, s.settled_by_user_id, " + sql_micros("s.created_at") + ", " +
    sql_micros("s.settled_at") + " FROM alliance_statements s JOIN merchants m ON m.id = s.merchant_id ";

alliance_statement read_statement(sql::ResultSet& rs) {
    alliance_statement s;
    s.id = rs.getUInt64(1);
    s.merchant_id = rs.getUInt64(2);
    s.merchant_name = rs.getString(3);
    s.period = rs.getString(4);
    s.period_start = from_micros(rs.getInt64(5));
    s.period_end = from_micros(rs.getInt64(6));
    s.amounts = {rs.getInt64(7), rs.getInt64(8), rs.getInt64(9)};
    s.state = rs.getString(10);
    if (!rs.isNull(11)) s.transfer_reference = rs.getString(11);
    if (!rs.isNull(12)) s.settled_by_user_id = rs.getUInt64(12);
    s.created_at = from_micros(rs.getInt64(13));
    if (!rs.isNull(14)) s.settled_at = from_micros(rs.getInt64(14));
    return s;
}

}  // namespace

std::map<std::uint64_t, statement_amounts> month_movements(mysql_connection& db, time_point start, time_point end) {
    // Debits minus credits per account (each side through its own index), within the month by when
    // the transaction was written (recorded_at: a sale booked in an earlier month but reported
    // after that month's statement lands here); the statements' own settlements are not movements.
    const std::string side =
        " FROM ledger_accounts a JOIN ledger_entries e ON e.{side}_account_id = a.id JOIN ledger_transactions t ON t.id = e.transaction_id "
        "WHERE a.kind IN ('concession_payable', 'supply_payable', 'voucher_reimbursement_receivable') AND a.merchant_id <> 0 "
        "AND t.recorded_at >= ? AND t.recorded_at < ? AND t.kind <> 'alliance_settlement'";
    auto with = [&](const std::string& name) {
        auto text = side;
        text.replace(text.find("{side}"), 6, name);
        return text;
    };
    statement select(db.prepare("SELECT x.merchant_id, x.kind, SUM(x.amount) FROM (SELECT a.merchant_id, a.kind, e.amount" + with("debit") +
                                " UNION ALL SELECT a.merchant_id, a.kind, -e.amount" + with("credit") + ") x GROUP BY x.merchant_id, x.kind"));
    const auto from = format_sql_datetime_utc(start), to = format_sql_datetime_utc(end);
    select->setString(1, from);
    select->setString(2, to);
    select->setString(3, from);
    select->setString(4, to);
    rows rs(select->executeQuery());
    std::map<std::uint64_t, statement_amounts> out;
    while (rs->next()) {
        const auto merchant = rs->getUInt64(1);
        const auto kind = rs->getString(2);
        const auto debits_minus_credits = rs->getInt64(3);
        auto& a = out[merchant];
        // The payables are credit-normal (what the store owes), the receivable debit-normal.
        if (kind == "concession_payable") a.concession_fen = -debits_minus_credits;
        else if (kind == "supply_payable") a.supply_fen = -debits_minus_credits;
        else a.reimbursement_fen = debits_minus_credits;
    }
    for (auto it = out.begin(); it != out.end();) it = it->second.empty() ? out.erase(it) : std::next(it);
    return out;
}

bool insert_statement(mysql_connection& db, std::uint64_t merchant_id, const statement_period& period, const statement_amounts& a, time_point at) {
    statement insert(db.prepare("INSERT IGNORE INTO alliance_statements (merchant_id, period, period_start, period_end, concession_fen, supply_fen, "
                                "reimbursement_fen, net_fen, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'due', ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setString(2, period.label);
    insert->setString(3, format_sql_datetime_utc(period.start));
    insert->setString(4, format_sql_datetime_utc(period.end));
    insert->setInt64(5, a.concession_fen);
    insert->setInt64(6, a.supply_fen);
    insert->setInt64(7, a.reimbursement_fen);
    insert->setInt64(8, a.net_fen());
    insert->setString(9, format_sql_datetime_utc(at));
    return insert->executeUpdate() == 1;
}

std::optional<alliance_statement> find_statement(mysql_connection& db, std::uint64_t id, bool lock) {
    statement select(db.prepare(statement_select + "WHERE s.id = ?" + (lock ? " FOR UPDATE" : "")));
    select->setUInt64(1, id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_statement(*rs);
}

std::vector<alliance_statement> list_statements(mysql_connection& db, std::uint64_t merchant_id, const std::string& period, const std::string& state,
                                                std::uint64_t before, int limit) {
    statement select(db.prepare(statement_select +
                                "WHERE (? = 0 OR s.merchant_id = ?) AND (? = '' OR s.period = ?) AND (? = '' OR s.state = ?) AND (? = 0 OR s.id < ?) "
                                "ORDER BY s.id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, merchant_id);
    select->setString(3, period);
    select->setString(4, period);
    select->setString(5, state);
    select->setString(6, state);
    select->setUInt64(7, before);
    select->setUInt64(8, before);
    select->setInt(9, limit);
    rows rs(select->executeQuery());
    std::vector<alliance_statement> out;
    while (rs->next()) out.push_back(read_statement(*rs));
    return out;
}

bool statement_period_issued(mysql_connection& db, const std::string& period) {
    statement select(db.prepare("SELECT 1 FROM alliance_statement_periods WHERE period = ?"));
    select->setString(1, period);
    rows rs(select->executeQuery());
    return rs->next();
}

void mark_statement_period_issued(mysql_connection& db, const std::string& period, time_point at) {
    statement insert(db.prepare("INSERT IGNORE INTO alliance_statement_periods (period, issued_at) VALUES (?, ?)"));
    insert->setString(1, period);
    insert->setString(2, format_sql_datetime_utc(at));
    insert->executeUpdate();
}

void mark_statement_settled(mysql_connection& db, std::uint64_t id, const std::string& transfer_reference, std::uint64_t by, time_point at) {
    statement update(db.prepare("UPDATE alliance_statements SET state = 'settled', transfer_reference = ?, settled_by_user_id = ?, settled_at = ? "
                                "WHERE id = ? AND state = 'due'"));
    update->setString(1, transfer_reference);
    update->setUInt64(2, by);
    update->setString(3, format_sql_datetime_utc(at));
    update->setUInt64(4, id);
    if (update->executeUpdate() != 1) throw std::logic_error("statement " + std::to_string(id) + " is not due");
}

}  // namespace sharedstore
