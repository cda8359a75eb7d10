#pragma once
// GET /ws: the session token in `Authorization: Bearer` or in Sec-WebSocket-Protocol (what
// wx.connectSocket can send), checked before the handshake: no valid token, no WebSocket (401).
#include "common/http/websocket.hpp"
#include "push/push_session.hpp"

#include <functional>
#include <optional>
#include <string_view>

namespace sharedstore {

// The login session behind a token: its user, its id (what a sign-out names) and when it expires.
struct session_identity {
    std::uint64_t user_id = 0;
    std::string session_id;
    std::chrono::system_clock::time_point expires_at;
};
// nullopt: unknown or expired; may throw dependency_unavailable.
using session_check = std::function<boost::asio::awaitable<std::optional<session_identity>>(std::string token)>;

class push_endpoint final : public websocket_endpoint {
public:
    // The one path it answers (also listed by `sharedstore routes`).
    static constexpr std::string_view path = "/ws";

    push_endpoint(push_context context, session_check check) : ctx_(std::move(context)), check_(std::move(check)) {}

    bool handles(const http_request& request) const override;
    boost::asio::awaitable<std::optional<http_response>> authorize(http_request& request, std::string& subprotocol) override;
    boost::asio::awaitable<void> run(websocket_connection connection, http_request request) override;

private:
    push_context ctx_;
    session_check check_;
};

}  // namespace sharedstore
