#include "common/dependency_error.hpp"
#include "server/http/api_error.hpp"
#include "tests/support/capture_log.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

boost::json::object body_of(const http_response& r) { return boost::json::parse(r.body).as_object(); }

std::optional<std::string> header_of(const http_response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return std::nullopt;
}

http_request request_with_id(std::string id) {
    http_request r;
    r.request_id = std::move(id);
    r.route = "/x";
    return r;
}

TEST(error_response, has_the_documented_shape) {
    auto r = error_response(404, "not_found", "no such endpoint", "rid-1");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json");
    auto error = body_of(r).at("error").as_object();
    EXPECT_EQ(error.at("code").as_string(), "not_found");
    EXPECT_EQ(error.at("message").as_string(), "no such endpoint");
    EXPECT_EQ(error.at("request_id").as_string(), "rid-1");
    EXPECT_EQ(body_of(r).size(), 1u);
}

TEST(response_for_exception, api_error_keeps_status_code_and_headers) {
    test_support::captured_log log;
    api_error e(429, "rate_limited", "slow down");
    e.headers.emplace_back("Retry-After", "30");
    auto r = response_for_exception(std::make_exception_ptr(e), request_with_id("a"), log.log());
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(body_of(r).at("error").at("code").as_string(), "rate_limited");
    EXPECT_EQ(header_of(r, "Retry-After"), "30");
}

TEST(response_for_exception, unavailable_dependency_is_503_with_retry_after) {
    test_support::captured_log log;
    auto r = response_for_exception(std::make_exception_ptr(dependency_unavailable("mysql", "mysql: connection lost")),
                                    request_with_id("b"), log.log());
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(body_of(r).at("error").at("code").as_string(), "dependency_unavailable");
    EXPECT_EQ(header_of(r, "Retry-After"), "1");
    EXPECT_NE(log.text().find("\"dependency\":\"mysql\""), std::string::npos);
}

TEST(response_for_exception, unexpected_exception_is_a_500_that_tells_nothing) {
    test_support::captured_log log;
    auto r = response_for_exception(std::make_exception_ptr(std::runtime_error("table users: secret detail")),
                                    request_with_id("c"), log.log());
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(body_of(r).at("error").at("code").as_string(), "internal_error");
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
    // ... while the log keeps it, tied to the request id, for operators.
    const auto text = log.text();
    EXPECT_NE(text.find("secret detail"), std::string::npos);
    EXPECT_NE(text.find("\"request_id\":\"c\""), std::string::npos);
}

TEST(response_for_exception, non_standard_exception_is_a_500) {
    test_support::captured_log log;
    auto r = response_for_exception(std::make_exception_ptr(42), request_with_id("d"), log.log());
    EXPECT_EQ(r.status, 500);
}

TEST(json_body, strict_parsing) {
    EXPECT_NO_THROW(parse_json_body(R"({"a":[1,2,{"b":null}]})"));
    for (const char* bad : {"", "{", "{'a':1}", "{\"a\":1,}", "[1] [2]", "{\"a\":1} // c", "nul"}) {
        try {
            parse_json_body(bad);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const api_error& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_EQ(e.code(), "malformed_json");
        }
    }
    std::string deep(100, '[');
    deep += std::string(100, ']');
    EXPECT_THROW(parse_json_body(deep), api_error);
}

TEST(json_body, content_type_detection) {
    http_request r;
    EXPECT_FALSE(has_json_content_type(r));
    r.headers = {{"content-type", "Application/JSON; charset=utf-8"}};
    EXPECT_TRUE(has_json_content_type(r));
    r.headers = {{"content-type", "application/jsonp"}};
    EXPECT_FALSE(has_json_content_type(r));
    r.headers = {{"content-type", "text/plain"}};
    EXPECT_FALSE(has_json_content_type(r));
}

TEST(json_body, require_object) {
    http_request r;
    r.body = "a=1";
    r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
    try {
        require_json_object(r);
        ADD_FAILURE();
    } catch (const api_error& e) {
        EXPECT_EQ(e.status(), 415);
        EXPECT_EQ(e.code(), "unsupported_media_type");
    }
    r.headers = {{"content-type", "application/json"}};
    r.json = boost::json::parse("[1]");
    try {
        require_json_object(r);
        ADD_FAILURE();
    } catch (const api_error& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.code(), "invalid_body");
    }
    r.json = boost::json::parse(R"({"x":1})");
    EXPECT_EQ(require_json_object(r).at("x").as_int64(), 1);
}

}  // namespace
