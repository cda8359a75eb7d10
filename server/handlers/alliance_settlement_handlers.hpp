#pragma once
// Settling with member stores (docs/alliance.md, "Settlement"): the operator's statements
// (/api/v1/platform/alliance/statements...) and a store's own (/api/v1/merchants/{id}/alliance/statements).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> alliance_settlement_routes();

}  // namespace sharedstore
