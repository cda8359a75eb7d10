#pragma once
// The merchant console's login and session routes (docs/console-login.md):
// POST /api/v1/console/tickets, GET /api/v1/console/tickets/{ticket},
// POST /api/v1/console/tickets/{ticket}/confirm, GET /api/v1/console/me,
// POST /api/v1/console/logout, POST /api/v1/console/sessions/revoke-all.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> console_routes();

}  // namespace sharedstore
