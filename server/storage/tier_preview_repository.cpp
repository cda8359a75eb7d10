#include "server/storage/tier_preview_repository.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

const std::string preview_partner_columns =
    "SELECT p.id, p.user_id, p.status, p.inactive_dividends, p.total_buy_in_fen, COALESCE(u.phone, '') "
    "FROM partners p JOIN users u ON u.id = p.user_id WHERE p.merchant_id = ? ";

preview_partner read_preview_partner(sql::ResultSet& rs) {
    const auto status = parse_partner_status(std::string(rs.getString(3)));
    const auto when_inactive = parse_inactive_dividends(std::string(rs.getString(4)));
    if (!status || !when_inactive) throw std::logic_error("partners: unknown status or inactive_dividends value");
    // As apply_order_paid builds them (order_payments.cpp, load_purchase_facts).
    return {.facts = {.id = rs.getUInt64(1),
                      .user_id = rs.getUInt64(2),
                      .active = *status == partner_status::active,
                      .inactive_keeps_paying = *when_inactive == inactive_dividends::keep_paying,
                      .total_buy_in_fen = rs.getInt64(5)},
            .status = *status,
            .phone = rs.getString(6)};
}

}  // namespace

std::vector<preview_partner> list_preview_partners(mysql_connection& db, std::uint64_t merchant_id, int limit) {
    statement select(db.prepare(preview_partner_columns + "ORDER BY p.id LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setInt(2, limit);
    rows rs(select->executeQuery());
    std::vector<preview_partner> out;
    while (rs->next()) out.push_back(read_preview_partner(*rs));
    return out;
}

std::optional<preview_partner> find_preview_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id) {
    statement select(db.prepare(preview_partner_columns + "AND p.id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, partner_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_preview_partner(*rs);
}

std::vector<replayed_order> paid_purchases_after(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                 const std::string& to, std::uint64_t after_id, int limit) {
    // ix_orders_merchant (merchant_id, id) walks the store's orders from `after_id` on; the owner
    // comes from ix_lead_history_customer, newest entry first.
    statement select(db.prepare(
        "SELECT o.id, o.amount_fen, o.refunded_fen, o.pos_profit_fen, COALESCE(o.category, ''), o.customer_user_id, o.tier_version_id, "
        "(SELECT h.partner_id FROM lead_history h WHERE h.merchant_id = o.merchant_id AND h.customer_user_id = o.customer_user_id "
        "AND h.created_at <= o.paid_at ORDER BY h.id DESC LIMIT 1), "
        "COALESCE(d.amount_fen - d.reversed_fen, 0) "
        "FROM orders o LEFT JOIN dividends d ON d.order_id = o.id "
        "WHERE o.merchant_id = ? AND o.id > ? AND o.status = 'paid' AND o.kind = 'purchase' AND o.paid_at >= ? AND o.paid_at < ? "
        "ORDER BY o.id LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, after_id);
    select->setString(3, from);
    select->setString(4, to);
    select->setInt(5, limit);
    rows rs(select->executeQuery());
    std::vector<replayed_order> out;
    out.reserve(static_cast<std::size_t>(limit));
    auto optional_id = [&](int column) { return rs->isNull(column) ? std::nullopt : std::optional(rs->getUInt64(column)); };
    while (rs->next()) {
        out.push_back({.order_id = rs->getUInt64(1),
                       .amount_fen = rs->getInt64(2),
                       .refunded_fen = rs->getInt64(3),
                       .pos_profit_fen = rs->isNull(4) ? std::nullopt : std::optional(rs->getInt64(4)),
                       .category = rs->getString(5),
                       .customer_user_id = optional_id(6),
                       .tier_version_id = optional_id(7),
                       .owner_partner_id = optional_id(8),
                       .recorded_dividend_fen = rs->getInt64(9)});
    }
    return out;
}

}  // namespace sharedstore
