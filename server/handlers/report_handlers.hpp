#pragma once
// Money out to readers: a partner's dividends and summary (/api/v1/partners/me/...) and a store's
// orders, dividends per partner and reconciliation (/api/v1/merchants/{id}/...).
#include "common/http/router.hpp"
#include "server/services/report_service.hpp"
#include "server/services/subscription_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

void add_report_routes(router& routes, report_service& reports, session_store& sessions);
// POST /api/v1/me/subscriptions: the WeChat subscribe-message acceptances of the caller.
void add_subscription_routes(router& routes, subscription_service& subscriptions, session_store& sessions);

}  // namespace sharedstore
