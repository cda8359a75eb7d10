#pragma once
// Statements of member stores in MariaDB (schema/0025_alliance_statements.sql, docs/alliance.md
// "Settlement"): what moved on each store's alliance accounts in a month (read from the ledger),
// the statements, and their settlement. Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/alliance_settlement.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// Per store, what moved in [start, end) on its concession_payable, supply_payable and
// voucher_reimbursement_receivable (natural signs: what it owes, what it is owed), settlements
// left out. Stores where nothing moved are absent.
std::map<std::uint64_t, statement_amounts> month_movements(mysql_connection& db, std::chrono::system_clock::time_point start,
                                                            std::chrono::system_clock::time_point end);

struct alliance_statement {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string period;
    std::chrono::system_clock::time_point period_start{}, period_end{};
    statement_amounts amounts;
    std::string state;  // due | settled
    std::string transfer_reference;
    std::optional<std::uint64_t> settled_by_user_id;
    std::chrono::system_clock::time_point created_at{};
    std::optional<std::chrono::system_clock::time_point> settled_at;
};

// true when inserted; false when the store has its statement for the period already.
bool insert_statement(mysql_connection& db, std::uint64_t merchant_id, const statement_period& period, const statement_amounts& amounts,
                      std::chrono::system_clock::time_point at);
std::optional<alliance_statement> find_statement(mysql_connection& db, std::uint64_t id, bool lock);
// Newest first (by id); `merchant_id` 0: every store; `period`, `state` empty: any.
std::vector<alliance_statement> list_statements(mysql_connection& db, std::uint64_t merchant_id, const std::string& period, const std::string& state,
                                                std::uint64_t before, int limit);
// A month whose statements were all issued: the job does not read it again.
bool statement_period_issued(mysql_connection& db, const std::string& period);
void mark_statement_period_issued(mysql_connection& db, const std::string& period, std::chrono::system_clock::time_point at);

void mark_statement_settled(mysql_connection& db, std::uint64_t id, const std::string& transfer_reference, std::uint64_t by,
                            std::chrono::system_clock::time_point at);

}  // namespace sharedstore
