#pragma once
// POST /api/v1/auth/wechat/login, POST /api/v1/auth/logout, GET /api/v1/me, POST /api/v1/me/phone.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> auth_routes();

}  // namespace sharedstore
