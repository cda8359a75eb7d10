// WeChat Pay notifications opened with fixed vectors made outside this code base (Python's
// `cryptography`: RSA-SHA256 PKCS#1 v1.5 over "timestamp\nnonce\nbody\n", AES-256-GCM resource),
// so that a bug shared by our signer and our verifier cannot hide.
#include "tests/support/test_keys.hpp"
#include "wechat/pay/pay_notification.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::wechat_pay;
using namespace std::chrono_literals;

namespace {

// Platform certificate mode: tests/support/test_keys.hpp's key, under a certificate serial.
const std::string certificate_serial_1 = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
// Public key mode: a second key, under its public key id.
const std::string public_key_id = "PUB_KEY_ID_0114232134912410000000000000";
const char* second_public_key = R"pem(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr0NHr1o6edatKNmf86s/
2p/DDAidwBlH8Gyqq6SNEdjHW72KRJU0qh9utsfwbVKW+G/aECNsbzPCEMBuTWNu
iK1uzZpJSzXdc3fIJGQBHpFmvPoS7wy/Tzm4Mzqyuy+H6YpNfYiQoax86/jh9K6D
tcpSoGdyz69TVfTimarMpxoCDK79+dcjX3XapwjlMb6QRFP7Ry2IiNTeYqJA+nv3
wXMm5svwh4qvI5DN60DyehuJB7DHKAFxfEctXyY7GSuG9cfIKezNEE5bvnymou7Q
4D0GabkdTNp7aKjLuidPnO0Z1j5s90ex001E8T3OjqdyH/OQjcyvt4hnT1TRmILr
8wIDAQAB
-----END PUBLIC KEY-----)pem";
const std::string apiv3_key = "0123456789abcdefABCDEFGHIJKLMNOP";
const auto signed_at = std::chrono::system_clock::time_point(std::chrono::seconds(1764230400));

// TRANSACTION.SUCCESS signed with the certificate key.
const std::string payment_body = R"json({"id":"EV-1","create_time":"2026-11-27T15:00:01+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"x","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"nooxWDDQ6pfzYIgp8FcEbeMlehxveJUrmitz1CNhwdnb/lR8MAaqBxGUoXoOMTzrV9u+ac1rF6TdIPkcqBYI7reOl0t0W+tzF+dmcWcSZXNUKlzSkkKlLAb8a9O0VLPh6EFLMfFmMEqcHTkUukQJnaaaVYHh96ldz6NC29iOW60mqX3GcdLomU2e3FsXBGwyenN23AJf02TSdf8OEVvdKf52pm8ndJ3tSMhkmX8ySzyjUkDx++XRe9hikiHyF+3a9YtwKyCvDL75Cw3SBgbJNUyZohfxI1V3NKHXSW/bzCoRITOcVxNwUJXQPL+H7Zz3MhXl36WVS/nLPQ/bCm3ap9K51YTw7E37nFaYTZoL5GYWnU7ukGryLKOj3/MakU8jT7zepxJbY9JCaHVwfn7sIQg2BhcbTZ/kuda6YWIgOC7Mnyba9ln/wm4TZ2fBdII0IEk5cLh/JS5J3FfITdOjbKdzdf5Y9mjZsRn/HlPHvaT9gINk+6NG0xgvkRvhFzzPzkqry1NG3/Pa8/bHWjLNaqQSJIT2cFY9hRWJk4nt9BcZ3NKpHi5jmvw9FsrYLCFhjVmPDtXr+Pg=","associated_data":"transaction","nonce":"nonceABCDEF1"}})json";
const signed_headers payment_headers{certificate_serial_1, "fQCm2ut6rwREjv1JuqGPlDrT0ZZpkAn4RZvqAMbYpk8aw+OV5ZNGo7mj5lZJLs4p6H280AuIU5y0PpswK3XSNmCOozGOSR0Bft7Yxf+XXfL2dztDflUxduLVMdCzB+TkhGVzNAY4EhCTnmwYu8x0p4/1H0afDR4gckHOMZFnwDFrcpmeRzByJcp+GCcLO1Lg5/fj8TMMqn9AYvJqqjx9wtWWYeF78tbsCeHdIoU5G5Wh2tc8zIRelmPmBTudjVwoINXB8SnsgKpV3KeqhINHWboWHodiZn9KO0p/RD5jpCI+4EIbm74KBird2Idjm84IVn77vXPdB/X6v6G2kBv41w==", "1764230400", "hdrnonce1"};
// REFUND.SUCCESS signed with the public key.
const std::string refund_body = R"json({"id":"EV-2","create_time":"2026-11-27T15:00:01+08:00","resource_type":"encrypt-resource","event_type":"REFUND.SUCCESS","summary":"x","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"RuahkS0L7R63a1vE2R6vqo451y7y3qwQm0+AMyKOx2ZnrJDY2hux02a1aeFelhAlY5FFpNryd3rU+952VzhaNbGiITW37KFVwZA9N3VhFz/eOv8jkIz2ZyWD0GF+nKcniGIKhC/D9e1xjAZq41twMZq2MhHNrQxn842OtVqnQvUMGIkyfdMrKh+JkEz0VGB/zaIuTEfac08xuNhU5IWClIGqgSLkvawKA82lwt5aFmlLIh1o6VVF61FihQsR+/Nmtt5NzNXvtCW6rLFrPWHW09729N7g++4YUKdjQxTSZ6luqRUvtp+sMQuF+b439J6S8tG10K0xYP36+6ZpGTckmgSrX35zRPkQcG7Ws2Df0zNFG4U1R34KuttnWo2AWlfwYZWZhs6fe4Gv0GT97K8HtfysqRQOQ6I9YD0MbcurAmgIMzOcZS0lE+zwekPPAhaR8H2df8c1f8sjh8n3bLP4E3KKnnu/00d0VxAZ521tUmYlhbxuuD2aBkI=","associated_data":"refund","nonce":"nonceABCDEF2"}})json";
const signed_headers refund_headers{public_key_id, "U7+K8rhj1fTQImZovxQ/s/9nXdJgJz6CtwEmSUiM8X5l83OLSeflcl/u6/VdnVYk1aAsaGRApupMsRvk14JMo8JX4fDpR5eHPUFp7jGBmNAUn+oNaoIxPo51etydz3gr8OvRe/FsomnqE0oktiKP2gDxObt3RL90P1b1HERcgTebpgKu2dFArUbRg5+EMJDIUwGUtO256/OfZLezY5uYBPqnrGpsF0qUxfXhzcaIHqKdxvGfA1dKxQH9NX9TNSrWVuftM9sQ9Jx/VVBOtyyQEomheZBuPehDo/DlLNyOnka5Gt3Z9YirfOG41x7kBnHi169vRuJ58UiGmdoAFFtTbA==", "1764230400", "hdrnonce2"};

signature_verifier both_modes() {
    return signature_verifier({{certificate_serial_1, public_key::from_pem(test_support::test_public_key)},
                               {public_key_id, public_key::from_pem(second_public_key)}},
                              apiv3_key);
}

TEST(pay_notification, a_payment_signed_in_certificate_mode_opens_and_decodes) {
    auto opened = both_modes().open_notification(payment_headers, payment_body, signed_at + 10s);
    ASSERT_TRUE(opened) << to_string(opened.error());
    EXPECT_EQ(opened.value().id, "EV-1");
    EXPECT_EQ(opened.value().event_type, "TRANSACTION.SUCCESS");
    const auto& t = std::get<transaction_info>(opened.value().resource);
    EXPECT_EQ(t.out_trade_no, "SS2026112700000001");
    EXPECT_EQ(t.transaction_id, "4200000001202611270000000001");
    EXPECT_EQ(t.trade_state, "SUCCESS");
    EXPECT_EQ(t.total, 12800);
    EXPECT_EQ(t.payer_total, 12800);
    EXPECT_EQ(t.payer_openid, "oUser0000000000000000000001");
    EXPECT_EQ(t.success_time, "2026-11-27T15:00:00+08:00");
}

TEST(pay_notification, a_refund_signed_in_public_key_mode_opens_and_decodes) {
    auto opened = both_modes().open_notification(refund_headers, refund_body, signed_at - 10s);
    ASSERT_TRUE(opened) << to_string(opened.error());
    const auto& f = std::get<refund_info>(opened.value().resource);
    EXPECT_EQ(f.refund_id, "50000000012026112700000001");
    EXPECT_EQ(f.refund_status, "SUCCESS");
    EXPECT_EQ(f.refund, 3000);
    EXPECT_EQ(f.total, 12800);
}

TEST(pay_notification, the_wrong_key_for_a_serial_fails_the_signature) {
    signature_verifier swapped({{certificate_serial_1, public_key::from_pem(second_public_key)}}, apiv3_key);
    auto opened = swapped.open_notification(payment_headers, payment_body, signed_at);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), open_failure::bad_signature);
}

TEST(pay_notification, an_unknown_serial_is_refused_before_any_verification) {
    auto headers = payment_headers;
    headers.serial = "PUB_KEY_ID_9999";
    EXPECT_EQ(both_modes().open_notification(headers, payment_body, signed_at).error(), open_failure::unknown_serial);
}

TEST(pay_notification, a_tampered_body_fails_the_signature) {
    auto body = payment_body;
    body.replace(body.find("EV-1"), 4, "EV-2");
    EXPECT_EQ(both_modes().open_notification(payment_headers, body, signed_at).error(), open_failure::bad_signature);
    // Re-serialised JSON (here: one added space) is a different body too.
    auto spaced = payment_body;
    spaced.insert(1, " ");
    EXPECT_EQ(both_modes().open_notification(payment_headers, spaced, signed_at).error(), open_failure::bad_signature);
}

TEST(pay_notification, a_tampered_ciphertext_does_not_open_even_when_signed) {
    // Flip one character of the ciphertext, then sign the new body with the platform key, as an
    // attacker holding the key but not the API v3 key could: the GCM tag refuses it.
    auto body = payment_body;
    const auto at = body.find("\"ciphertext\":\"") + 14;
    body[at] = body[at] == 'A' ? 'B' : 'A';
    auto headers = payment_headers;
    headers.signature = private_key::from_pem(test_support::test_private_key).sign(response_message(headers.timestamp, headers.nonce, body));
    EXPECT_EQ(both_modes().open_notification(headers, body, signed_at).error(), open_failure::undecryptable);
}

TEST(pay_notification, the_wrong_api_v3_key_does_not_open) {
    // Correctly signed, but the resource does not decrypt: verify with a verifier whose key is wrong.
    signature_verifier wrong_key({{certificate_serial_1, public_key::from_pem(test_support::test_public_key)}},
                                 "0123456789abcdefABCDEFGHIJKLMNOQ");
    EXPECT_EQ(wrong_key.open_notification(payment_headers, payment_body, signed_at).error(), open_failure::undecryptable);
}

TEST(pay_notification, a_stale_timestamp_or_a_missing_header_is_refused) {
    EXPECT_EQ(both_modes().open_notification(payment_headers, payment_body, signed_at + 301s).error(), open_failure::stale_timestamp);
    EXPECT_EQ(both_modes().open_notification(payment_headers, payment_body, signed_at - 301s).error(), open_failure::stale_timestamp);
    EXPECT_TRUE(both_modes().open_notification(payment_headers, payment_body, signed_at + 300s));
    for (int field = 0; field < 4; ++field) {
        auto headers = payment_headers;
        std::string* parts[] = {&headers.serial, &headers.signature, &headers.timestamp, &headers.nonce};
        parts[field]->clear();
        EXPECT_EQ(both_modes().open_notification(headers, payment_body, signed_at).error(), open_failure::missing_header) << field;
    }
    auto words = payment_headers;
    words.timestamp = "17642304OO";
    EXPECT_EQ(both_modes().open_notification(words, payment_body, signed_at).error(), open_failure::stale_timestamp);
}

TEST(pay_notification, decoders_refuse_missing_fields) {
    EXPECT_FALSE(decode_transaction(boost::json::object{{"appid", "a"}}));
    boost::json::object paid{{"appid", "a"}, {"mchid", "m"}, {"out_trade_no", "o"}, {"trade_state", "SUCCESS"},
                             {"amount", boost::json::object{{"total", 1}}}};
    EXPECT_FALSE(decode_transaction(paid)) << "SUCCESS without transaction_id";
    paid["trade_state"] = "NOTPAY";
    EXPECT_TRUE(decode_transaction(paid));
    paid["amount"] = boost::json::object{{"total", "1"}};
    EXPECT_FALSE(decode_transaction(paid)) << "amounts are integers";
    paid["amount"] = boost::json::object{{"total", -1}};
    EXPECT_FALSE(decode_transaction(paid));
}

}  // namespace
