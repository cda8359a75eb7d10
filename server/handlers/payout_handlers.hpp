#pragma once
// Payouts (docs/payouts.md, docs/api.md "Payouts"): a partner's withdrawals and balances, a store's
// payouts, limits, approvals and reconciliation, and WeChat Pay's transfer notifications.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> payout_routes();

}  // namespace sharedstore
