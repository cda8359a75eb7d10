#pragma once
// HTTP/1.1 listener and sessions on Beast (kept out of this header), plain or TLS. Keep-alive,
// body and header limits, read/write timeouts, a connection cap, and a graceful stop: stop
// accepting, close idle connections, let in-flight requests finish. What a request means is the
// http_handler's business (the API pipeline in server/, the simulator in wechat/).
#include "common/http/message.hpp"
#include "common/http/websocket.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace sharedstore {

struct http_config {
    std::string listen_address = "127.0.0.1";
    int port = 8080;  // 0: the kernel picks one; bound_port() says which
    std::size_t body_limit_bytes = 1024 * 1024;
    std::size_t header_limit_bytes = 16 * 1024;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{30000};
    std::chrono::milliseconds keepalive_timeout{60000};
    std::chrono::milliseconds write_timeout{30000};
    int max_connections = 10000;
};

class http_handler {
public:
    virtual ~http_handler() = default;
    // A whole request was read: answer it.
    virtual boost::asio::awaitable<http_response> handle(http_request& request) = 0;
    // A request could not be read whole (too large, malformed): the error to send before closing.
    virtual http_response reject(http_request& partial, int status, std::string_view code, std::string_view message) = 0;
    // A WebSocket upgrade, which the endpoint answers instead of handle(): give it its request id
    // first, and log and count the endpoint's refusal (adding X-Request-Id) like any other answer.
    virtual void identify(http_request&) {}
    virtual void record(const http_request&, http_response&, std::chrono::steady_clock::time_point /*started*/) {}
};

class http_server {
public:
    // With `tls`, every connection starts with a TLS handshake (bounded by the header timeout).
    http_server(boost::asio::io_context& io, const http_config& config, http_handler& handler, logger& log,
                metrics_registry& metrics, boost::asio::ssl::context* tls = nullptr);
    ~http_server();

    // Upgrade requests the endpoint handles() go to it instead of the handler. Call before start().
    void set_websocket_endpoint(websocket_endpoint* endpoint);

    // Event loops to spread connections over, each run by exactly one thread: a connection then
    // lives on one loop and needs no strand (its handlers never run at once), and work handed to
    // many connections can go a loop at a time (connection_hub). Without (the default), every
    // connection gets a strand of the io_context given above, which any number of threads may run.
    // Call before start(); the loops must outlive the server.
    void set_connection_loops(std::vector<boost::asio::io_context*> loops);

    // Binds and starts accepting; throws std::system_error when the address cannot be bound.
    void start();
    unsigned short bound_port() const;

    // Stops accepting and closes connections that wait for a request; busy ones close after
    // their response. Safe to call from any thread.
    void begin_shutdown();
    int open_connections() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sharedstore
