#pragma once
// Supply orders (docs/alliance.md, "Supply orders"): the operator's bills
// (/api/v1/platform/alliance/supply-orders...) and a store's payment of them with its vouchers
// (/api/v1/merchants/{id}/alliance/supply-orders...).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> alliance_supply_routes();

}  // namespace sharedstore
