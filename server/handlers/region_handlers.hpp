#pragma once
// Regions (docs/promoters-and-centres.md "Regions"): the operator's region table
// (/api/v1/platform/regions) and merchants' regions (/api/v1/platform/merchants/{id}/region), and a
// store's own (/api/v1/merchants/{id}/region).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> region_routes();

}  // namespace sharedstore
