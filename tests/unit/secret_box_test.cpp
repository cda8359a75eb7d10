// Sealing the secrets the server must read back (POS API key secrets) under the data key.
#include "server/storage/secret_box.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace sharedstore;

namespace {

const std::string key_hex = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
const std::string secret = "sk_3f9c0a6b1e2d4c5b8a7f6e5d4c3b2a19081726354453627180f9e8d7c6b5a4f3";

std::string key() { return *parse_data_key_hex(key_hex); }

TEST(secret_box, data_key_is_exactly_64_hex_characters) {
    auto parsed = parse_data_key_hex(key_hex);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->size(), 32u);
    EXPECT_EQ(static_cast<unsigned char>((*parsed)[0]), 0x00);
    EXPECT_EQ(static_cast<unsigned char>((*parsed)[26]), 0x1a) << "upper case is hex too";
    EXPECT_EQ(static_cast<unsigned char>((*parsed)[31]), 0x1f);
    EXPECT_FALSE(parse_data_key_hex(""));
    EXPECT_FALSE(parse_data_key_hex(key_hex.substr(2))) << "31 bytes";
    EXPECT_FALSE(parse_data_key_hex(key_hex + "00")) << "33 bytes";
    EXPECT_FALSE(parse_data_key_hex("g" + key_hex.substr(1)));
    EXPECT_FALSE(parse_data_key_hex(" " + key_hex.substr(1)));
}

TEST(secret_box, sealed_secret_opens_with_the_same_key_and_associated_data) {
    const auto sealed = seal_secret(key(), "pk_1", secret);
    EXPECT_EQ(sealed.find(secret), std::string::npos);
    EXPECT_EQ(open_secret(key(), "pk_1", sealed), secret);
    EXPECT_EQ(open_secret(key(), "pk_1", seal_secret(key(), "pk_1", "")), "");
}

TEST(secret_box, layout_is_nonce_then_ciphertext_and_tag_in_base64) {
    const auto sealed = seal_secret(key(), "pk_1", secret);
    const auto bytes = wechat_pay::base64_decode(sealed);
    ASSERT_TRUE(bytes);
    ASSERT_EQ(bytes->size(), 12 + secret.size() + 16);
    // The same thing opened with the WeChat Pay primitive it is built on: nonce first, then
    // ciphertext || tag.
    EXPECT_EQ(wechat_pay::aes_256_gcm_decrypt(key(), bytes->substr(0, 12), "pk_1", wechat_pay::base64_encode(bytes->substr(12))), secret);
    EXPECT_LE(sealed.size(), 255u) << "fits pos_api_keys.secret_ciphertext";
}

TEST(secret_box, every_seal_uses_a_fresh_nonce) {
    const auto a = seal_secret(key(), "pk_1", secret), b = seal_secret(key(), "pk_1", secret);
    EXPECT_NE(a, b);
    EXPECT_NE(wechat_pay::base64_decode(a)->substr(0, 12), wechat_pay::base64_decode(b)->substr(0, 12));
}

TEST(secret_box, wrong_associated_data_key_or_any_change_fails_to_open) {
    const auto sealed = seal_secret(key(), "pk_1", secret);
    EXPECT_FALSE(open_secret(key(), "pk_2", sealed)) << "a sealed secret moved to another key id does not open";
    EXPECT_FALSE(open_secret(key(), "", sealed));
    auto other_key = key();
    other_key[0] ^= 1;
    EXPECT_FALSE(open_secret(other_key, "pk_1", sealed));
    auto bytes = *wechat_pay::base64_decode(sealed);
    for (std::size_t at : {std::size_t{0}, std::size_t{11}, std::size_t{12}, bytes.size() - 1}) {
        auto altered = bytes;
        altered[at] ^= 0x01;
        EXPECT_FALSE(open_secret(key(), "pk_1", wechat_pay::base64_encode(altered))) << "byte " << at;
    }
    EXPECT_FALSE(open_secret(key(), "pk_1", wechat_pay::base64_encode(bytes.substr(0, 27)))) << "too short";
    EXPECT_FALSE(open_secret(key(), "pk_1", "not base64!"));
    EXPECT_FALSE(open_secret(key(), "pk_1", ""));
    EXPECT_FALSE(open_secret(key().substr(1), "pk_1", sealed)) << "a 31-byte key opens nothing";
}

TEST(secret_box, sealing_needs_a_32_byte_key) {
    EXPECT_THROW(seal_secret(key().substr(1), "pk_1", secret), std::invalid_argument);
}

}  // namespace
