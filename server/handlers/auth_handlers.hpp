#pragma once
// POST /api/v1/auth/wechat/login, POST /api/v1/auth/logout, GET /api/v1/me, POST /api/v1/me/phone.
#include "common/http/router.hpp"
#include "server/services/auth_service.hpp"
#include "server/storage/session_store.hpp"

#include <functional>

namespace sharedstore {

// The signed-in caller, from `Authorization: Bearer TOKEN`; throws a 401 api_error otherwise.
boost::asio::awaitable<session_record> authenticate(session_store& sessions, const http_request& request);

// Called after a sign-out removed the session (its WebSockets close); may throw dependency_unavailable.
using session_end_signal = std::function<boost::asio::awaitable<void>(std::uint64_t user_id, std::string session_id)>;

void add_auth_routes(router& routes, auth_service& auth, session_store& sessions, session_end_signal signed_out);

}  // namespace sharedstore
