#include "server/handlers/auth_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/caller_authenticator.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/services/auth_service.hpp"

#include "server/domain/masking.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The signed-in user's own view of themselves; even to them the phone is shown masked.
json::object user_json(const user_record& user) {
    json::object out{{"id", std::to_string(user.id)},
                     {"has_unionid", !user.unionid.empty()},
                     {"created_at", format_rfc3339_seconds(user.created_at)}};
    out["phone"] = user.phone.empty() ? json::value(nullptr) : json::value(mask_phone(user.phone));
    return out;
}

asio::awaitable<http_response> handle_login(const api_services& s, http_request& request, const caller&) {
    body_reader body(request);
    auto code = body.required_string("code", 1, 128);
    body.finish();
    auto address = client_address(request);  // named: docs/coroutines.md
    auto outcome = co_await s.auth.login(std::move(code), std::move(address));
    if (!outcome) throw to_api_error(outcome.error());
    auto& ok = outcome.value();
    co_return http_response::json(200, json::object{{"token", ok.token},
                                                    {"expires_in", ok.expires_in.count()},
                                                    {"user", user_json(ok.user)}});
}

asio::awaitable<http_response> handle_logout(const api_services& s, http_request& request, const caller& who) {
    // The pipeline accepted this very token, so it is there and well formed.
    auto token = bearer_token(request).value();
    co_await s.sessions.revoke(std::move(token));
    if (s.signed_out) {
        auto session_id = who.session_id;  // named: docs/coroutines.md
        co_await s.signed_out(who.user_id, std::move(session_id));
    }
    http_response response;
    response.status = 204;
    co_return response;
}

asio::awaitable<http_response> handle_get_me(const api_services& s, http_request&, const caller& who) {
    auto user = co_await s.auth.user(who.user_id);
    if (!user) throw api_error(401, "invalid_session", "this account no longer exists");
    co_return http_response::json(200, json::object{{"user", user_json(*user)}});
}

asio::awaitable<http_response> handle_bind_phone(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto code = body.required_string("code", 1, 128);
    body.finish();
    auto outcome = co_await s.auth.bind_phone(who.user_id, std::move(code));
    if (!outcome) throw to_api_error(outcome.error());
    co_return http_response::json(200, json::object{{"user", user_json(outcome.value())}});
}

constexpr route table[] = {
    {"POST", "/api/v1/auth/wechat/login", route_access::none,         handle_login},
    {"POST", "/api/v1/auth/logout",       route_access::user_session, handle_logout},
    {"GET",  "/api/v1/me",                route_access::user_session, handle_get_me},
    {"POST", "/api/v1/me/phone",          route_access::user_session, handle_bind_phone},
};

}  // namespace

std::span<const route> auth_routes() { return table; }

}  // namespace sharedstore
