#include "server/http/api_error.hpp"
#include "server/http/request_params.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

http_request with_query(std::string query) {
    http_request request;
    request.query = std::move(query);
    return request;
}

int status_of(const std::string& query, std::initializer_list<std::string_view> filters = {}) {
    try {
        read_list_query(with_query(query), filters);
        return 200;
    } catch (const api_error& e) {
        return e.status();
    }
}

TEST(request_params, list_queries_read_limit_cursor_and_named_filters) {
    auto q = read_list_query(with_query("limit=5&cursor=c42&status=paused"), {"status"});
    EXPECT_EQ(q.limit, 5);
    EXPECT_EQ(q.before_id, 42u);
    EXPECT_EQ(q.choice_filter("status", {"active", "paused"}), "paused");
    EXPECT_EQ(q.id_filter("partner_id"), std::nullopt);
    auto defaults = read_list_query(with_query(""));
    EXPECT_EQ(defaults.limit, 20);
    EXPECT_EQ(defaults.before_id, 0u);
}

TEST(request_params, anything_unexpected_in_a_list_query_is_a_400) {
    EXPECT_EQ(status_of("limit=0"), 400);
    EXPECT_EQ(status_of("limit=101"), 400);
    EXPECT_EQ(status_of("limit=5x"), 400);
    EXPECT_EQ(status_of("cursor=42"), 400);
    EXPECT_EQ(status_of("cursor=c"), 400);
    EXPECT_EQ(status_of("cursor=c-1"), 400);
    EXPECT_EQ(status_of("colour=red"), 400);
    EXPECT_EQ(status_of("status=a&status=b", {"status"}), 400) << "a repeated filter is ambiguous";
    EXPECT_EQ(status_of("limit=1&limit=2"), 400) << "a repeated limit is ambiguous";
    EXPECT_EQ(status_of("limit=5&limit=5"), 400) << "even with the same value";
    EXPECT_EQ(status_of("cursor=c1&cursor=c2"), 400);
    auto q = read_list_query(with_query("partner_id=abc&status=gone"), {"partner_id", "status"});
    EXPECT_THROW(q.id_filter("partner_id"), api_error);
    EXPECT_THROW(q.choice_filter("status", {"active"}), api_error);
}

TEST(request_params, ids_are_positive_decimals_and_a_bad_path_id_names_nothing) {
    EXPECT_EQ(parse_decimal_id("123"), 123u);
    for (auto bad : {"", "0", "-1", "+1", " 1", "1 ", "1e3", "0x10", "99999999999999999999"}) EXPECT_EQ(parse_decimal_id(bad), std::nullopt) << bad;
    http_request request;
    request.path_params["partner_id"] = "12a";
    try {
        id_param(request, "partner_id", "partner");
        FAIL() << "a malformed id was accepted";
    } catch (const api_error& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.code(), "partner_not_found");
    }
}

}  // namespace
