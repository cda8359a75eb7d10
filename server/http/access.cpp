#include "server/http/access.hpp"

namespace sharedstore {

std::string_view to_string(route_access kind) {
    switch (kind) {
    case route_access::none: return "none";
    case route_access::user_session: return "user_session";
    case route_access::pos_signature: return "pos_signature";
    case route_access::wechat_pay_signature: return "wechat_pay_signature";
    case route_access::console_session: return "console_session";
    case route_access::staff: return "staff";
    }
    return "unknown";
}

route_handler guarded(route_access required, const authenticator& auth, guarded_handler handler) {
    return [required, &auth, handler = std::move(handler)](http_request& request) -> boost::asio::awaitable<http_response> {
        if (required == route_access::none) {
            const caller anonymous;  // named: docs/coroutines.md
            co_return co_await handler(request, anonymous);
        }
        auto outcome = co_await auth.authenticate(required, request);
        if (auto* refusal = std::get_if<http_response>(&outcome)) co_return std::move(*refusal);
        co_return co_await handler(request, std::get<caller>(outcome));
    };
}

}  // namespace sharedstore
