#include "server/handlers/auth_handlers.hpp"

#include "server/handlers/service_errors.hpp"

#include "server/domain/masking.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string bearer_token(const http_request& request) {
    auto header = request.header("authorization");
    if (!header) throw api_error(401, "unauthenticated", "sign in first: send Authorization: Bearer TOKEN");
    std::string_view value = *header;
    if (value.size() < 7 || (value.substr(0, 7) != "Bearer " && value.substr(0, 7) != "bearer "))
        throw api_error(401, "unauthenticated", "the Authorization header must be: Bearer TOKEN");
    return std::string(value.substr(7));
}

// The signed-in user's own view of themselves; even to them the phone is shown masked.
json::object user_json(const user_record& user) {
    json::object out{{"id", std::to_string(user.id)},
                     {"has_unionid", !user.unionid.empty()},
                     {"created_at", user.created_at}};
    out["phone"] = user.phone.empty() ? json::value(nullptr) : json::value(mask_phone(user.phone));
    return out;
}

std::string client_address(const http_request& request) {
    // host:port -> host (IPv6 remote addresses are bracket-free "a:b::c:port": cut at the last colon).
    auto colon = request.remote_address.rfind(':');
    return colon == std::string::npos ? request.remote_address : request.remote_address.substr(0, colon);
}

}  // namespace

asio::awaitable<session_record> authenticate(session_store& sessions, const http_request& request) {
    auto token = bearer_token(request);
    auto session = co_await sessions.find(std::move(token));
    if (!session) throw api_error(401, "invalid_session", "the session is unknown, expired or signed out; sign in again");
    co_return *session;
}

void add_auth_routes(router& routes, auth_service& auth, session_store& sessions, session_end_signal signed_out) {
    routes.add("POST", "/api/v1/auth/wechat/login", [&auth](http_request& request) -> asio::awaitable<http_response> {
        body_reader body(request);
        auto code = body.required_string("code", 1, 128);
        body.finish();
        auto address = client_address(request);  // named: docs/coroutines.md
        auto outcome = co_await auth.login(std::move(code), std::move(address));
        if (!outcome) throw to_api_error(outcome.error());
        auto& ok = outcome.value();
        co_return http_response::json(200, json::object{{"token", ok.token},
                                                        {"expires_in", ok.expires_in.count()},
                                                        {"user", user_json(ok.user)}});
    });

    routes.add("POST", "/api/v1/auth/logout", [&sessions, signed_out = std::move(signed_out)](http_request& request) -> asio::awaitable<http_response> {
        auto session = co_await authenticate(sessions, request);
        auto token = bearer_token(request);
        co_await sessions.revoke(std::move(token));
        if (signed_out) co_await signed_out(session.user_id, session.session_id);
        http_response response;
        response.status = 204;
        co_return response;
    });

    routes.add("GET", "/api/v1/me", [&auth, &sessions](http_request& request) -> asio::awaitable<http_response> {
        auto session = co_await authenticate(sessions, request);
        auto user = co_await auth.user(session.user_id);
        if (!user) throw api_error(401, "invalid_session", "this account no longer exists");
        co_return http_response::json(200, json::object{{"user", user_json(*user)}});
    });

    routes.add("POST", "/api/v1/me/phone", [&auth, &sessions](http_request& request) -> asio::awaitable<http_response> {
        auto session = co_await authenticate(sessions, request);
        body_reader body(request);
        auto code = body.required_string("code", 1, 128);
        body.finish();
        auto outcome = co_await auth.bind_phone(session.user_id, std::move(code));
        if (!outcome) throw to_api_error(outcome.error());
        co_return http_response::json(200, json::object{{"user", user_json(outcome.value())}});
    });
}

}  // namespace sharedstore
