#include "server/storage/ledger_check.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

std::vector<std::string> offending_ids(mysql_connection& db, const std::string& query) {
    mysql_statement select(db.prepare(query + " LIMIT 100"));
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    std::vector<std::string> ids;
    while (rs->next()) ids.push_back(rs->getString(1));
    return ids;
}

}  // namespace

std::vector<ledger_check_result> check_ledger(mysql_connection& db) {
    const std::vector<std::pair<std::string, std::string>> checks{
        // An entry moves a positive amount from one account to another, so a transaction whose
        // entries are all such sums to zero (its debits equal its credits).
        {"every ledger transaction has entries, each a positive amount between two accounts (so it sums to zero)",
         "SELECT CONCAT('transaction ', t.id) FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id "
         "GROUP BY t.id HAVING COUNT(e.id) = 0 OR MIN(e.amount_fen) <= 0 OR SUM(e.debit_account_id = e.credit_account_id) > 0"},
        {"every account's balance equals its entries",
         "SELECT CONCAT('account ', a.id) FROM ledger_accounts a WHERE a.balance_fen <> "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries WHERE debit_account_id = a.id) - "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries WHERE credit_account_id = a.id)"},
        {"every entry stays within its transaction's store",
         "SELECT CONCAT('entry ', e.id) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id "
         "JOIN ledger_accounts d ON d.id = e.debit_account_id JOIN ledger_accounts c ON c.id = e.credit_account_id "
         "WHERE d.merchant_id <> t.merchant_id OR c.merchant_id <> t.merchant_id"},
        {"every paid order of an owned customer has exactly one dividend, and no other order has one",
         "SELECT CONCAT('order ', o.id) FROM orders o LEFT JOIN dividends d ON d.order_id = o.id "
         "WHERE (o.status = 'paid' AND o.dividend_due <> (d.id IS NOT NULL)) OR (o.status <> 'paid' AND d.id IS NOT NULL)"},
        {"every dividend is floor(profit x ratio / 10000) of its order's profit",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d JOIN orders o ON o.id = d.order_id "
         "WHERE d.profit_fen <> o.profit_fen OR d.amount_fen <> FLOOR(d.profit_fen * d.ratio_bp / 10000)"},
        {"every paid order has its ledger transaction",
         "SELECT CONCAT('order ', o.id) FROM orders o LEFT JOIN ledger_transactions t ON t.kind = 'order_paid' "
         "AND t.reference = CONCAT('order:', o.id) WHERE o.status = 'paid' AND t.id IS NULL"},
        {"no refund reverses more than its order paid",
         "SELECT CONCAT('order ', o.id) FROM orders o WHERE o.refunded_fen > o.amount_fen OR o.refunded_fen <> "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM refunds f WHERE f.order_id = o.id) OR (o.status <> 'paid' AND o.refunded_fen <> 0)"},
        {"every refund has its ledger transaction",
         "SELECT CONCAT('refund ', f.id) FROM refunds f LEFT JOIN ledger_transactions t ON t.kind = 'refund' "
         "AND t.reference = CONCAT('refund:', f.id) WHERE t.id IS NULL"},
        {"no dividend is reversed beyond what it paid, and reversals add up",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d WHERE d.reversed_fen > d.amount_fen OR d.reversed_fen <> "
         "(SELECT COALESCE(SUM(amount_fen), 0) FROM dividend_reversals v WHERE v.dividend_id = d.id)"},
        {"a fully refunded order's dividend is fully reversed",
         "SELECT CONCAT('dividend ', d.id) FROM dividends d JOIN orders o ON o.id = d.order_id "
         "WHERE o.refunded_fen = o.amount_fen AND d.reversed_fen <> d.amount_fen"},
    };
    std::vector<ledger_check_result> results;
    for (const auto& [name, query] : checks) results.push_back({name, offending_ids(db, query)});
    return results;
}

}  // namespace sharedstore
