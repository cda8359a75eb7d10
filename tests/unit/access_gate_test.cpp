// The gate in front of every handler: the declared access decides what is asked of the
// authenticator, a refusal is answered without running the handler, and the handler sees the caller.
#include "server/http/access.hpp"
#include "server/http/api_error.hpp"
#include "tests/support/run_awaitable.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace sharedstore;

namespace {

class recording_authenticator : public authenticator {
public:
    boost::asio::awaitable<authentication> authenticate(route_access required, const http_request& request) const override {
        asked.push_back(required);
        if (refuse) co_return error_response(401, "unauthenticated", "sign in first", request.request_id);
        caller who;
        who.user_id = 42;
        who.session_id = "s1";
        who.merchant_id = 7;
        co_return who;
    }
    mutable std::vector<route_access> asked;
    bool refuse = false;
};

class access_gate_test : public ::testing::Test {
protected:
    http_response call(route_access required) {
        auto handler = guarded(required, auth, [this](http_request&, const caller& who) -> boost::asio::awaitable<http_response> {
            seen.push_back(who);
            co_return http_response::json(200, boost::json::object{{"ok", true}});
        });
        http_request request;
        request.method = "GET";
        request.path = "/x";
        request.request_id = "r1";
        return test_support::run_awaitable(handler(request));
    }

    recording_authenticator auth;
    std::vector<caller> seen;
};

TEST_F(access_gate_test, a_public_route_asks_nothing_and_runs_with_an_empty_caller) {
    auto response = call(route_access::none);
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(auth.asked.empty());
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].user_id, 0u);
    EXPECT_EQ(seen[0].merchant_id, 0u);
}

TEST_F(access_gate_test, the_declared_access_is_what_the_authenticator_is_asked_for) {
    for (auto required : {route_access::user_session, route_access::pos_signature, route_access::wechat_pay_signature,
                          route_access::console_session, route_access::staff}) {
        auth.asked.clear();
        call(required);
        ASSERT_EQ(auth.asked.size(), 1u);
        EXPECT_EQ(auth.asked[0], required) << to_string(required);
    }
}

TEST_F(access_gate_test, the_handler_receives_the_caller_the_authenticator_established) {
    auto response = call(route_access::user_session);
    EXPECT_EQ(response.status, 200);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].user_id, 42u);
    EXPECT_EQ(seen[0].session_id, "s1");
    EXPECT_EQ(seen[0].merchant_id, 7u);
}

TEST_F(access_gate_test, a_refusal_is_the_answer_and_the_handler_never_runs) {
    auth.refuse = true;
    auto response = call(route_access::user_session);
    EXPECT_EQ(response.status, 401);
    EXPECT_NE(response.body.find("unauthenticated"), std::string::npos);
    EXPECT_TRUE(seen.empty());
}

TEST(access_names, are_the_words_of_the_access_control_document) {
    EXPECT_EQ(to_string(route_access::none), "none");
    EXPECT_EQ(to_string(route_access::user_session), "user_session");
    EXPECT_EQ(to_string(route_access::pos_signature), "pos_signature");
    EXPECT_EQ(to_string(route_access::wechat_pay_signature), "wechat_pay_signature");
    EXPECT_EQ(to_string(route_access::console_session), "console_session");
    EXPECT_EQ(to_string(route_access::staff), "staff");
}

}  // namespace
