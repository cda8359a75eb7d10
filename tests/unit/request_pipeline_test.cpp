#include "common/dependency_error.hpp"
#include "common/metrics.hpp"
#include "server/http/api_error.hpp"
#include "server/http/request_pipeline.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/run_awaitable.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

class request_pipeline_test : public ::testing::Test {
protected:
    request_pipeline_test() {
        routes.add("GET", "/ok/{name}", [this](http_request& r) -> boost::asio::awaitable<http_response> {
            seen_params = r.path_params;
            co_return http_response::json(200, boost::json::object{{"hello", r.path_params.at("name")}});
        });
        routes.add("POST", "/echo", [](http_request& r) -> boost::asio::awaitable<http_response> {
            const auto& body = require_json_object(r);
            co_return http_response::json(200, body);
        });
        routes.add("GET", "/refused", [](http_request&) -> boost::asio::awaitable<http_response> {
            throw api_error(403, "forbidden", "not yours");
            co_return http_response{};
        });
        routes.add("GET", "/db-down", [](http_request&) -> boost::asio::awaitable<http_response> {
            throw dependency_unavailable("mysql", "mysql: cannot connect");
            co_return http_response{};
        });
        routes.add("GET", "/bug", [](http_request&) -> boost::asio::awaitable<http_response> {
            throw std::out_of_range("vector index 9");
            co_return http_response{};
        });
    }

    http_response call(std::string method, std::string path, std::string body = "",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
        http_request r;
        r.method = std::move(method);
        r.path = path;
        r.target = path;
        r.body = std::move(body);
        r.headers = std::move(headers);
        return test_support::run_awaitable(pipeline.handle(r));
    }

    static std::string code_of(const http_response& r) {
        return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
    }
    static std::string header(const http_response& r, const std::string& name) {
        for (const auto& [n, v] : r.headers)
            if (n == name) return v;
        return {};
    }

    test_support::captured_log log;
    metrics_registry metrics;
    router routes;
    request_pipeline pipeline{routes, log.log(), metrics};
    std::map<std::string, std::string> seen_params;
};

TEST_F(request_pipeline_test, routes_to_handler_with_parameters) {
    auto r = call("GET", "/ok/world");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(seen_params.at("name"), "world");
    EXPECT_EQ(boost::json::parse(r.body).at("hello").as_string(), "world");
}

TEST_F(request_pipeline_test, unknown_route_is_404_json) {
    auto r = call("GET", "/missing");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(code_of(r), "not_found");
}

TEST_F(request_pipeline_test, wrong_method_is_405_with_allow) {
    auto r = call("DELETE", "/echo");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(code_of(r), "method_not_allowed");
    EXPECT_EQ(header(r, "Allow"), "POST");
}

TEST_F(request_pipeline_test, malformed_json_is_400_before_the_handler) {
    auto r = call("POST", "/echo", "{\"a\":", {{"content-type", "application/json"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(code_of(r), "malformed_json");
}

TEST_F(request_pipeline_test, handler_receives_the_parsed_body) {
    auto r = call("POST", "/echo", R"({"a":1})", {{"content-type", "application/json"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(boost::json::parse(r.body).at("a").as_int64(), 1);
    auto not_json = call("POST", "/echo", "a=1", {{"content-type", "text/plain"}});
    EXPECT_EQ(not_json.status, 415);
}

TEST_F(request_pipeline_test, exceptions_map_to_statuses) {
    EXPECT_EQ(call("GET", "/refused").status, 403);
    auto down = call("GET", "/db-down");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(header(down, "Retry-After"), "1");
    auto bug = call("GET", "/bug");
    EXPECT_EQ(bug.status, 500);
    EXPECT_EQ(code_of(bug), "internal_error");
    EXPECT_EQ(bug.body.find("vector index"), std::string::npos);
}

TEST_F(request_pipeline_test, request_id_is_echoed_when_plain_and_generated_otherwise) {
    auto given = call("GET", "/missing", "", {{"x-request-id", "pos-123.abc"}});
    EXPECT_EQ(header(given, "X-Request-Id"), "pos-123.abc");
    EXPECT_EQ(boost::json::parse(given.body).at("error").at("request_id").as_string(), "pos-123.abc");

    auto hostile = call("GET", "/missing", "", {{"x-request-id", "a\"b\nc"}});
    const auto generated = header(hostile, "X-Request-Id");
    EXPECT_EQ(generated.size(), 24u);
    EXPECT_EQ(generated.find('"'), std::string::npos);

    auto none = call("GET", "/missing");
    EXPECT_EQ(header(none, "X-Request-Id").size(), 24u);
    EXPECT_NE(header(none, "X-Request-Id"), generated);
}

TEST_F(request_pipeline_test, every_request_is_logged_and_counted_by_route_pattern) {
    call("GET", "/ok/a", "", {{"x-request-id", "rid-log-1"}});
    call("GET", "/ok/b");
    const auto text = log.text();
    EXPECT_NE(text.find("\"event\":\"http_request\""), std::string::npos);
    EXPECT_NE(text.find("\"request_id\":\"rid-log-1\""), std::string::npos);
    EXPECT_NE(metrics.render().find("sharedstore_http_requests_total{route=\"/ok/{name}\",method=\"GET\",status=\"200\"} 2"),
              std::string::npos)
        << metrics.render();
}

}  // namespace
