// `sharedstore routes` prints what the server registers: tests/contract/route_table_vs_spec.mjs
// compares it with docs/openapi.yaml, so the listing must be the table, line for line.
#include "server/handlers/api_routes.hpp"
#include "server/handlers/route_listing.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sstream>

using namespace sharedstore;

TEST(route_listing, prints_every_route_of_the_table_then_the_websocket_endpoint) {
    const auto routes = api_routes();
    std::istringstream text(route_listing(routes));
    std::vector<boost::json::object> lines;
    for (std::string line; std::getline(text, line);) lines.push_back(boost::json::parse(line).as_object());
    ASSERT_EQ(lines.size(), routes.size() + 1);
    for (std::size_t i = 0; i < routes.size(); ++i) {
        EXPECT_EQ(lines[i].at("method").as_string(), routes[i].method);
        EXPECT_EQ(lines[i].at("pattern").as_string(), routes[i].pattern);
        EXPECT_EQ(lines[i].at("access").as_string(), to_string(routes[i].required));
        EXPECT_FALSE(lines[i].contains("endpoint")) << routes[i].pattern;
    }
    const auto& ws = lines.back();
    EXPECT_EQ(ws.at("method").as_string(), "GET");
    EXPECT_EQ(ws.at("pattern").as_string(), "/ws");
    EXPECT_EQ(ws.at("access").as_string(), "user_session");
    EXPECT_EQ(ws.at("endpoint").as_string(), "websocket");
}

TEST(route_listing, escapes_what_json_needs) {
    static constexpr route odd[] = {{"GET", "/a\"b", route_access::none, nullptr}};
    const auto text = route_listing(odd);
    const auto first = boost::json::parse(text.substr(0, text.find('\n'))).as_object();
    EXPECT_EQ(first.at("pattern").as_string(), "/a\"b");
}
