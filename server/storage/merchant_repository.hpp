#pragma once
// Stores, staff and tier versions in MariaDB. Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/share_tiers.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

enum class staff_role { owner, manager, cashier };
std::string_view to_string(staff_role role);
std::optional<staff_role> parse_staff_role(std::string_view text);

struct merchant_record {
    std::uint64_t id = 0;
    std::string name;
    std::uint64_t owner_user_id = 0;
    std::string time_zone;
    bool allow_existing_customers = false;
    bool cards_for_owned_customers = false;
    std::optional<int> protection_days;
    std::chrono::system_clock::time_point created_at;
    int settlement_delay_days = 7;  // dividends stay pending this long after payment (refunds)
    bool has_member_program = false;  // docs/members.md: read with the row, so a store without one costs its orders nothing more
    bool has_bonus_config = false;    // docs/bonus.md: likewise, a store without one runs no bonus effect
};

struct staff_member {
    std::uint64_t user_id = 0;
    staff_role role = staff_role::cashier;
    std::uint64_t added_by_user_id = 0;
    std::chrono::system_clock::time_point created_at;
};

struct tier_version_record {
    std::uint64_t id = 0;  // tier_versions.id, which orders and dividends record
    int version = 0;
    std::int32_t profit_margin_bp = 0;
    std::map<std::string, std::int32_t> category_margins_bp;
    std::vector<share_tier> tiers;  // by buy-in, ascending
    std::uint64_t created_by_user_id = 0;
    std::chrono::system_clock::time_point created_at;
};

struct merchant_settings {
    bool allow_existing_customers = false;
    bool cards_for_owned_customers = false;
    std::optional<int> protection_days;
    int settlement_delay_days = 7;
};

// Inserts the store and its owner's staff row; run inside a transaction.
std::uint64_t insert_merchant(mysql_connection& db, const std::string& name, const std::string& time_zone, std::uint64_t owner_user_id);
std::optional<merchant_record> find_merchant(mysql_connection& db, std::uint64_t merchant_id);
// The store's row, locked: writers of rules that check each other (tiers and the bonus
// configuration) take it first, so neither validates against a row the other is replacing.
void lock_merchant(mysql_connection& db, std::uint64_t merchant_id);
void update_merchant_settings(mysql_connection& db, std::uint64_t merchant_id, const merchant_settings& settings);
std::optional<staff_role> find_staff_role(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);
std::vector<staff_member> list_staff(mysql_connection& db, std::uint64_t merchant_id);
// Adds a member or changes their role (never the owner's: callers check).
void upsert_staff(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, staff_role role, std::uint64_t added_by);
bool delete_staff(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);
bool user_exists(mysql_connection& db, std::uint64_t user_id);

// Writes the next version (1, 2, ...); run inside a transaction (it locks the store's row so two
// concurrent changes get consecutive versions).
int insert_tier_version(mysql_connection& db, std::uint64_t merchant_id, std::int32_t profit_margin_bp,
                        const std::map<std::string, std::int32_t>& category_margins_bp, std::vector<share_tier> tiers,
                        std::uint64_t created_by);
// Newest first, at most `limit`.
std::vector<tier_version_record> list_tier_versions(mysql_connection& db, std::uint64_t merchant_id, int limit);
// The version in force at `at` (a DATETIME text in UTC, "2026-11-27 08:00:00.000000"): the newest
// created at or before it. nullopt when the store had no tiers then.
std::optional<tier_version_record> find_tier_version_at(mysql_connection& db, std::uint64_t merchant_id, const std::string& at);
// The versions in force at some moment of [from, to) (DATETIME texts in UTC): the one in force at
// `from` and every one created after it before `to`, newest first, at most `limit`. Any order paid
// in the window was priced with one of them.
// One version of the store by its id (tier_versions.id); nullopt: not the store's.
std::optional<tier_version_record> find_tier_version(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t version_id);
std::vector<tier_version_record> list_tier_versions_in_window(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                              const std::string& to, int limit);

}  // namespace sharedstore
