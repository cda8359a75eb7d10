#pragma once
// The alliance's set-up in MariaDB (schema/0018_alliance_setup.sql, docs/alliance.md): platform
// operators, pool configuration versions, admitted merchants and their concession versions.
// Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/alliance_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// The alliance's one lock (the platform book's row, FOR UPDATE): a pool configuration change and a
// concession change wait for each other, so that each is checked against the other's newest value.
void lock_alliance(mysql_connection& db);

// A user granted the platform operator role and not revoked.
bool is_platform_operator(mysql_connection& db, std::uint64_t user_id);
// Grants (or grants again after a revocation); false when the user does not exist.
bool grant_platform_operator(mysql_connection& db, std::uint64_t user_id, const std::string& granted_by, std::chrono::system_clock::time_point at);

struct pool_config_version {
    int version = 0;  // 0: never set, the defaults
    alliance_pool_config config;
    std::uint64_t created_by_user_id = 0;
    std::chrono::system_clock::time_point created_at{};
};
// Newest first, at most `limit`.
std::vector<pool_config_version> list_pool_config_versions(mysql_connection& db, int limit);
// The version in force (the defaults, version 0, when none was set).
pool_config_version pool_config_in_force(mysql_connection& db);
pool_config_version insert_pool_config_version(mysql_connection& db, const alliance_pool_config& config, std::uint64_t created_by,
                                               std::chrono::system_clock::time_point at);

struct concession_version {
    int version = 0;
    int concession_bp = 0;
    int voucher_max_bp = 0;
    std::chrono::system_clock::time_point effective_from{};
    std::uint64_t created_by_user_id = 0;
};
struct alliance_member {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::uint64_t admitted_by_user_id = 0;
    std::chrono::system_clock::time_point admitted_at{};
    std::optional<concession_version> concession;  // the newest; none until the merchant sets one
};

std::optional<alliance_member> find_alliance_member(mysql_connection& db, std::uint64_t merchant_id);
// Admitted merchants, highest merchant id first, at most `limit` below `before_merchant_id` (0: no bound).
std::vector<alliance_member> list_alliance_members(mysql_connection& db, std::uint64_t before_merchant_id, int limit);
// False when the merchant was admitted already.
bool insert_alliance_member(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t admitted_by, std::chrono::system_clock::time_point at);
// Newest first.
std::vector<concession_version> list_concession_versions(mysql_connection& db, std::uint64_t merchant_id, int limit);
// The version in force at `at` (the newest set at or before it).
std::optional<concession_version> concession_at(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point at);
concession_version insert_concession_version(mysql_connection& db, std::uint64_t merchant_id, int concession_bp, int voucher_max_bp,
                                             std::uint64_t created_by, std::chrono::system_clock::time_point at);
// The lowest concession in force among admitted merchants (none: no merchant has set one yet). The
// pool's lock_bp is checked against it; a merchant lowering its concession is checked against lock_bp.
std::optional<int> lowest_concession_bp(mysql_connection& db);

}  // namespace sharedstore
