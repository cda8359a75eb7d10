#pragma once
// Service centres and the sharing configuration (docs/promoters-and-centres.md "Centres"): the
// operator's (/api/v1/platform/centres, /api/v1/platform/shares/config) and a centre contact's
// own (/api/v1/me/centres).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> centre_routes();

}  // namespace sharedstore
