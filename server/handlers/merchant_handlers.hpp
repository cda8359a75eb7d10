#pragma once
// /api/v1/merchants: create a store, read it, its staff, and its versioned share tiers.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> merchant_routes();

}  // namespace sharedstore
