#include "server/handlers/console_handlers.hpp"

#include "server/handlers/api_services.hpp"
#include "server/handlers/console_cookies.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/request_params.hpp"
#include "server/services/console_auth_service.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/asio/this_coro.hpp>

#include <ctime>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// WeChat answers JPEG; the simulator PNG. The data URL says which.
std::string image_data_url(const std::string& bytes) {
    const bool png = bytes.size() >= 4 && bytes.compare(0, 4, "\x89PNG") == 0;
    return std::string("data:") + (png ? "image/png" : "image/jpeg") + ";base64," + wechat_pay::base64_encode(bytes);
}

json::array stores_json(const std::vector<staff_store>& stores) {
    json::array out;
    for (const auto& s : stores)
        out.push_back(json::object{{"merchant_id", std::to_string(s.merchant_id)}, {"name", s.name}, {"role", to_string(s.role)}});
    return out;
}

// Who the console session is: what GET /me and the confirmed long-poll both answer.
json::object session_json(const console_session_record& session, const std::vector<staff_store>& stores, std::chrono::seconds idle) {
    return json::object{{"user", json::object{{"id", std::to_string(session.user_id)}}},
                        {"stores", stores_json(stores)},
                        {"csrf_token", session.csrf_token},
                        {"expires_at", rfc3339(session.expires_at)},
                        {"idle_timeout_s", idle.count()}};
}

console_cookies cookies_of(const api_services& s) { return console_cookies{.secure = s.console_cookies_secure}; }

asio::awaitable<http_response> handle_create_ticket(const api_services& s, http_request& request, const caller&) {
    const auto cookies = cookies_of(s);
    auto address = client_address(request);  // named: docs/coroutines.md
    auto waiter = cookie_value(request, cookies.ticket_name()).value_or("");
    auto created = co_await s.console.create_ticket(std::move(address), std::move(waiter));
    auto& ticket = unwrap(created);
    auto response = http_response::json(201, json::object{{"ticket_id", ticket.ticket},
                                                          {"qr", image_data_url(ticket.qr_image)},
                                                          {"expires_at", rfc3339(ticket.expires_at)},
                                                          // The page then shows the console-confirm command.
                                                          {"development", s.development}});
    // As long as the ticket it proves: a newer ticket renews it.
    response.headers.emplace_back("Set-Cookie", cookies.ticket(ticket.waiter_secret, s.console.ticket_ttl()));
    co_return response;
}

asio::awaitable<http_response> handle_wait_ticket(const api_services& s, http_request& request, const caller&) {
    const auto cookies = cookies_of(s);
    auto ticket = request.path_params.at("ticket");
    auto waiter = cookie_value(request, cookies.ticket_name()).value_or("");
    auto executor = co_await asio::this_coro::executor;
    auto waited = co_await s.console.wait(std::move(ticket), std::move(waiter), executor);
    auto& outcome = unwrap(waited);
    if (outcome.status == ticket_wait_status::pending) co_return http_response::json(200, json::object{{"status", "pending"}});
    if (outcome.status == ticket_wait_status::expired) co_return http_response::json(200, json::object{{"status", "expired"}});
    auto& login = *outcome.login;
    auto body = session_json(login.session, login.stores, s.console.session_limits().idle);
    body["status"] = "confirmed";
    auto response = http_response::json(200, body);
    response.headers.emplace_back("Set-Cookie", cookies.session(login.token, s.console.session_limits().absolute));
    co_return response;
}

asio::awaitable<http_response> handle_confirm_ticket(const api_services& s, http_request& request, const caller& who) {
    auto ticket = request.path_params.at("ticket");
    auto confirmed = co_await s.console.confirm(who.user_id, ticket);
    unwrap(confirmed);
    co_return http_response::json(200, json::object{{"ticket_id", ticket}, {"status", "confirmed"}});
}

asio::awaitable<http_response> handle_console_me(const api_services& s, http_request& request, const caller& who) {
    // The gate found this very cookie's session; read again for its CSRF token and end.
    auto token = cookie_value(request, cookies_of(s).session_name()).value_or("");
    auto session = co_await s.console.session(std::move(token));
    if (!session) throw api_error(401, "invalid_session", "the console session is unknown, expired or signed out; scan the QR code again");
    auto stores = co_await s.console.stores_of(who.user_id);
    auto body = session_json(*session, stores, s.console.session_limits().idle);
    // The console's platform pages: the operator's, and a promoter's and a centre's read-only ones.
    const auto roles = co_await s.console.platform_roles_of(who.user_id);
    body["platform_operator"] = roles.platform_operator;
    body["promoter"] = roles.promoter;
    body["centre_contact"] = roles.centre_contact;
    co_return http_response::json(200, body);
}

asio::awaitable<http_response> handle_console_logout(const api_services& s, http_request&, const caller& who) {
    auto session_id = who.session_id;  // named: docs/coroutines.md
    co_await s.console.logout(who.user_id, std::move(session_id));
    http_response response;
    response.status = 204;
    response.headers.emplace_back("Set-Cookie", cookies_of(s).clear_session());
    co_return response;
}

// Also from the mini-program (a Bearer token): a lost laptop's sessions end from the phone.
asio::awaitable<http_response> handle_revoke_all(const api_services& s, http_request&, const caller& who) {
    const int revoked = co_await s.console.revoke_all(who.user_id);
    auto response = http_response::json(200, json::object{{"revoked", revoked}});
    if (who.console) response.headers.emplace_back("Set-Cookie", cookies_of(s).clear_session());
    co_return response;
}

constexpr route table[] = {
    {"POST", "/api/v1/console/tickets",                  route_access::none,            handle_create_ticket},
    {"GET",  "/api/v1/console/tickets/{ticket}",         route_access::none,            handle_wait_ticket},
    {"POST", "/api/v1/console/tickets/{ticket}/confirm", route_access::user_session,    handle_confirm_ticket},
    {"GET",  "/api/v1/console/me",                       route_access::console_session, handle_console_me},
    {"POST", "/api/v1/console/logout",                   route_access::console_session, handle_console_logout},
    {"POST", "/api/v1/console/sessions/revoke-all",      route_access::staff,           handle_revoke_all},
};

}  // namespace

std::span<const route> console_routes() { return table; }

}  // namespace sharedstore
