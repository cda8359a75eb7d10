#pragma once
// Promoters and their merchants in MariaDB (schema/0029_promoters_and_centres.sql;
// docs/promoters-and-centres.md "Promoters"). Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/storage/sql_support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct promoter_record {
    std::uint64_t id = 0;
    std::uint64_t user_id = 0;
    std::string name;
    std::string invite_code;
    std::chrono::system_clock::time_point created_at{};
    int merchants = 0;  // bound now
};

// The new promoter's id. A user who is one already, or an invite code taken, is the database's
// duplicate-key error: the caller's transaction runs again (mysql_pool's rerun_on_duplicate_key),
// sees the other one and answers, or draws another code.
std::uint64_t insert_promoter(mysql_connection& db, std::uint64_t user_id, const std::string& name, const std::string& invite_code, std::uint64_t by,
                              std::chrono::system_clock::time_point at);
std::optional<promoter_record> find_promoter(mysql_connection& db, std::uint64_t id);
std::optional<promoter_record> find_promoter_by_invite(mysql_connection& db, const std::string& invite_code);
std::optional<promoter_record> find_promoter_by_user(mysql_connection& db, std::uint64_t user_id);
// Newest first.
std::vector<promoter_record> list_promoters(mysql_connection& db, std::uint64_t before, int limit);

struct promoter_binding {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::uint64_t promoter_id = 0;
    std::string promoter_name;
    std::string source;  // invite | operator
    std::chrono::system_clock::time_point bound_at{};
    std::optional<std::chrono::system_clock::time_point> term_started_at, term_ends_at;
};
// `lock`: FOR UPDATE on the binding's row alone; the names are then left empty.
std::optional<promoter_binding> merchant_promoter(mysql_connection& db, std::uint64_t merchant_id, bool lock);
// Binds the merchant (the first time, `from` empty) or moves it to another promoter (the term
// stays the merchant's), with its audit row.
void bind_merchant_promoter(mysql_connection& db, std::uint64_t merchant_id, std::optional<std::uint64_t> from, std::uint64_t to, const std::string& source,
                            const std::string& reason, std::uint64_t by, std::chrono::system_clock::time_point at);
// The merchant's first order settled while bound: the term starts.
void start_promoter_term(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point start,
                         std::chrono::system_clock::time_point end);
std::vector<promoter_binding> promoter_merchants(mysql_connection& db, std::uint64_t promoter_id);

struct promoter_change {
    std::optional<std::uint64_t> from_promoter_id;
    std::uint64_t to_promoter_id = 0;
    std::string source, reason;
    std::uint64_t changed_by_user_id = 0;
    std::chrono::system_clock::time_point changed_at{};
};
std::vector<promoter_change> merchant_promoter_changes(mysql_connection& db, std::uint64_t merchant_id);

}  // namespace sharedstore
