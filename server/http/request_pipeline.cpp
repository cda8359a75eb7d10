#include "server/http/request_pipeline.hpp"

#include "common/random_token.hpp"
#include "server/http/api_error.hpp"

#include <boost/asio/this_coro.hpp>

namespace sharedstore {

namespace {

constexpr auto requests_total = "sharedstore_http_requests_total";
constexpr auto request_duration = "sharedstore_http_request_duration_seconds";

// A caller's id is echoed only if it is short and plain, so it cannot inject into logs or headers.
bool acceptable_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

request_pipeline::request_pipeline(const router& routes, logger& log, metrics_registry& metrics)
    : routes_(routes), log_(log), metrics_(metrics) {
    metrics_.describe_counter(requests_total, "HTTP requests answered, by route pattern, method and status.");
    metrics_.describe_histogram(request_duration, "Time from a whole request read to its response built, by route.",
                                {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
}

void request_pipeline::assign_request_id(http_request& request) const {
    if (!request.request_id.empty()) return;
    auto given = request.header("x-request-id");
    request.request_id = given && acceptable_request_id(*given) ? std::string(*given) : random_hex(12);
}

boost::asio::awaitable<http_response> request_pipeline::handle(http_request& request) {
    const auto started = std::chrono::steady_clock::now();
    assign_request_id(request);
    http_response response;
    // Hostile input is refused before anything else sees it: a body that claims to be JSON and
    // is not gets a 400 whatever the route.
    if (has_json_content_type(request) && !request.body.empty()) {
        try {
            request.json = parse_json_body(request.body);
        } catch (const api_error& e) {
            request.route = "unrouted";
            response = error_response(e.status(), e.code(), e.message(), request.request_id);
            finish(request, response, started);
            co_return response;
        }
    }
    auto match = routes_.match(request.method, request.path);
    if (match.outcome == route_outcome::not_found) {
        request.route = "unmatched";
        response = error_response(404, "not_found", "no such endpoint", request.request_id);
    } else if (match.outcome == route_outcome::method_not_allowed) {
        request.route = match.pattern;
        response = error_response(405, "method_not_allowed", "method not allowed here; see Allow", request.request_id);
        response.set_header("Allow", match.allow);
    } else {
        request.route = match.pattern;
        request.path_params = std::move(match.params);
        std::exception_ptr failure;
        try {
            response = co_await (*match.handler)(request);
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) response = response_for_exception(failure, request, log_);
    }
    finish(request, response, started);
    co_return response;
}

http_response request_pipeline::reject(http_request& partial, int status, std::string_view code, std::string_view message) {
    const auto started = std::chrono::steady_clock::now();
    assign_request_id(partial);
    if (partial.route.empty()) partial.route = "unread";
    auto response = error_response(status, code, message, partial.request_id);
    finish(partial, response, started);
    return response;
}

void request_pipeline::finish(const http_request& request, http_response& response, std::chrono::steady_clock::time_point started) {
    response.set_header("X-Request-Id", request.request_id);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string method = request.method.empty() ? "UNKNOWN" : request.method;
    metrics_.increment(requests_total, {{"route", request.route}, {"method", method}, {"status", std::to_string(response.status)}});
    metrics_.observe(request_duration, {{"route", request.route}}, seconds);
    // The query string is left out: it may carry codes or tokens.
    log_.write(response.status >= 500 ? log_level::warn : log_level::info, "http_request",
               {{"request_id", request.request_id},
                {"method", method},
                {"path", request.path},
                {"route", request.route},
                {"status", response.status},
                // Integer microseconds: Boost.JSON would print a double as 4.269038999999999E0.
                {"duration_us", static_cast<std::int64_t>(seconds * 1e6)},
                {"remote", request.remote_address}});
}

}  // namespace sharedstore
