#pragma once
// Fan locks in MariaDB (schema/0019_alliance_accrual.sql, docs/alliance.md "Fan locks"): each
// consumer locked to at most one member store platform-wide, the first touch winning on the
// primary key like lead ownership; every lock and operator reassignment audited. Blocking.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct fan_lock {
    std::uint64_t user_id = 0;
    std::uint64_t merchant_id = 0;
    std::string source;  // claim | qr | payment | operator
    std::chrono::system_clock::time_point locked_at{};
};

struct fan_change {
    std::uint64_t id = 0;
    std::optional<std::uint64_t> from_merchant_id;
    std::uint64_t to_merchant_id = 0;
    std::string source, reason;
    std::optional<std::uint64_t> changed_by_user_id;
    std::chrono::system_clock::time_point changed_at{};
};

// `lock`: "update" or "share" (the row read locked) or "" (a plain read).
std::optional<fan_lock> find_fan_lock(mysql_connection& db, std::uint64_t user_id, const std::string& lock = "");
// The lock in force after a touch by `merchant_id`: a new one (audited) when the user had none, or
// the earlier one. Concurrent first touches race on the primary key: the loser reads the winner's.
fan_lock touch_fan_lock(mysql_connection& db, std::uint64_t user_id, std::uint64_t merchant_id, const std::string& source,
                        std::chrono::system_clock::time_point at);
// The operator moves the fan (the row locked by the caller); audited with who and why.
void reassign_fan_lock(mysql_connection& db, std::uint64_t user_id, std::optional<std::uint64_t> from_merchant_id, std::uint64_t to_merchant_id,
                       std::uint64_t operator_user_id, const std::string& reason, std::chrono::system_clock::time_point at);
// Consumers locked to the store.
std::int64_t count_fans(mysql_connection& db, std::uint64_t merchant_id);
// Newest first.
std::vector<fan_change> list_fan_changes(mysql_connection& db, std::uint64_t user_id, int limit);

}  // namespace sharedstore
