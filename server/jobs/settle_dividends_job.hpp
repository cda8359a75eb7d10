#pragma once
// settle-dividends (docs/payouts.md, "Settlement"): dividends past their store's settlement delay
// and not wholly reversed move from pending to the partner's withdrawable balance, a clawback debt
// paid first. Idempotent: the dividends are locked and marked in the transaction that moves them.
#include "server/jobs/job.hpp"
#include "server/services/payout_service.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_settle_dividends_job(payout_service& payouts, int max_partners);

}  // namespace sharedstore
