#pragma once
// POST /api/v1/me/subscriptions: the WeChat subscribe-message acceptances of the caller, which the
// reminder fallback spends (docs/websocket.md, "Subscribe-message fallback").
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> subscription_routes();

}  // namespace sharedstore
