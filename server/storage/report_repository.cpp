#include "server/storage/report_repository.hpp"

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

// SUM() of BIGINT is DECIMAL: cast back, and 0 for no rows.
std::string sum(const std::string& expression) { return "CAST(COALESCE(SUM(" + expression + "), 0) AS SIGNED)"; }

std::int64_t single(sql::PreparedStatement& s) {
    rows rs(s.executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace

dividend_totals partner_dividend_totals(mysql_connection& db, std::uint64_t partner_user_id, const std::string& today_start,
                                        const std::string& month_start) {
    const std::string net = "amount_fen - reversed_fen";
    statement select(db.prepare("SELECT " + sum("CASE WHEN paid_at >= ? THEN " + net + " END") + ", " +
                                         sum("CASE WHEN paid_at >= ? THEN " + net + " END") + ", " + sum(net) + ", " +
                                         sum("CASE WHEN settled_at IS NULL THEN " + net + " END") + ", " +
                                         sum("CASE WHEN settled_at IS NOT NULL THEN " + net + " END") +
                                         " FROM dividends WHERE partner_user_id = ?"));
    select->setString(1, today_start);
    select->setString(2, month_start);
    select->setUInt64(3, partner_user_id);
    rows rs(select->executeQuery());
    rs->next();
    return {rs->getInt64(1), rs->getInt64(2), rs->getInt64(3), rs->getInt64(4), rs->getInt64(5)};
}

std::vector<stored_value_line> stored_value_balances(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare(
        "SELECT a.merchant_id, m.name, -a.balance FROM ledger_accounts a JOIN merchants m ON m.id = a.merchant_id "
        "WHERE a.kind = 'stored_value' AND a.user_id = ? ORDER BY a.merchant_id"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    std::vector<stored_value_line> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getString(2), rs->getInt64(3)});
    return out;
}

std::vector<partner_dividend_line> dividends_by_partner(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                        const std::string& to) {
    statement select(db.prepare(
        "SELECT partner_id, partner_user_id, COUNT(*), " + sum("amount_fen") + ", " + sum("reversed_fen") + ", " +
        sum("CASE WHEN settled_at IS NULL THEN amount_fen - reversed_fen END") +
        " FROM dividends WHERE merchant_id = ? AND paid_at >= ? AND paid_at < ? GROUP BY partner_id, partner_user_id ORDER BY partner_id LIMIT 1000"));
    select->setUInt64(1, merchant_id);
    select->setString(2, from);
    select->setString(3, to);
    rows rs(select->executeQuery());
    std::vector<partner_dividend_line> out;
    while (rs->next()) out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getInt64(3), rs->getInt64(4), rs->getInt64(5), rs->getInt64(6)});
    return out;
}

reconciliation_figures reconciliation(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to) {
    reconciliation_figures r;
    {
        statement s(db.prepare(
            "SELECT COUNT(*), " + sum("CASE WHEN kind = 'purchase' THEN amount_fen END") + ", " +
            sum("CASE WHEN kind = 'purchase' AND source = 'wechat_pay' THEN amount_fen END") + ", " +
            sum("CASE WHEN kind = 'purchase' AND source = 'stored_value' THEN amount_fen END") + ", " +
            sum("CASE WHEN kind = 'purchase' AND source = 'pos' THEN amount_fen END") + ", " + sum("profit_fen") +
            " FROM orders WHERE merchant_id = ? AND status = 'paid' AND paid_at >= ? AND paid_at < ?"));
        s->setUInt64(1, merchant_id);
        s->setString(2, from);
        s->setString(3, to);
        rows rs(s->executeQuery());
        rs->next();
        r.paid_orders = rs->getInt64(1);
        r.purchases_fen = rs->getInt64(2);
        r.purchases_wechat_fen = rs->getInt64(3);
        r.purchases_stored_value_fen = rs->getInt64(4);
        r.purchases_pos_fen = rs->getInt64(5);
        r.profit_fen = rs->getInt64(6);
    }
    auto window_sum = [&](const std::string& query) {
        statement s(db.prepare(query));
        s->setUInt64(1, merchant_id);
        s->setString(2, from);
        s->setString(3, to);
        return single(*s);
    };
    r.buy_ins_fen = window_sum("SELECT " + sum("amount_fen") + " FROM partner_buy_ins WHERE merchant_id = ? AND created_at >= ? AND created_at < ?");
    r.refunds_fen = window_sum("SELECT " + sum("f.amount_fen") + " FROM refunds f JOIN orders o ON o.id = f.order_id "
                               "WHERE f.merchant_id = ? AND o.kind = 'purchase' AND f.created_at >= ? AND f.created_at < ?");
    r.buy_in_refunds_fen = window_sum("SELECT " + sum("f.amount_fen") + " FROM refunds f JOIN orders o ON o.id = f.order_id "
                                      "WHERE f.merchant_id = ? AND o.kind = 'buy_in' AND f.created_at >= ? AND f.created_at < ?");
    r.stored_value_refunds_fen = window_sum("SELECT " + sum("f.amount_fen") + " FROM refunds f JOIN orders o ON o.id = f.order_id "
                                            "WHERE f.merchant_id = ? AND o.kind = 'purchase' AND o.source = 'stored_value' "
                                            "AND f.created_at >= ? AND f.created_at < ?");
    r.dividends_fen = window_sum("SELECT " + sum("amount_fen") + " FROM dividends WHERE merchant_id = ? AND paid_at >= ? AND paid_at < ?");
    r.reversals_fen = window_sum("SELECT " + sum("v.amount_fen") + " FROM dividend_reversals v JOIN dividends d ON d.id = v.dividend_id "
                                 "WHERE d.merchant_id = ? AND v.created_at >= ? AND v.created_at < ?");
    // Net movement of an account kind over the window: credits - debits (credit-normal) or the reverse.
    auto ledger_net = [&](const std::string& kind, bool credit_normal) {
        const std::string sign = credit_normal ? "-" : "";
        statement s(db.prepare(
            "SELECT " + sum(sign + "(CASE WHEN e.debit_account_id = a.id THEN e.amount ELSE -e.amount END)") +
            " FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id "
            "JOIN ledger_accounts a ON a.id IN (e.debit_account_id, e.credit_account_id) "
            "WHERE t.merchant_id = ? AND t.created_at >= ? AND t.created_at < ? AND a.kind = ?"));
        s->setUInt64(1, merchant_id);
        s->setString(2, from);
        s->setString(3, to);
        s->setString(4, kind);
        return single(*s);
    };
    r.ledger_sales_fen = ledger_net("sales", true);
    r.ledger_dividend_expense_fen = ledger_net("dividend_expense", false);
    r.ledger_stored_value_fen = ledger_net("stored_value", true);
    return r;
}

std::vector<payment_anomaly_record> list_payment_anomalies(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit) {
    statement select(db.prepare("SELECT a.id, a.order_id, COALESCE(o.out_trade_no, ''), a.kind, a.reference, a.detail, " + sql_micros("a.created_at") +
                                " FROM payment_anomalies a LEFT JOIN orders o ON o.id = a.order_id "
                                "WHERE a.merchant_id = ? AND (? = 0 OR a.id < ?) ORDER BY a.id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, before_id);
    select->setUInt64(3, before_id);
    select->setInt(4, limit);
    rows rs(select->executeQuery());
    std::vector<payment_anomaly_record> out;
    while (rs->next()) {
        const auto kind = parse_payment_anomaly_kind(std::string(rs->getString(4)));
        // Written only by record_payment_anomaly: another value is a schema this code does not know.
        if (!kind) throw std::logic_error("payment_anomalies: unknown kind " + std::string(rs->getString(4)));
        payment_anomaly_record a{.id = rs->getUInt64(1),
                                 .order_id = std::nullopt,
                                 .out_trade_no = rs->getString(3),
                                 .kind = *kind,
                                 .reference = rs->getString(5),
                                 .detail = rs->getString(6),
                                 .created_at = from_micros(rs->getInt64(7))};
        if (!rs->isNull(2)) a.order_id = rs->getUInt64(2);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace sharedstore
