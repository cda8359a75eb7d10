#include "common/http/router.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

route_handler tagged(int tag, std::vector<int>& calls) {
    return [tag, &calls](http_request&) -> boost::asio::awaitable<http_response> {
        calls.push_back(tag);
        co_return http_response{};
    };
}

class router_test : public ::testing::Test {
protected:
    std::vector<int> calls;
    router routes;
};

TEST_F(router_test, matches_literal_path_and_method) {
    routes.add("GET", "/healthz", tagged(1, calls));
    auto m = routes.match("GET", "/healthz");
    EXPECT_EQ(m.outcome, route_outcome::found);
    EXPECT_EQ(m.pattern, "/healthz");
    ASSERT_NE(m.handler, nullptr);
}

TEST_F(router_test, extracts_and_decodes_path_parameters) {
    routes.add("PUT", "/api/v1/merchants/{merchant_id}/tiers/{tier}", tagged(1, calls));
    auto m = routes.match("PUT", "/api/v1/merchants/42/tiers/gold%20plus");
    ASSERT_EQ(m.outcome, route_outcome::found);
    EXPECT_EQ(m.params.at("merchant_id"), "42");
    EXPECT_EQ(m.params.at("tier"), "gold plus");
    EXPECT_EQ(m.pattern, "/api/v1/merchants/{merchant_id}/tiers/{tier}");
}

TEST_F(router_test, unknown_path_is_not_found) {
    routes.add("GET", "/healthz", tagged(1, calls));
    EXPECT_EQ(routes.match("GET", "/nope").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "/healthz/").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "/healthz/extra").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "healthz").outcome, route_outcome::not_found);
}

TEST_F(router_test, known_path_with_other_method_is_405_with_sorted_allow) {
    routes.add("POST", "/api/v1/orders", tagged(1, calls));
    routes.add("GET", "/api/v1/orders", tagged(2, calls));
    auto m = routes.match("DELETE", "/api/v1/orders");
    EXPECT_EQ(m.outcome, route_outcome::method_not_allowed);
    EXPECT_EQ(m.allow, "GET, POST");
    EXPECT_EQ(m.pattern, "/api/v1/orders");
}

TEST_F(router_test, literal_segment_beats_parameter_whatever_the_order_added) {
    routes.add("GET", "/api/v1/users/{id}", tagged(1, calls));
    routes.add("GET", "/api/v1/users/me", tagged(2, calls));
    auto me = routes.match("GET", "/api/v1/users/me");
    ASSERT_EQ(me.outcome, route_outcome::found);
    EXPECT_EQ(me.pattern, "/api/v1/users/me");
    auto other = routes.match("GET", "/api/v1/users/7");
    ASSERT_EQ(other.outcome, route_outcome::found);
    EXPECT_EQ(other.pattern, "/api/v1/users/{id}");
}

TEST_F(router_test, empty_or_badly_encoded_parameter_does_not_match) {
    routes.add("GET", "/shares/{code}", tagged(1, calls));
    EXPECT_EQ(routes.match("GET", "/shares/").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "/shares/%zz").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "/shares/%4").outcome, route_outcome::not_found);
    EXPECT_EQ(routes.match("GET", "/shares/a%00b").outcome, route_outcome::not_found);
}

TEST_F(router_test, refuses_duplicate_and_malformed_patterns) {
    routes.add("GET", "/a/{x}", tagged(1, calls));
    EXPECT_THROW(routes.add("GET", "/a/{y}", tagged(2, calls)), std::invalid_argument);
    EXPECT_NO_THROW(routes.add("POST", "/a/{y}", tagged(3, calls)));
    EXPECT_THROW(routes.add("GET", "no-slash", tagged(4, calls)), std::invalid_argument);
    EXPECT_THROW(routes.add("GET", "/a{b}", tagged(5, calls)), std::invalid_argument);
}

TEST_F(router_test, a_tail_parameter_takes_the_rest_of_the_path_as_received) {
    routes.add("GET", "/console/{path...}", tagged(1, calls));
    auto deep = routes.match("GET", "/console/assets/a%2Fb/../c.js");
    ASSERT_EQ(deep.outcome, route_outcome::found);
    EXPECT_EQ(deep.params.at("path"), "assets/a%2Fb/../c.js") << "not decoded: its reader decides";
    EXPECT_EQ(deep.pattern, "/console/{path...}");
    auto root = routes.match("GET", "/console/");
    ASSERT_EQ(root.outcome, route_outcome::found);
    EXPECT_EQ(root.params.at("path"), "");
    EXPECT_EQ(routes.match("GET", "/console").outcome, route_outcome::not_found) << "at least one segment";
    EXPECT_EQ(routes.match("GET", "/consoles/x").outcome, route_outcome::not_found);
    auto post = routes.match("POST", "/console/x");
    EXPECT_EQ(post.outcome, route_outcome::method_not_allowed);
    EXPECT_EQ(post.allow, "GET");
}

TEST_F(router_test, a_route_of_the_paths_length_beats_a_tail_and_a_longer_prefix_a_shorter_one) {
    routes.add("GET", "/console/{path...}", tagged(1, calls));
    routes.add("GET", "/console/assets/{path...}", tagged(2, calls));
    routes.add("GET", "/console/{page}", tagged(3, calls));
    EXPECT_EQ(routes.match("GET", "/console/dashboard").pattern, "/console/{page}");
    EXPECT_EQ(routes.match("GET", "/console/assets/x.js").pattern, "/console/assets/{path...}");
    EXPECT_EQ(routes.match("GET", "/console/stores/1").pattern, "/console/{path...}");
}

TEST_F(router_test, a_tail_must_be_last_and_is_a_route_of_its_own) {
    EXPECT_THROW(routes.add("GET", "/a/{rest...}/b", tagged(1, calls)), std::invalid_argument);
    routes.add("GET", "/a/{rest...}", tagged(2, calls));
    EXPECT_NO_THROW(routes.add("GET", "/a/{one}", tagged(3, calls)));
    EXPECT_THROW(routes.add("GET", "/a/{other...}", tagged(4, calls)), std::invalid_argument);
}

TEST(percent_decode, decodes_and_rejects) {
    std::string out;
    EXPECT_TRUE(percent_decode("a%2Fb%2fc+d", out));
    EXPECT_EQ(out, "a/b/c+d");
    EXPECT_FALSE(percent_decode("%", out));
    EXPECT_FALSE(percent_decode("%G1", out));
    EXPECT_FALSE(percent_decode("%00", out));
}

}  // namespace
