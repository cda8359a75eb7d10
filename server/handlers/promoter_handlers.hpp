#pragma once
// Promoters (docs/promoters-and-centres.md "Promoters"): the operator's (/api/v1/platform/promoters,
// /api/v1/platform/merchants/{id}/promoter), a store's binding (/api/v1/merchants/{id}/promoter)
// and the promoter's own page (/api/v1/me/promoter).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> promoter_routes();

}  // namespace sharedstore
