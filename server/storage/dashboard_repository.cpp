#include "server/storage/dashboard_repository.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

namespace sharedstore {

namespace {

using rows = std::unique_ptr<sql::ResultSet>;

// SUM() of BIGINT is DECIMAL: cast back, and 0 for no rows.
std::string sum(const std::string& expression) { return "CAST(COALESCE(SUM(" + expression + "), 0) AS SIGNED)"; }

// The local date of a UTC DATETIME column, as text.
std::string local_date(const std::string& column) { return "DATE_FORMAT(" + column + " + INTERVAL ? MINUTE, '%Y-%m-%d')"; }

// Runs a per-day query (parameters: offset, merchant, from, to) and hands each row to `read`.
template <class Read>
void per_day(mysql_connection& db, const std::string& query, std::uint64_t merchant_id, const std::string& from, const std::string& to,
             int offset, Read read) {
    mysql_statement s(db.prepare(query));
    s->setInt(1, offset);
    s->setUInt64(2, merchant_id);
    s->setString(3, from);
    s->setString(4, to);
    rows rs(s->executeQuery());
    while (rs->next()) read(*rs);
}

}  // namespace

std::vector<dashboard_day> dashboard_days(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                          int utc_offset_minutes) {
    std::map<std::string, dashboard_day> days;
    auto day = [&](const sql::ResultSet& row) -> dashboard_day& {
        const std::string date = row.getString(1);
        auto& d = days[date];
        d.date = date;
        return d;
    };
    // Purchases paid in the window (buy-ins are stored value, not sales).
    per_day(db,
            "SELECT " + local_date("paid_at") + " AS d, COUNT(*), " + sum("amount_fen") + ", " + sum("profit_fen") +
                " FROM orders WHERE merchant_id = ? AND status = 'paid' AND kind = 'purchase' AND paid_at >= ? AND paid_at < ? GROUP BY d",
            merchant_id, from, to, utc_offset_minutes, [&](const sql::ResultSet& row) {
                auto& d = day(row);
                d.orders = row.getInt64(2);
                d.sales_fen = row.getInt64(3);
                d.profit_fen = row.getInt64(4);
            });
    // Refunds of purchases, on the day they were made.
    per_day(db,
            "SELECT " + local_date("f.created_at") + " AS d, " + sum("f.amount_fen") +
                " FROM refunds f JOIN orders o ON o.id = f.order_id"
                " WHERE f.merchant_id = ? AND o.kind = 'purchase' AND f.created_at >= ? AND f.created_at < ? GROUP BY d",
            merchant_id, from, to, utc_offset_minutes, [&](const sql::ResultSet& row) { day(row).refunds_fen = row.getInt64(2); });
    // Dividends of the orders paid that day, net of their reversals so far.
    const std::string net = "amount_fen - reversed_fen";
    per_day(db,
            "SELECT " + local_date("paid_at") + " AS d, " + sum(net) + ", " + sum("CASE WHEN settled_at IS NULL THEN " + net + " END") + ", " +
                sum("CASE WHEN settled_at IS NOT NULL THEN " + net + " END") +
                " FROM dividends WHERE merchant_id = ? AND paid_at >= ? AND paid_at < ? GROUP BY d",
            merchant_id, from, to, utc_offset_minutes, [&](const sql::ResultSet& row) {
                auto& d = day(row);
                d.dividends_fen = row.getInt64(2);
                d.dividends_pending_fen = row.getInt64(3);
                d.dividends_settled_fen = row.getInt64(4);
            });
    // Customers whose first purchase at the store was that day.
    per_day(db,
            "SELECT " + local_date("first_purchase_at") +
                " AS d, COUNT(*) FROM store_customers WHERE merchant_id = ? AND first_purchase_at >= ? AND first_purchase_at < ? GROUP BY d",
            merchant_id, from, to, utc_offset_minutes, [&](const sql::ResultSet& row) { day(row).new_customers = row.getInt64(2); });
    std::vector<dashboard_day> out;
    out.reserve(days.size());
    for (auto& [date, d] : days) out.push_back(std::move(d));
    return out;
}

std::vector<dashboard_partner_line> dashboard_top_partners(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                           const std::string& to, int limit) {
    mysql_statement s(db.prepare("SELECT d.partner_id, d.partner_user_id, COUNT(*), " + sum("o.amount_fen") + ", " +
                                 sum("d.amount_fen - d.reversed_fen") +
                                 " AS net FROM dividends d JOIN orders o ON o.id = d.order_id"
                                 " WHERE d.merchant_id = ? AND d.paid_at >= ? AND d.paid_at < ?"
                                 " GROUP BY d.partner_id, d.partner_user_id ORDER BY net DESC, d.partner_id LIMIT ?"));
    s->setUInt64(1, merchant_id);
    s->setString(2, from);
    s->setString(3, to);
    s->setInt(4, limit);
    rows rs(s->executeQuery());
    std::vector<dashboard_partner_line> out;
    while (rs->next())
        out.push_back({.partner_id = rs->getUInt64(1), .user_id = rs->getUInt64(2), .orders = rs->getInt64(3), .sales_fen = rs->getInt64(4),
                       .dividends_fen = rs->getInt64(5)});
    return out;
}

}  // namespace sharedstore
