#pragma once
// The top-dealer dividend bonus of a store's period (docs/bonus.md, business rules section 7):
// once the period's refund window has closed, a pool of pool_bp of its profit (net of refunds) is
// shared among the partners whose personal attributed sales reached the threshold, in proportion
// to them; team volume never counts. Once per store and period (bonus_period_runs), looking back
// up to 12 periods for ones a stopped job missed, each under the version in force when it ended;
// a period with nothing to share stays open. The shares are cash owed (bonus_expense ->
// bonus_payable), one ledger transaction for the run.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>

namespace sharedstore {

enum class top_dealer_outcome { not_configured, already_ran, ran };

top_dealer_outcome award_top_dealers(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now);

}  // namespace sharedstore
