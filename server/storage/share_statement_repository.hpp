#pragma once
// The platform's net as it settles, and the statements of promoters and centres, in MariaDB
// (schema/0029_promoters_and_centres.sql; docs/promoters-and-centres.md "Settlement"). Blocking:
// call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/platform_net_shares.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// Who shares a line, and at what rate (0 and nullopt: the level was vacant).
struct net_line_shares {
    std::optional<std::uint64_t> promoter_id, county_centre_id, city_centre_id, province_centre_id;
    int promoter_bp = 0, county_bp = 0, city_bp = 0, province_bp = 0;
};

struct net_line {
    std::uint64_t merchant_id = 0;
    std::uint64_t order_id = 0;
    std::string kind;  // settled | reversal
    std::uint64_t refund_id = 0;
    std::int64_t net_fen = 0;
    std::optional<std::string> region_code;
    net_line_shares shares;
    std::chrono::system_clock::time_point recorded_at{};
};
void insert_net_line(mysql_connection& db, const net_line& line);
std::optional<net_line> find_settled_line(mysql_connection& db, std::uint64_t order_id);

// A payee: "promoter" or "centre" and its id.
struct payee_ref {
    std::string kind;
    std::uint64_t id = 0;
    friend auto operator<=>(const payee_ref&, const payee_ref&) = default;
};
struct payee_month {
    std::vector<rated_net> groups;  // the month's lines summed per rate
    std::int64_t base_fen = 0;
    int merchants = 0;
};
// Every payee with lines recorded in [start, end).
std::map<payee_ref, payee_month> month_payees(mysql_connection& db, std::chrono::system_clock::time_point start, std::chrono::system_clock::time_point end);
// Per promoter, its merchants with at least `min_orders` orders settled in [start, end) while it shared them.
std::map<std::uint64_t, int> assisted_merchants(mysql_connection& db, std::chrono::system_clock::time_point start, std::chrono::system_clock::time_point end,
                                                int min_orders);

struct share_statement {
    std::uint64_t id = 0;
    payee_ref payee;
    std::string payee_name;   // the promoter's name, or the centre's company
    std::string payee_level;  // "promoter", or the centre's level
    std::string payee_region; // the centre's region code ("" for a promoter)
    std::string period;
    std::chrono::system_clock::time_point period_start{}, period_end{};
    std::int64_t base_fen = 0, share_fen = 0, assist_fen = 0, carried_in_fen = 0, payable_fen = 0, carried_out_fen = 0;
    int merchants = 0;
    std::string state;  // due | paid | nothing_due
    std::string payment_reference, invoice_number;
    std::optional<std::uint64_t> paid_by_user_id;
    std::optional<std::chrono::system_clock::time_point> paid_at;
    std::chrono::system_clock::time_point created_at{};
};
// What the payee's latest statement before `period` carried on (0 without one), and whether it
// has a statement after `period` (the carry runs month by month: an earlier month is not issued then).
std::int64_t carried_before(mysql_connection& db, const payee_ref& payee, const std::string& period);
bool statement_after(mysql_connection& db, const payee_ref& payee, const std::string& period);
// true when inserted (its id set); false when the payee has its statement for the period already.
// A concurrent insert of the same one is the duplicate-key error (run with rerun_on_duplicate_key).
bool insert_share_statement(mysql_connection& db, share_statement& statement);
std::optional<share_statement> find_share_statement(mysql_connection& db, std::uint64_t id, bool lock);
// Newest first; `payee.kind` empty: every payee (`payee.id` 0: every one of the kind); period and state empty: any.
std::vector<share_statement> list_share_statements(mysql_connection& db, const payee_ref& payee, const std::string& period, const std::string& state,
                                                   std::uint64_t before, int limit);
void mark_share_statement_paid(mysql_connection& db, std::uint64_t id, const std::string& payment_reference, const std::string& invoice_number,
                               std::uint64_t by, std::chrono::system_clock::time_point at);
bool share_period_issued(mysql_connection& db, const std::string& period);
// When the first net line was recorded (none: nullopt).
std::optional<std::chrono::system_clock::time_point> first_net_line_at(mysql_connection& db);
void mark_share_period_issued(mysql_connection& db, const std::string& period, std::chrono::system_clock::time_point at);

// A statement's drill-down: its lines per merchant, and each reversal.
struct statement_merchant {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string region_code;
    std::int64_t settled_fen = 0;
    int settled_orders = 0;
    std::int64_t reversed_fen = 0;  // <= 0
    int reversals = 0;
};
struct statement_reversal {
    std::uint64_t merchant_id = 0;
    std::uint64_t order_id = 0;
    std::uint64_t refund_id = 0;
    std::int64_t net_fen = 0;  // < 0
    int rate_bp = 0;
    std::chrono::system_clock::time_point recorded_at{};
};
struct statement_breakdown {
    std::vector<statement_merchant> merchants;
    std::vector<statement_reversal> reversals;
};
statement_breakdown share_statement_breakdown(mysql_connection& db, const share_statement& statement);

}  // namespace sharedstore
