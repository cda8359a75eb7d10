#pragma once
// A store's bonus configuration versions and the operator's cash sign-offs (schema 0017,
// docs/bonus.md).
#include "common/mysql_connection.hpp"
#include "server/domain/bonus_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace sharedstore {

// The next version of the store's configuration (two writers at once: the second meets the unique
// key, and its transaction runs again).
bonus_config_version insert_bonus_config_version(mysql_connection& db, std::uint64_t merchant_id, const bonus_config& config,
                                                 std::uint64_t created_by, std::chrono::system_clock::time_point at);
// Newest first.
std::vector<bonus_config_version> list_bonus_config_versions(mysql_connection& db, std::uint64_t merchant_id, int limit);
// The version in force at `at` (the newest created at or before it).
std::optional<bonus_config_version> find_bonus_config_at(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point at);

void insert_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id, const cash_sign_off& sign_off);
// The newest sign-off of the store, if any.
std::optional<cash_sign_off> find_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id);

}  // namespace sharedstore
