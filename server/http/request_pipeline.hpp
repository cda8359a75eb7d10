#pragma once
// What happens to every request between the socket and a handler: request id, routing (404/405),
// the exception boundary, the access log line and the request metrics. The declared access of a
// route is checked inside the boundary by its gate (server/http/access.hpp), before its handler.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/http/http_server.hpp"
#include "common/http/message.hpp"
#include "common/http/router.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace sharedstore {

class request_pipeline : public http_handler {
public:
    request_pipeline(const router& routes, logger& log, metrics_registry& metrics);

    boost::asio::awaitable<http_response> handle(http_request& request) override;

    // A request the server could not read whole (too large, malformed): answered with an error
    // and logged and counted like the others.
    http_response reject(http_request& partial, int status, std::string_view code, std::string_view message) override;
    void identify(http_request& request) override { assign_request_id(request); }
    void record(const http_request& request, http_response& response, std::chrono::steady_clock::time_point started) override {
        finish(request, response, started);
    }

private:
    void assign_request_id(http_request& request) const;
    void finish(const http_request& request, http_response& response, std::chrono::steady_clock::time_point started);

    const router& routes_;
    logger& log_;
    metrics_registry& metrics_;
};

}  // namespace sharedstore
