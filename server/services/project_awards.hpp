#pragma once
// Project awards (docs/bonus.md, business rules section 7): a campaign of the store's bonus
// configuration is judged once, when its last order's refund window has closed
// (project_award_due_at): its orders are read, compute_project_award names the winners within the
// winner limit and the budget, and each winner's award is cash owed (bonus_expense ->
// bonus_payable), one ledger transaction for the campaign. Sign-ups, claims and recruits never
// count; a partner's own purchases never count.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>

namespace sharedstore {

struct project_run_counts {
    int judged = 0, already = 0, waiting = 0;
};

// Every campaign due and not yet judged, on the terms of the newest version made by its end that
// holds it.
project_run_counts award_projects(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now);

}  // namespace sharedstore
