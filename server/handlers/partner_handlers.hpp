#pragma once
// Partners from the store's side (/api/v1/merchants/{id}/partners, leads, lead-history) and from
// the partner's own (/api/v1/partners/me, cards, customers).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> partner_routes();

}  // namespace sharedstore
