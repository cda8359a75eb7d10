#pragma once
// /api/v1/merchants/{merchant_id}/api-keys: the owner's POS API keys (create, list, revoke).
#include "common/http/router.hpp"
#include "server/services/pos_key_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

void add_pos_key_routes(router& routes, pos_key_service& keys, session_store& sessions);

}  // namespace sharedstore
