#pragma once
// Aggregates for the partner's summary and the merchant's reports. Blocking: call through
// mysql_pool. Times are SQL DATETIME text in UTC.
#include "common/mysql_connection.hpp"
#include "server/domain/order_vocabulary.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// Dividends net of reversals, in fen.
struct dividend_totals {
    std::int64_t today = 0, this_month = 0, total = 0, pending = 0, settled = 0;
};
dividend_totals partner_dividend_totals(mysql_connection& db, std::uint64_t partner_user_id, const std::string& today_start,
                                        const std::string& month_start);

struct stored_value_line {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::int64_t balance_fen = 0;
};
std::vector<stored_value_line> stored_value_balances(mysql_connection& db, std::uint64_t user_id);

struct partner_dividend_line {
    std::uint64_t partner_id = 0;
    std::uint64_t partner_user_id = 0;
    std::int64_t orders = 0, dividend_fen = 0, reversed_fen = 0, pending_fen = 0;
};
// Per partner of a store, dividends of orders paid in [from, to).
std::vector<partner_dividend_line> dividends_by_partner(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                        const std::string& to);

// A store's money over [from, to): each figure from the business tables, and the same movements
// as the ledger recorded them; a report balances when each pair agrees.
struct reconciliation_figures {
    std::int64_t paid_orders = 0;
    std::int64_t purchases_fen = 0, purchases_wechat_fen = 0, purchases_stored_value_fen = 0, purchases_pos_fen = 0;
    std::int64_t buy_ins_fen = 0;  // cash at the desk and WeChat Pay
    std::int64_t refunds_fen = 0;  // of purchases
    std::int64_t buy_in_refunds_fen = 0;
    std::int64_t stored_value_refunds_fen = 0;  // of purchases paid with stored value: back to the balance
    std::int64_t profit_fen = 0;
    std::int64_t dividends_fen = 0, reversals_fen = 0;
    // Ledger, net movement over the window by account kind (natural sign).
    std::int64_t ledger_sales_fen = 0, ledger_dividend_expense_fen = 0, ledger_stored_value_fen = 0;
};
reconciliation_figures reconciliation(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to);

// A genuine WeChat Pay notification refused and kept (order_service): what the store sees of it.
struct payment_anomaly_record {
    std::uint64_t id = 0;
    std::optional<std::uint64_t> order_id;
    std::string out_trade_no;  // the order's, empty without one
    payment_anomaly_kind kind = payment_anomaly_kind::payment_mismatch;
    std::string reference;  // WeChat Pay's transaction or refund id
    std::string detail;
    std::chrono::system_clock::time_point created_at;
};
// The store's anomalies, newest first, ids below `before_id` (0: from the newest). Anomalies that
// name no store (a refund of an order we never had) are the platform's and never listed here.
std::vector<payment_anomaly_record> list_payment_anomalies(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit);

}  // namespace sharedstore
