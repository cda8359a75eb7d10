#include "push/push_endpoint.hpp"

#include "common/dependency_error.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view protocol_name = "sharedstore.v1";

http_response refusal(int status, const char* code, const char* message, const std::string& request_id) {
    auto response = http_response::json(status, json::object{{"error", json::object{{"code", code}, {"message", message}, {"request_id", request_id}}}});
    if (status == 503) response.set_header("Retry-After", "5");
    return response;
}

std::string trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

bool push_endpoint::handles(const http_request& request) const { return request.path == path; }

asio::awaitable<std::optional<http_response>> push_endpoint::authorize(http_request& request, std::string& subprotocol) {
    // A socket opened before the instance reads the session-ends stream would miss a sign-out
    // announced between its session check and that first read (it would stay open until expiry).
    if (ctx_.listening && !ctx_.listening->load())
        co_return refusal(503, "dependency_unavailable", "reminders are starting on this instance; retry shortly", request.request_id);
    std::string token;
    std::vector<std::string> offers;
    if (auto offered = request.header("sec-websocket-protocol")) {
        std::string_view list = *offered;
        while (!list.empty()) {
            auto comma = list.find(',');
            if (auto item = trim(list.substr(0, comma)); !item.empty()) offers.push_back(std::move(item));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        }
    }
    // A client that offers sharedstore.v1 gets it back however its token came: browsers and `ws`
    // abort a handshake whose answer names none of their offers.
    const bool named = std::find(offers.begin(), offers.end(), protocol_name) != offers.end();
    if (named) subprotocol = std::string(protocol_name);
    if (auto header = request.header("authorization"); header && header->substr(0, 7) == "Bearer ") {
        token = trim(header->substr(7));
    } else {
        // "sharedstore.v1, <token>": the token rides as a subprotocol. A lone token is echoed,
        // since a client must get one of its offers back.
        for (const auto& item : offers)
            if (item != protocol_name) token = item;
        if (!named) subprotocol = token;
    }
    if (token.empty()) co_return refusal(401, "unauthenticated", "send the session token as Authorization: Bearer or as a subprotocol", request.request_id);
    std::optional<session_identity> session;
    try {
        auto copy = token;
        session = co_await check_(std::move(copy));
    } catch (const dependency_unavailable&) {
        co_return refusal(503, "dependency_unavailable", "sessions cannot be checked now", request.request_id);
    }
    if (!session) co_return refusal(401, "invalid_session", "the token is unknown, expired or signed out", request.request_id);
    // For run(), which gets the request after the handshake.
    request.path_params["user_id"] = std::to_string(session->user_id);
    request.path_params["session_id"] = session->session_id;
    request.path_params["expires_at_ms"] =
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(session->expires_at.time_since_epoch()).count());
    request.path_params["token"] = token;  // run() checks the session once more, then forgets it
    co_return std::nullopt;
}

asio::awaitable<void> push_endpoint::run(websocket_connection connection, http_request request) {
    std::uint64_t user = 0;
    std::int64_t expires_ms = 0;
    const auto& text = request.path_params.at("user_id");
    std::from_chars(text.data(), text.data() + text.size(), user);
    const auto& expiry = request.path_params.at("expires_at_ms");
    std::from_chars(expiry.data(), expiry.data() + expiry.size(), expires_ms);
    auto session_id = std::move(request.path_params.at("session_id"));
    // A sign-out announced between authorize() and the socket joining the hub found no socket to
    // close: once it is in the hub, the session is checked again (Redis down: it stands, and
    // expires on time).
    session_recheck still_signed_in = [check = check_, token = std::move(request.path_params.at("token"))]() -> asio::awaitable<bool> {
        try {
            auto copy = token;
            auto session = co_await check(std::move(copy));
            co_return session.has_value();
        } catch (const dependency_unavailable&) {
            co_return true;
        }
    };
    request = {};  // its headers would stay allocated for the connection's whole life
    ctx_.log.info("push_connected", {{"user_id", user}, {"remote", connection.remote()}});
    const std::chrono::system_clock::time_point expires_at{std::chrono::milliseconds(expires_ms)};
    auto session =
        std::make_shared<push_session>(std::move(connection), user, std::move(session_id), expires_at, std::move(still_signed_in), ctx_);
    co_await session->run();
    ctx_.log.info("push_disconnected", {{"user_id", user}});
}

}  // namespace sharedstore
