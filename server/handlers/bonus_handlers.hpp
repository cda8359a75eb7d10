#pragma once
// The store's bonus system configuration (docs/bonus.md): GET and PUT /api/v1/merchants/{id}/bonus-config.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> bonus_routes();

}  // namespace sharedstore
