#include "wechat/access_token_provider.hpp"
#include "wechat/wechat_api.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;

TEST(wechat_error_of, missing_errcode_means_success) {
    EXPECT_EQ(wechat_error_of(boost::json::parse(R"({"openid":"o","session_key":"k"})").as_object()).errcode, 0);
    auto e = wechat_error_of(boost::json::parse(R"({"errcode":40029,"errmsg":"invalid code"})").as_object());
    EXPECT_EQ(e.errcode, 40029);
    EXPECT_EQ(e.errmsg, "invalid code");
    EXPECT_FALSE(e.unreachable);
}

TEST(access_token_errors, are_the_token_errcodes_only) {
    EXPECT_TRUE(is_access_token_error(40001));
    EXPECT_TRUE(is_access_token_error(42001));
    EXPECT_TRUE(is_access_token_error(41001));
    EXPECT_FALSE(is_access_token_error(40029));
    EXPECT_FALSE(is_access_token_error(-1));
}
