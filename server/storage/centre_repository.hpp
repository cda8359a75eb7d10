#pragma once
// The sharing configuration and the service centres in MariaDB (schema/0029_promoters_and_centres.sql;
// docs/promoters-and-centres.md "Centres"). Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/platform_net_shares.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// The sharing settings' one lock: taken first (before any plain read fixes the transaction's
// snapshot) by appointments, early ends and configuration changes.
void lock_share_settings(mysql_connection& db);

struct net_share_config_version {
    int version = 0;  // 0: the defaults
    net_share_config config;
    std::optional<std::uint64_t> set_by_user_id;
    std::optional<std::chrono::system_clock::time_point> set_at;
};
// `lock`: FOR UPDATE on the newest row (changes and appointments serialise on it).
net_share_config_version net_share_config_in_force(mysql_connection& db, bool lock);
std::vector<net_share_config_version> net_share_config_history(mysql_connection& db);
void insert_net_share_config(mysql_connection& db, int version, const net_share_config& config, std::uint64_t by, std::chrono::system_clock::time_point at);

struct service_centre {
    std::uint64_t id = 0;
    std::string level;  // county | city | province
    std::string region_code, region_name;
    std::string name, contract_reference;
    std::optional<std::uint64_t> contact_user_id;
    int rate_bp = 0;
    std::chrono::sys_days starts_on{}, ends_on{};  // both in force
    std::uint64_t appointed_by_user_id = 0;
    std::chrono::system_clock::time_point appointed_at{};
    std::optional<std::chrono::system_clock::time_point> terminated_at;
    std::string termination_reason;
};

std::uint64_t insert_centre(mysql_connection& db, const service_centre& centre);
std::optional<service_centre> find_centre(mysql_connection& db, std::uint64_t id, bool lock);
std::optional<service_centre> find_centre_by_contract(mysql_connection& db, const std::string& contract_reference);
// Every contract on the code and level (any dates), oldest first.
std::vector<service_centre> centres_on(mysql_connection& db, const std::string& level, const std::string& region_code);
// The centre in force on `day` for the code and level, if any.
std::optional<service_centre> centre_in_force(mysql_connection& db, const std::string& level, const std::string& region_code, std::chrono::sys_days day);
// Newest first; filters empty / 0: any. `in_force_on`: only contracts covering that day.
std::vector<service_centre> list_centres(mysql_connection& db, const std::string& level, const std::string& region_prefix,
                                         std::optional<std::chrono::sys_days> in_force_on, std::uint64_t before, int limit);
std::vector<service_centre> centres_of_contact(mysql_connection& db, std::uint64_t user_id);
// The highest rate of a level's contracts in force on or after `day` (a lowered level rate may not go below it).
int highest_rate_from(mysql_connection& db, const std::string& level, std::chrono::sys_days day);
void terminate_centre(mysql_connection& db, std::uint64_t id, std::chrono::sys_days ends_on, const std::string& reason,
                      std::chrono::system_clock::time_point at);

}  // namespace sharedstore
