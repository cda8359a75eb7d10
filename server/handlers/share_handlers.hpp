#pragma once
// Share links: a partner creates and revokes them (/api/v1/partners/me/...shares), anyone opens
// one (/api/v1/shares/{code}, its QR code), and a logged-in customer claims it.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> share_routes();

}  // namespace sharedstore
