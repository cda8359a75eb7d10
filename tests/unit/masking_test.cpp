#include "server/domain/masking.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

TEST(mask_phone, mainland_mobile_keeps_three_and_four) {
    EXPECT_EQ(mask_phone("13812345678"), "138****5678");
}

TEST(mask_phone, short_and_odd_numbers_never_show_everything) {
    EXPECT_EQ(mask_phone(""), "");
    EXPECT_EQ(mask_phone("5"), "****");
    EXPECT_EQ(mask_phone("12"), "****");
    EXPECT_EQ(mask_phone("1234567"), "12****67");
    for (std::string number : {"1", "12", "123", "1234", "98765432", "6591234567"}) {
        auto masked = mask_phone(number);
        EXPECT_NE(masked.find("****"), std::string::npos) << number;
        EXPECT_EQ(masked.find(number), std::string::npos) << number;
    }
}

TEST(mask_openid, keeps_three_at_each_end) {
    EXPECT_EQ(mask_openid("oAbCdEfGh123456"), "oAb****456");
}
