#pragma once
// The region table and merchants' regions in MariaDB (schema/0028_region_codes.sql,
// schema/0029_promoters_and_centres.sql; docs/promoters-and-centres.md "Regions"). Blocking: call
// through mysql_pool.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct region_row {
    std::string code, level, name, parent_code;  // parent empty for a province
    bool has_children = false;
    int merchants = 0;  // merchants whose region is the code or lies under it (list_regions only)
};

std::optional<region_row> find_region(mysql_connection& db, const std::string& code);
// The units directly under `parent` ("" for the provinces), by code, with their merchant counts.
std::vector<region_row> list_regions(mysql_connection& db, const std::string& parent);
// Names of the codes given (absent codes are left out), for showing a chain.
std::vector<region_row> regions_named(mysql_connection& db, const std::vector<std::string>& codes);

struct region_change {
    std::optional<std::string> from_code;
    std::string to_code;
    std::string reason;
    std::uint64_t changed_by_user_id = 0;
    std::chrono::system_clock::time_point changed_at{};
};

// The merchant's region code, if set; `lock`: FOR UPDATE (a setting and a change serialise).
std::optional<std::string> merchant_region(mysql_connection& db, std::uint64_t merchant_id, bool lock);
// Sets it (the first time) or changes it, with its audit row.
void set_merchant_region(mysql_connection& db, std::uint64_t merchant_id, const std::optional<std::string>& from, const std::string& to,
                         const std::string& reason, std::uint64_t by, std::chrono::system_clock::time_point at);
std::vector<region_change> merchant_region_changes(mysql_connection& db, std::uint64_t merchant_id);

}  // namespace sharedstore
