#pragma once
// GET /api/v1/merchants/{id}/dashboard?days=1|7|30: the console's overview of a store (docs/api.md,
// "Dashboard").
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> dashboard_routes();

}  // namespace sharedstore
