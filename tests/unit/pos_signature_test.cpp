#include "common/sha256.hpp"
#include "server/services/pos_signature.hpp"

#include <gtest/gtest.h>

#include <cctype>

using namespace sharedstore;
using namespace std::chrono_literals;

namespace {

// The worked example of docs/pos-callbacks.md, computed independently with
// `printf '...' | openssl dgst -sha256 -hmac sk_test_secret`.
pos_signed_request worked_example() {
    return {"pk_example",
            "1764230400",
            "n0nce-0123456789ab",
            "ea75689274531a0eb754bd475966870a0e0744ac6b787fcfbcc444faef270af3",
            "POST",
            "/api/v1/pos/orders",
            R"({"merchant_order_id":"A-1001","user_id":"42","amount_fen":12800,"paid_at":"2025-11-27T08:00:00Z"})"};
}
const auto example_time = std::chrono::system_clock::time_point(std::chrono::seconds(1764230400));

TEST(pos_signature, the_documented_example_verifies) {
    auto r = worked_example();
    EXPECT_EQ(check_pos_headers(r, example_time + 10s), std::nullopt);
    EXPECT_TRUE(pos_signature_matches(r, "sk_test_secret"));
    for (auto& c : r.signature) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(pos_signature_matches(r, "sk_test_secret")) << "hex case does not matter";
}

TEST(pos_signature, any_change_to_the_signed_parts_or_the_key_breaks_it) {
    EXPECT_FALSE(pos_signature_matches(worked_example(), "sk_test_secreT"));
    auto body = worked_example();
    body.body.replace(body.body.find("12800"), 5, "12801");
    EXPECT_FALSE(pos_signature_matches(body, "sk_test_secret"));
    auto path = worked_example();
    path.path = "/api/v1/pos/refunds";
    EXPECT_FALSE(pos_signature_matches(path, "sk_test_secret"));
    auto method = worked_example();
    method.method = "PUT";
    EXPECT_FALSE(pos_signature_matches(method, "sk_test_secret"));
    auto nonce = worked_example();
    nonce.nonce = "n0nce-0123456789ac";
    EXPECT_FALSE(pos_signature_matches(nonce, "sk_test_secret"));
    auto timestamp = worked_example();
    timestamp.timestamp = "1764230401";
    EXPECT_FALSE(pos_signature_matches(timestamp, "sk_test_secret"));
}

TEST(pos_signature, headers_are_checked_before_any_lookup) {
    auto missing = worked_example();
    missing.nonce.clear();
    EXPECT_EQ(check_pos_headers(missing, example_time), pos_signature_problem::missing_header);
    auto short_nonce = worked_example();
    short_nonce.nonce = "abc";
    EXPECT_EQ(check_pos_headers(short_nonce, example_time), pos_signature_problem::malformed_header);
    auto odd_nonce = worked_example();
    odd_nonce.nonce = "n0nce 0123456789ab";
    EXPECT_EQ(check_pos_headers(odd_nonce, example_time), pos_signature_problem::malformed_header);
    auto short_signature = worked_example();
    short_signature.signature.pop_back();
    EXPECT_EQ(check_pos_headers(short_signature, example_time), pos_signature_problem::malformed_header);
    auto words = worked_example();
    words.timestamp = "17642304OO";
    EXPECT_EQ(check_pos_headers(words, example_time), pos_signature_problem::malformed_header);
    EXPECT_EQ(check_pos_headers(worked_example(), example_time + 300s), std::nullopt);
    EXPECT_EQ(check_pos_headers(worked_example(), example_time + 301s), pos_signature_problem::stale_timestamp);
    EXPECT_EQ(check_pos_headers(worked_example(), example_time - 301s), pos_signature_problem::stale_timestamp);
}

TEST(pos_signature, hmac_matches_rfc_4231_case_2) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
