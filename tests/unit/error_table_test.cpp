// The one error table: every service_failure has its row (status, stable code, message) and its
// code is documented in docs/errors.md, so a new failure cannot reach a client undocumented.
#include "server/handlers/service_errors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace sharedstore;

namespace {

std::string errors_doc() {
    std::ifstream in(std::string(SHAREDSTORE_SOURCE_DIR) + "/docs/errors.md");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(error_table, every_failure_has_a_row_and_a_documented_code) {
    const auto doc = errors_doc();
    ASSERT_FALSE(doc.empty());
    for (int i = 0; i <= static_cast<int>(last_service_failure); ++i) {
        const auto kind = static_cast<service_failure>(i);
        auto row = error_mapping_of(kind);
        ASSERT_TRUE(row) << "service_failure " << i << " has no row";
        EXPECT_GE(row->status, 400) << row->code;
        EXPECT_LT(row->status, 600) << row->code;
        EXPECT_FALSE(row->message.empty()) << row->code;
        EXPECT_NE(doc.find("| " + std::to_string(row->status) + " | `" + std::string(row->code) + "` |"), std::string::npos)
            << "docs/errors.md has no line for " << row->status << " " << row->code;
    }
}

TEST(error_table, a_failure_becomes_its_rows_status_code_details_and_retry_after) {
    auto tiers = to_api_error(failure(service_failure::invalid_tiers, {{"tiers[0].ratio_bp", "too_high", "at most 10000"}}));
    EXPECT_EQ(tiers.status(), 400);
    EXPECT_EQ(tiers.code(), "invalid_tiers");
    EXPECT_EQ(tiers.details.at("problems").as_array().size(), 1u);

    auto busy = to_api_error(failure(service_failure::wechat_pay_failed));
    EXPECT_EQ(busy.status(), 502);
    ASSERT_EQ(busy.headers.size(), 1u);
    EXPECT_EQ(busy.headers[0].second, "5") << "the row's own Retry-After";

    auto limited = to_api_error(service_error{.kind = service_failure::login_rate_limited, .problems = {}, .retry_after = std::chrono::seconds(17), .detail = {}});
    EXPECT_EQ(limited.status(), 429);
    EXPECT_EQ(limited.headers.at(0).second, "17") << "the failure's own Retry-After wins";

    auto odd = to_api_error(service_error{.kind = service_failure::wechat_error, .problems = {}, .retry_after = {}, .detail = "errcode 40013"});
    EXPECT_EQ(odd.status(), 502);
    EXPECT_NE(odd.message().find("errcode 40013"), std::string::npos);
}

}  // namespace
