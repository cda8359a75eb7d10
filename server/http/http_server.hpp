#pragma once
// HTTP/1.1 listener and sessions on Beast (kept out of this header). Keep-alive, body and header
// limits, read/write timeouts, a connection cap, and a graceful stop: stop accepting, close idle
// connections, let in-flight requests finish.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "server/config.hpp"
#include "server/http/request_pipeline.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace sharedstore {

class http_server {
public:
    http_server(boost::asio::io_context& io, const http_config& config, request_pipeline& pipeline, logger& log,
                metrics_registry& metrics);
    ~http_server();

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
