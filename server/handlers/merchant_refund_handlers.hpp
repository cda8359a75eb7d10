#pragma once
// POST /api/v1/merchants/{id}/orders/{order}/refunds: a store refunds a WeChat Pay order
// (owner or manager; docs/api.md, "Refunds through WeChat Pay").
#include "common/http/router.hpp"
#include "server/services/merchant_refund_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

void add_merchant_refund_routes(router& routes, merchant_refund_service& refunds, session_store& sessions);

}  // namespace sharedstore
