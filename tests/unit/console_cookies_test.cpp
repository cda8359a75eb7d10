// The console's cookies: read from Cookie headers, written with HttpOnly and SameSite=Strict
// always, Secure and the __Host-/__Secure- names over https (server/handlers/console_cookies.hpp).
#include "server/handlers/caller_authenticator.hpp"
#include "server/handlers/console_cookies.hpp"
#include "server/http/cookies.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

http_request with_cookies(std::vector<std::string> lines) {
    http_request request;
    for (auto& line : lines) request.headers.emplace_back("cookie", std::move(line));
    return request;
}

TEST(cookies, the_named_cookie_is_found_among_others_and_across_headers) {
    auto request = with_cookies({"a=1; sharedstore_console=abc ;b=2", "c=3"});
    EXPECT_EQ(cookie_value(request, "sharedstore_console"), "abc");
    EXPECT_EQ(cookie_value(request, "c"), "3");
    EXPECT_FALSE(cookie_value(request, "sharedstore"));
    EXPECT_FALSE(cookie_value(request, "console"));
    EXPECT_EQ(cookie_value(with_cookies({"x=\"quoted\""}), "x"), "quoted");
    EXPECT_EQ(cookie_value(with_cookies({"x=first; x=second"}), "x"), "first");
    EXPECT_FALSE(cookie_value(with_cookies({"novalue; ="}), "novalue"));
    EXPECT_FALSE(cookie_value(http_request{}, "x"));
}

TEST(cookies, console_cookies_are_written_exactly) {
    const console_cookies plain{.secure = false};
    EXPECT_EQ(plain.session("t0k", std::chrono::seconds(60)), "sharedstore_console=t0k; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
    EXPECT_EQ(plain.clear_session(), "sharedstore_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    EXPECT_EQ(plain.ticket("w", std::chrono::seconds(120)), "sharedstore_ticket=w; Path=/api/v1/console/tickets; Max-Age=120; HttpOnly; SameSite=Strict");
    const console_cookies secure{.secure = true};
    EXPECT_EQ(secure.session("t0k", std::chrono::seconds(60)),
              "__Host-sharedstore_console=t0k; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=Strict");
    EXPECT_EQ(secure.ticket("w", std::chrono::seconds(120)),
              "__Secure-sharedstore_ticket=w; Path=/api/v1/console/tickets; Max-Age=120; Secure; HttpOnly; SameSite=Strict");
}

TEST(cookies, writes_are_every_method_but_get_head_and_options) {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) EXPECT_TRUE(is_write_method(method)) << method;
    for (const char* method : {"GET", "HEAD", "OPTIONS"}) EXPECT_FALSE(is_write_method(method)) << method;
}

}  // namespace
