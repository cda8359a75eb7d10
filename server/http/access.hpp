#pragma once
// What a route declares it needs from its caller, and the gate that checks it before the handler
// runs. The kinds of proof are the server's (an authenticator it supplies); common/http knows none.
#include "common/http/message.hpp"
#include "common/http/router.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

namespace sharedstore {

enum class route_access {
    none,                  // public: anyone, no proof
    user_session,          // Authorization: Bearer TOKEN from POST /api/v1/auth/wechat/login
    pos_signature,         // a store's POS: X-Api-Key and its HMAC (docs/pos-callbacks.md)
    wechat_pay_signature,  // WeChat Pay: Wechatpay-* headers, RSA over the body; answers {"code":"FAIL"}
    console_session,       // the merchant console's cookie (docs/console-login.md); X-CSRF-Token on writes
    staff,                 // user_session or console_session: the routes staff reach from both apps
};

// "none", "user_session", ..., "staff": the words of docs/access-control.md.
std::string_view to_string(route_access kind);

// Who is calling, as far as the route's access established it; the rest stays zero or empty.
struct caller {
    std::uint64_t user_id = 0;      // user_session, console_session: the signed-in user
    std::string session_id;         // user_session, console_session: which of their sessions
    std::uint64_t merchant_id = 0;  // pos_signature: the store whose API key signed
    bool console = false;           // the session is a console session (a cookie), not a Bearer token
};

// The caller, or the refusal to send instead of running the handler (a 401 in the route's shape).
using authentication = std::variant<caller, http_response>;

class authenticator {
public:
    virtual ~authenticator() = default;
    // Refusals are values; a dependency that cannot answer (Redis, MariaDB) throws, and the
    // pipeline maps it as it maps a handler's.
    virtual boost::asio::awaitable<authentication> authenticate(route_access required, const http_request& request) const = 0;
};

using guarded_handler = std::function<boost::asio::awaitable<http_response>(http_request&, const caller&)>;

// A router handler that authenticates as `required` says, then runs `handler` with the caller.
// `auth` must outlive the router.
route_handler guarded(route_access required, const authenticator& auth, guarded_handler handler);

}  // namespace sharedstore
