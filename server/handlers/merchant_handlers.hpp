#pragma once
// /api/v1/merchants: create a store, read it, its staff, and its versioned share tiers.
#include "common/http/router.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

void add_merchant_routes(router& routes, merchant_service& merchants, session_store& sessions);

}  // namespace sharedstore
