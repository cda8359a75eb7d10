#pragma once
// Supply orders in MariaDB (schema/0024_alliance_supply_and_earmarks.sql, docs/alliance.md
// "Supply orders"): the platform's bills to member stores, what a paid one drew from each of the
// store's voucher credits, and the credit its refund gives back. Blocking: call through
// mysql_pool, in the transaction that posts their ledger entries.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct supply_order {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string reference, description;
    std::int64_t amount_fen = 0;
    std::string state;  // open | paid | cancelled | refunded
    std::optional<int> voucher_max_bp;  // the cap in force when paid
    std::int64_t voucher_fen = 0;
    std::uint64_t issued_by_user_id = 0;
    std::optional<std::uint64_t> paid_by_user_id, ended_by_user_id;
    std::string end_reason;
    std::chrono::system_clock::time_point created_at{};
    std::optional<std::chrono::system_clock::time_point> paid_at, ended_at;
};

std::optional<supply_order> find_supply_order(mysql_connection& db, std::uint64_t id, bool lock);
std::optional<supply_order> find_supply_order_by_reference(mysql_connection& db, std::uint64_t merchant_id, const std::string& reference,
                                                           bool lock);
// Newest first; `merchant_id` 0: every store's; `state` empty: any; `before` 0: from the newest.
std::vector<supply_order> list_supply_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& state, std::uint64_t before,
                                             int limit);
// The new order's id. A concurrent issue of the same bill throws the database's duplicate-key error:
// the transaction runs again (mysql_pool::conflicts::rerun_on_duplicate_key) and finds it.
std::uint64_t insert_supply_order(mysql_connection& db, const supply_order& order);
void mark_supply_order_paid(mysql_connection& db, std::uint64_t id, std::int64_t voucher_fen, int voucher_max_bp, std::uint64_t by,
                            std::chrono::system_clock::time_point at);
// cancelled (was open) or refunded (was paid), by whom and why.
void end_supply_order(mysql_connection& db, std::uint64_t id, const std::string& state, std::uint64_t by, const std::string& reason,
                      std::chrono::system_clock::time_point at);

// The store's vouchers spendable at `now` (credits not expired), locked, the soonest to expire first.
std::int64_t lock_store_spendable_vouchers(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now);
// The same figure, read without locking (for showing it).
std::int64_t spendable_store_vouchers(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now);
// Draws `fen` from them for the supply order (one draw row per credit). What it drew.
std::int64_t draw_store_vouchers(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t supply_order_id, std::int64_t fen,
                                 std::chrono::system_clock::time_point now);
// The latest end among the credits the order drew from (its refund's credit lasts at least that long).
std::optional<std::chrono::system_clock::time_point> supply_draws_latest_expiry(mysql_connection& db, std::uint64_t supply_order_id);
// A refund's return: one credit of the store (reason supply_return), `remaining_fen` of `fen` spendable.
void insert_supply_return_credit(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t supply_order_id, std::int64_t fen,
                                 std::int64_t remaining_fen, std::chrono::system_clock::time_point expires_at,
                                 std::chrono::system_clock::time_point at);

}  // namespace sharedstore
