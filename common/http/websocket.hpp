#pragma once
// WebSocket connections accepted by http_server (Beast stays in http_server.cpp): an endpoint
// decides on an upgrade before the handshake (so an unauthenticated client gets a plain 401), then
// owns the connection. Every operation of one connection runs on its executor (executor(): its
// event loop's thread, or a strand of its own when the server has no loops).
#include "common/http/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace sharedstore {

struct websocket_message {
    std::string payload;
    bool binary = false;
    bool too_large = false;  // the message grew past the reader's limit: payload is empty, the rest unread
};

// Close codes the code base uses (RFC 6455 section 7.4).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;        // server shutting down: reconnect elsewhere
constexpr std::uint16_t policy_violation = 1008;  // a frame we do not accept
constexpr std::uint16_t try_again_later = 1013;   // too slow: resume from the last id
// Application codes (4000-4999 are the application's, RFC 6455 section 7.4.2).
constexpr std::uint16_t session_ended = 4401;      // signed out, revoked or expired: sign in again
constexpr std::uint16_t ping_timeout = 4408;       // nothing received for push.idle_timeout_ms: reconnect
}  // namespace close_code

class websocket_connection {
public:
    struct impl;
    explicit websocket_connection(std::shared_ptr<impl> state) : impl_(std::move(state)) {}

    // The next whole message of at most `max_bytes`; nullopt once the peer closed or the connection
    // failed or was closed. The size is checked as fragments arrive, so a message split into many
    // frames is refused at the same size as one frame (`too_large`), before more is buffered.
    boost::asio::awaitable<std::optional<websocket_message>> read(std::size_t max_bytes);
    // Starts one write (one at a time: callers keep a queue); `done` runs on executor() with true
    // once it went out, false when the connection is gone or the write did not finish within
    // `timeout` (the connection is then dropped). A completion handler, not a coroutine: a push
    // server writes a frame per event, and a coroutine per write cost an allocation or more each.
    // The caller keeps what `done` refers to alive until it has run.
    void start_write(std::string text, std::chrono::milliseconds timeout, std::function<void(bool)> done);
    // Queues a ping (sent after the write under way); false once the connection is closing or gone.
    bool ping();
    // Sends a close frame (bounded by one second), then drops the connection.
    boost::asio::awaitable<void> close(std::uint16_t code, std::string reason);
    // Drops the TCP connection at once (no close frame): for a peer that does not read.
    void abort();
    // A close frame is on its way (ours, or our answer to the peer's): writes are refused from now
    // on, and the closing side drops the connection when it is done.
    bool closing() const;

    boost::asio::any_io_executor executor() const;
    // When anything (a message, a ping, a pong) last arrived from the peer.
    std::chrono::steady_clock::time_point last_received() const;
    const std::string& remote() const;

private:
    std::shared_ptr<impl> impl_;
};

class websocket_endpoint {
public:
    virtual ~websocket_endpoint() = default;
    // Whether this upgrade request is the endpoint's (e.g. its path).
    virtual bool handles(const http_request& request) const = 0;
    // Before the handshake: nullopt accepts; a response (401, 503...) refuses. `subprotocol` is set
    // to the Sec-WebSocket-Protocol value to echo, if any.
    virtual boost::asio::awaitable<std::optional<http_response>> authorize(http_request& request, std::string& subprotocol) = 0;
    // Owns the accepted connection until it returns (then the TCP connection is closed).
    virtual boost::asio::awaitable<void> run(websocket_connection connection, http_request request) = 0;
};

}  // namespace sharedstore
