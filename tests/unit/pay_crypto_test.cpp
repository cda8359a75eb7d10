#include "tests/support/test_keys.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <gtest/gtest.h>

using namespace sharedstore::wechat_pay;

namespace {

using sharedstore::test_support::test_private_key;
using sharedstore::test_support::test_public_key;

// A signature of `message` with the test key, made with the openssl command line
// (`openssl dgst -sha256 -sign`): an answer computed outside this code.
const std::string message = "1700000000\nnonce123\n{\"a\":1}\n";
const std::string openssl_signature = "oCXibl4f0LQcdj+416ldOdgjH6nHxUdIdOuS0rdVTVWjIXPGXgS6XBlnBfp0w+QGJOjW+gWi5ZhwLrybOIAszxVzgRXGCLanxPNgygwAOAR3lR2kt73txMNrFbcYVy1YStRRQfPUZQmzB4ADrjm6fGZDLigz7W+eTyI+QBOfrx/0I16GNIqbZv1MCHW+plyPeO/QQPjiFEgHHpUIYuifn8KpBzf04fRanbNwxvof01J+wB7vzohJMbowzifZyKWRgAUX30qeIFfwbdt3al9PrhNeglPXp37rFFwjJyalhnJjYfwytFGUVRqOI0Wp8kJ91UgFtFSdBKXBLlTaJAvpJQ==";

std::string hex_to_bytes(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

TEST(pay_crypto, signature_matches_openssl_and_verifies) {
    auto signer = private_key::from_pem(test_private_key);
    EXPECT_EQ(signer.sign(message), openssl_signature);  // PKCS#1 v1.5 is deterministic
    auto verifier = public_key::from_pem(test_public_key);
    EXPECT_TRUE(verifier.verify(message, openssl_signature));
}

TEST(pay_crypto, verification_refuses_any_change) {
    auto verifier = public_key::from_pem(test_public_key);
    EXPECT_FALSE(verifier.verify(message + " ", openssl_signature));
    EXPECT_FALSE(verifier.verify("1700000000\nnonce124\n{\"a\":1}\n", openssl_signature));
    std::string flipped = openssl_signature;
    flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifier.verify(message, flipped));
    EXPECT_FALSE(verifier.verify(message, ""));
    EXPECT_FALSE(verifier.verify(message, "not base64!"));
}

TEST(pay_crypto, keys_of_the_wrong_kind_are_refused) {
    EXPECT_THROW(private_key::from_pem(test_public_key), std::runtime_error);
    EXPECT_THROW(public_key::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), std::runtime_error);
}

// Test case 14 of the GCM specification (McGrew and Viega): zero key, zero IV, 16 zero bytes.
TEST(pay_crypto, aes_gcm_matches_the_specification_vector) {
    const std::string key(32, '\0'), nonce(12, '\0'), plaintext(16, '\0');
    const auto sealed = aes_256_gcm_encrypt(key, nonce, "", plaintext);
    EXPECT_EQ(*base64_decode(sealed), hex_to_bytes("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"));
    EXPECT_EQ(aes_256_gcm_decrypt(key, nonce, "", sealed), plaintext);
}

// WeChat-shaped input (ASCII API v3 key, 12-character nonce, associated data), sealed by
// Python's `cryptography` package.
TEST(pay_crypto, aes_gcm_opens_a_resource_sealed_elsewhere_and_refuses_tampering) {
    const std::string key = "0123456789abcdef0123456789abcdef";
    const std::string sealed = "Eu6myr+6GaECeJdOZPZ6BX5lij3EGePUfX8XdVaseh2e/3kcJQ==";
    EXPECT_EQ(aes_256_gcm_decrypt(key, "abcdefghijkl", "transaction", sealed), "{\"out_trade_no\":\"T1\"}");
    EXPECT_EQ(aes_256_gcm_encrypt(key, "abcdefghijkl", "transaction", "{\"out_trade_no\":\"T1\"}"), sealed);
    EXPECT_FALSE(aes_256_gcm_decrypt(key, "abcdefghijkl", "refund", sealed));
    EXPECT_FALSE(aes_256_gcm_decrypt(key, "abcdefghijkm", "transaction", sealed));
    EXPECT_FALSE(aes_256_gcm_decrypt("0123456789abcdef0123456789abcdeX", "abcdefghijkl", "transaction", sealed));
    std::string tampered = sealed;
    tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(aes_256_gcm_decrypt(key, "abcdefghijkl", "transaction", tampered));
    EXPECT_FALSE(aes_256_gcm_decrypt(key, "abcdefghijkl", "transaction", "AAAA"));
    EXPECT_FALSE(aes_256_gcm_decrypt("short", "abcdefghijkl", "transaction", sealed));
}

TEST(pay_crypto, base64_round_trip_and_strictness) {
    for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
    EXPECT_FALSE(base64_decode("aGVsbG8"));
    EXPECT_FALSE(base64_decode("aGVs bG8="));
}

TEST(pay_crypto, signed_messages_follow_wechat_layout) {
    EXPECT_EQ(request_message("POST", "/v3/pay/transactions/jsapi", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", "{}"),
              "POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{}\n");
    EXPECT_EQ(request_message("GET", "/v3/certificates", "1", "n", ""), "GET\n/v3/certificates\n1\nn\n\n");
    EXPECT_EQ(response_message("1", "n", "{}"), "1\nn\n{}\n");
    EXPECT_EQ(js_payment_message("wx1", "2", "n", "prepay_id=wx3"), "wx1\n2\nn\nprepay_id=wx3\n");
}

TEST(pay_crypto, authorization_header_round_trip_and_refusals) {
    authorization a{"1900000001", "593BEC0C930BF1AFEB40B4A08C8FB242", "c2ln", "1554208460", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"};
    const auto header = format_authorization(a);
    EXPECT_EQ(header.rfind("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",", 0), 0u);
    auto parsed = parse_authorization(header);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->serial_no, a.serial_no);
    EXPECT_EQ(parsed->signature, "c2ln");
    EXPECT_FALSE(parse_authorization("Bearer x"));
    EXPECT_FALSE(parse_authorization("WECHATPAY2-SHA256-RSA2048 mchid=\"1\",nonce_str=\"n\""));
    EXPECT_FALSE(parse_authorization("WECHATPAY2-SHA256-RSA2048 mchid=\"1"));
    EXPECT_FALSE(parse_authorization(header + ",mchid=\"2\""));
}

}  // namespace
