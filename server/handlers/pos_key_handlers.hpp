#pragma once
// /api/v1/merchants/{merchant_id}/api-keys: the owner's POS API keys (create, list, revoke).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> pos_key_routes();

}  // namespace sharedstore
