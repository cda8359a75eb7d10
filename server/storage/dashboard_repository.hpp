#pragma once
// The figures of a store's dashboard over a window of local days: sales, profit, refunds,
// dividends, new customers per local day, and the partners who earned most. Blocking: call through
// mysql_pool. `from`, `to`: SQL DATETIME text in UTC, to exclusive; `utc_offset_minutes`: the
// store's zone, so that a day is the store's day. Each query reads one store's rows of the window
// through an index on (merchant_id, time) (schema/0013_dashboard_indexes.sql).
#include "common/mysql_connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sharedstore {

// One local day ("2026-12-01"); amounts in fen. Dividends are those of orders paid that day,
// net of reversals; pending ones are not settled yet (still refundable).
struct dashboard_day {
    std::string date;
    std::int64_t orders = 0, sales_fen = 0, profit_fen = 0, refunds_fen = 0;
    std::int64_t dividends_fen = 0, dividends_pending_fen = 0, dividends_settled_fen = 0;
    std::int64_t new_customers = 0;
};

struct dashboard_partner_line {
    std::uint64_t partner_id = 0;
    std::uint64_t user_id = 0;
    std::int64_t orders = 0, sales_fen = 0, dividends_fen = 0;
};

// Only the days that had something, in no particular order.
std::vector<dashboard_day> dashboard_days(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                          int utc_offset_minutes);
// The `limit` partners with the most dividends (net) in the window, most first.
std::vector<dashboard_partner_line> dashboard_top_partners(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                           const std::string& to, int limit);

}  // namespace sharedstore
