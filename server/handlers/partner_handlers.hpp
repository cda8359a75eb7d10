#pragma once
// Partners from the store's side (/api/v1/merchants/{id}/partners, leads, lead-history) and from
// the partner's own (/api/v1/partners/me, cards, customers).
#include "common/http/router.hpp"
#include "server/services/partner_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

void add_partner_routes(router& routes, partner_service& partners, session_store& sessions);

}  // namespace sharedstore
