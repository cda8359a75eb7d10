#include "push/push_endpoint.hpp"

#include "common/dependency_error.hpp"

#include <boost/json/object.hpp>

#include <charconv>

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

bool push_endpoint::handles(const http_request& request) const { return request.path == "/ws"; }

asio::awaitable<std::optional<http_response>> push_endpoint::authorize(http_request& request, std::string& subprotocol) {
    std::string token;
    if (auto header = request.header("authorization"); header && header->substr(0, 7) == "Bearer ") {
        token = trim(header->substr(7));
    } else if (auto offered = request.header("sec-websocket-protocol")) {
        // "sharedstore.v1, <token>": the token rides as a subprotocol; we answer with the name.
        // A lone token is echoed, since a client must get one of its offers back.
        std::string_view list = *offered;
        std::vector<std::string> items;
        while (!list.empty()) {
            auto comma = list.find(',');
            items.push_back(trim(list.substr(0, comma)));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        }
        for (const auto& item : items)
            if (item != protocol_name && !item.empty()) token = item;
        const bool named = std::find(items.begin(), items.end(), protocol_name) != items.end();
        subprotocol = named ? std::string(protocol_name) : token;
    }
    if (token.empty()) co_return refusal(401, "unauthenticated", "send the session token as Authorization: Bearer or as a subprotocol", request.request_id);
    std::optional<std::uint64_t> user;
    try {
        auto copy = token;
        user = co_await check_(std::move(copy));
    } catch (const dependency_unavailable&) {
        co_return refusal(503, "dependency_unavailable", "sessions cannot be checked now", request.request_id);
    }
    if (!user) co_return refusal(401, "invalid_session", "the token is unknown, expired or signed out", request.request_id);
    request.path_params["user_id"] = std::to_string(*user);  // for run()
    co_return std::nullopt;
}

asio::awaitable<void> push_endpoint::run(websocket_connection connection, http_request request) {
    std::uint64_t user = 0;
    const auto& text = request.path_params.at("user_id");
    std::from_chars(text.data(), text.data() + text.size(), user);
    request = {};  // its headers would stay allocated for the connection's whole life
    ctx_.log.info("push_connected", {{"user_id", user}, {"remote", connection.remote()}});
    auto session = std::make_shared<push_session>(std::move(connection), user, ctx_);
    co_await session->run();
    ctx_.log.info("push_disconnected", {{"user_id", user}});
}

}  // namespace sharedstore
