#pragma once
// Share links: a partner creates and revokes them (/api/v1/partners/me/...shares), anyone opens
// one (/api/v1/shares/{code}, its QR code), and a logged-in customer claims it.
#include "common/http/router.hpp"
#include "server/services/share_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

// `public_base_url` prefixes qr_url (empty: the path alone).
void add_share_routes(router& routes, share_service& shares, session_store& sessions, std::string public_base_url);

}  // namespace sharedstore
