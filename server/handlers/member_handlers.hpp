#pragma once
// The member journey's routes (docs/members.md): the mini-program's /api/v1/me/stores/{id}/...
// (membership, visits, terms, points, offers, exchanges) and /api/v1/me/referrer; the store's
// member programme, level table, offers, funnel and one person's trail.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> member_routes();

}  // namespace sharedstore
