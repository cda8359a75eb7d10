#pragma once
// The alliance's set-up (docs/alliance.md): the platform operator's pool configuration and
// admissions (/api/v1/platform/alliance/...), and a store's concession (/api/v1/merchants/{id}/alliance).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> alliance_routes();

}  // namespace sharedstore
