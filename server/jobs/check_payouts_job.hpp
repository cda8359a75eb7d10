#pragma once
// check-payouts (docs/payouts.md, "When WeChat Pay is unreachable"): asks WeChat Pay about payouts
// whose answer was unclear or whose end has not come: re-sends a bill WeChat Pay never got (the
// same out_bill_no), cancels one left unconfirmed past its lifetime, applies what it says.
#include "server/jobs/job.hpp"
#include "server/services/payout_service.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_check_payouts_job(payout_service& payouts, int max_payouts);

}  // namespace sharedstore
