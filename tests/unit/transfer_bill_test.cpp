// The merchant transfer vocabulary of wechat/pay without I/O: states, request checks and body,
// answer decoding, what an error answer means, the payee's name sealed with RSA-OAEP, and the
// MCHTRANSFER.BILL.FINISHED notification opened by the pay notification verifier.
#include "tests/support/test_keys.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/pay_notification.hpp"
#include "wechat/pay/transfer_bill.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::wechat_pay;
namespace json = boost::json;

namespace {

transfer_request valid_request() {
    return transfer_request{.out_bill_no = "PB000000000000004201",
                            .transfer_scene_id = "1005",
                            .openid = "oPartner1",
                            .amount_fen = 1234,
                            .remark = "门店分红提现",
                            .user_name = "",
                            .user_recv_perception = "劳务报酬",
                            .scene_report_infos = {{"岗位类型", "门店合伙人"}, {"报酬说明", "2026-11 门店分红"}}};
}

TEST(transfer_bill_test, every_state_formats_as_wechat_names_it_and_parses_back) {
    const std::vector<std::pair<transfer_state, std::string>> names{
        {transfer_state::accepted, "ACCEPTED"},     {transfer_state::processing, "PROCESSING"},
        {transfer_state::wait_user_confirm, "WAIT_USER_CONFIRM"}, {transfer_state::transfering, "TRANSFERING"},
        {transfer_state::success, "SUCCESS"},       {transfer_state::fail, "FAIL"},
        {transfer_state::canceling, "CANCELING"},   {transfer_state::cancelled, "CANCELLED"}};
    for (const auto& [state, name] : names) {
        EXPECT_EQ(to_string(state), name);
        EXPECT_EQ(parse_transfer_state(name), state) << name;
    }
    for (const char* unknown : {"", "success", "TRANSFERRING", "CANCELED", "CLOSED", "WAIT_USER_CONFIRM "})
        EXPECT_FALSE(parse_transfer_state(unknown)) << unknown;
}

TEST(transfer_bill_test, only_success_fail_and_cancelled_are_final) {
    for (auto s : {transfer_state::success, transfer_state::fail, transfer_state::cancelled}) EXPECT_TRUE(is_final(s));
    for (auto s : {transfer_state::accepted, transfer_state::processing, transfer_state::wait_user_confirm, transfer_state::transfering,
                   transfer_state::canceling})
        EXPECT_FALSE(is_final(s)) << to_string(s);
}

TEST(transfer_bill_test, requests_wechat_would_refuse_are_caught_before_they_leave) {
    EXPECT_FALSE(transfer_request_problem(valid_request()));
    struct bad_case {
        const char* what;
        void (*spoil)(transfer_request&);
    };
    const bad_case cases[] = {
        {"empty number", [](transfer_request& r) { r.out_bill_no = ""; }},
        {"33-character number", [](transfer_request& r) { r.out_bill_no = std::string(33, '1'); }},
        {"number with a dash", [](transfer_request& r) { r.out_bill_no = "PB-1"; }},
        {"no scene", [](transfer_request& r) { r.transfer_scene_id = ""; }},
        {"no openid", [](transfer_request& r) { r.openid = ""; }},
        {"9 fen", [](transfer_request& r) { r.amount_fen = 9; }},
        {"negative amount", [](transfer_request& r) { r.amount_fen = -10; }},
        {"empty remark", [](transfer_request& r) { r.remark = ""; }},
        {"33-character remark", [](transfer_request& r) { r.remark = std::string(33, 'x'); }},
        {"remark with a line feed", [](transfer_request& r) { r.remark = "a\nb"; }},
        {"2,000 yuan without a name", [](transfer_request& r) { r.amount_fen = 200000; }},
        {"name with a control character", [](transfer_request& r) { r.user_name = "张\x01三"; }},
        {"129-byte name", [](transfer_request& r) { r.user_name = std::string(129, 'a'); }},
        {"no report infos", [](transfer_request& r) { r.scene_report_infos.clear(); }},
        {"report info without content", [](transfer_request& r) { r.scene_report_infos[1].info_content = ""; }},
    };
    for (const auto& c : cases) {
        auto r = valid_request();
        c.spoil(r);
        EXPECT_TRUE(transfer_request_problem(r)) << c.what;
    }
    auto chinese = valid_request();
    chinese.remark.clear();
    for (int i = 0; i < 16; ++i) chinese.remark += "分红";  // 32 characters, 96 bytes
    EXPECT_FALSE(transfer_request_problem(chinese));
    chinese.remark += "!";
    EXPECT_TRUE(transfer_request_problem(chinese));
    auto exactly = valid_request();
    exactly.amount_fen = 10;
    EXPECT_FALSE(transfer_request_problem(exactly));
}

TEST(transfer_bill_test, the_name_goes_out_from_thirty_fen_and_is_required_from_two_thousand_yuan) {
    auto r = valid_request();
    r.user_name = "张三";
    r.amount_fen = 29;
    EXPECT_FALSE(sends_user_name(r));  // WeChat does not take a name below 0.3 yuan: it is left out
    EXPECT_FALSE(transfer_request_problem(r));
    r.amount_fen = 30;
    EXPECT_TRUE(sends_user_name(r));
    r.amount_fen = 199999;
    EXPECT_TRUE(sends_user_name(r));
    r.user_name.clear();
    EXPECT_FALSE(sends_user_name(r));
    EXPECT_FALSE(transfer_request_problem(r));
    r.amount_fen = 200000;
    EXPECT_TRUE(transfer_request_problem(r));
}

TEST(transfer_bill_test, the_body_has_wechats_field_names_and_only_the_fields_that_apply) {
    auto r = valid_request();
    auto body = transfer_request_body(r, "wxapp", "https://shop.example/api/v1/wechat/transfer/notify", "SEALED");
    EXPECT_EQ(body.at("appid").as_string(), "wxapp");
    EXPECT_EQ(body.at("out_bill_no").as_string(), "PB000000000000004201");
    EXPECT_EQ(body.at("transfer_scene_id").as_string(), "1005");
    EXPECT_EQ(body.at("openid").as_string(), "oPartner1");
    EXPECT_EQ(body.at("transfer_amount").as_int64(), 1234);
    EXPECT_EQ(body.at("transfer_remark").as_string(), "门店分红提现");
    EXPECT_EQ(body.at("notify_url").as_string(), "https://shop.example/api/v1/wechat/transfer/notify");
    EXPECT_EQ(body.at("user_recv_perception").as_string(), "劳务报酬");
    const auto& infos = body.at("transfer_scene_report_infos").as_array();
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_EQ(infos[0].at("info_type").as_string(), "岗位类型");
    EXPECT_EQ(infos[1].at("info_content").as_string(), "2026-11 门店分红");
    EXPECT_FALSE(body.contains("user_name"));
    EXPECT_EQ(body.size(), 9u);

    r.user_name = "张三";
    r.user_recv_perception.clear();
    auto named = transfer_request_body(r, "wxapp", "", "SEALED");
    EXPECT_EQ(named.at("user_name").as_string(), "SEALED");  // the ciphertext, never the name
    EXPECT_FALSE(named.contains("notify_url"));
    EXPECT_FALSE(named.contains("user_recv_perception"));
}

TEST(transfer_bill_test, a_create_answer_decodes_and_a_waiting_bill_without_package_is_not_an_answer) {
    auto answer = json::parse(R"({"out_bill_no":"PB1","transfer_bill_no":"1330000071100999991182020050700019480001",
                                  "create_time":"2026-12-01T10:00:00+08:00","state":"WAIT_USER_CONFIRM","package_info":"ABBQO+oYAAAB"})")
                      .as_object();
    auto accepted = decode_transfer_accepted(answer);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->state, transfer_state::wait_user_confirm);
    EXPECT_EQ(accepted->package_info, "ABBQO+oYAAAB");
    auto without = answer;
    without.erase("package_info");
    EXPECT_FALSE(decode_transfer_accepted(without));
    without["state"] = "ACCEPTED";  // accepted, the package comes later (query)
    EXPECT_TRUE(decode_transfer_accepted(without));
    without["state"] = "DONE";
    EXPECT_FALSE(decode_transfer_accepted(without));
    auto numeric = answer;
    numeric["transfer_bill_no"] = 1330000071;
    EXPECT_FALSE(decode_transfer_accepted(numeric));
}

TEST(transfer_bill_test, a_bill_decodes_from_the_query_and_from_a_notification_sample) {
    auto query = json::parse(R"({"mch_id":"1900000001","out_bill_no":"PB1","transfer_bill_no":"1330","appid":"wxapp","state":"FAIL",
                                 "transfer_amount":400000,"transfer_remark":"分红","fail_reason":"PAYEE_ACCOUNT_ABNORMAL","openid":"o1",
                                 "create_time":"2026-12-01T10:00:00+08:00","update_time":"2026-12-01T10:05:00+08:00"})")
                     .as_object();
    auto bill = decode_transfer_bill(query);
    ASSERT_TRUE(bill);
    EXPECT_EQ(bill->state, transfer_state::fail);
    EXPECT_EQ(bill->amount_fen, 400000);
    EXPECT_EQ(bill->fail_reason, "PAYEE_ACCOUNT_ABNORMAL");
    EXPECT_EQ(bill->mch_id, "1900000001");
    // WeChat's notification sample spells the merchant "mchid".
    auto sample = json::parse(R"({"mchid":"1900001109","out_bill_no":"plfk2020042013","transfer_bill_no":"1330000071100999991182020050700019480001",
                                  "state":"SUCCESS","transfer_amount":400000,"openid":"o-MYE42l80oelYMDE34nYD456Xoy",
                                  "create_time":"2015-05-20T13:29:35.120+08:00","update_time":"2015-05-20T13:29:35.120+08:00"})")
                      .as_object();
    auto notified = decode_transfer_bill(sample);
    ASSERT_TRUE(notified);
    EXPECT_EQ(notified->mch_id, "1900001109");
    EXPECT_EQ(notified->state, transfer_state::success);
    auto negative = query;
    negative["transfer_amount"] = -1;
    EXPECT_FALSE(decode_transfer_bill(negative));
    auto stateless = query;
    stateless.erase("state");
    EXPECT_FALSE(decode_transfer_bill(stateless));
}

TEST(transfer_bill_test, error_answers_are_definite_refusals_only_for_the_codes_wechat_documents) {
    auto kind = [](int status, const char* code) {
        auto c = classify_transfer_error(status, code, "m");
        if (auto* r = std::get_if<transfer_refusal>(&c)) return std::string(r->retry_same_bill ? "retry_same" : "refused");
        return std::string("unclear");
    };
    EXPECT_EQ(kind(400, "PARAM_ERROR"), "refused");
    EXPECT_EQ(kind(400, "INVALID_REQUEST"), "refused");
    EXPECT_EQ(kind(403, "NO_AUTH"), "refused");
    EXPECT_EQ(kind(403, "NOT_ENOUGH"), "retry_same");
    EXPECT_EQ(kind(429, "FREQUENCY_LIMITED"), "retry_same");
    EXPECT_EQ(kind(429, "HTTP_429"), "retry_same");
    EXPECT_EQ(kind(500, "SYSTEM_ERROR"), "unclear");
    EXPECT_EQ(kind(503, "INVALID_REQUEST"), "unclear");  // a 5xx says nothing of the bill
    EXPECT_EQ(kind(400, "SOMETHING_NEW"), "unclear");     // a new code: query first
    EXPECT_EQ(kind(404, "NOT_FOUND"), "unclear");
    EXPECT_EQ(kind(302, "HTTP_302"), "unclear");
}

TEST(transfer_bill_test, the_name_is_sealed_with_rsa_oaep_differently_each_time_and_opens_only_with_the_private_key) {
    auto pub = public_key::from_pem(test_support::test_public_key);
    auto key = private_key::from_pem(test_support::test_private_key);
    auto once = pub.encrypt_oaep("张三");
    auto twice = pub.encrypt_oaep("张三");
    ASSERT_TRUE(once && twice);
    EXPECT_NE(*once, *twice);  // OAEP is randomised: compare names, never ciphertexts
    EXPECT_EQ(key.decrypt_oaep(*once), "张三");
    EXPECT_EQ(key.decrypt_oaep(*twice), "张三");
    auto bytes = base64_decode(*once);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), 256u);  // one RSA-2048 block
    (*bytes)[10] ^= 1;
    EXPECT_FALSE(key.decrypt_oaep(base64_encode(*bytes)));
    EXPECT_FALSE(key.decrypt_oaep("not base64!"));
    EXPECT_TRUE(pub.encrypt_oaep(std::string(214, 'a')));  // the most RSA-2048 with SHA-1 OAEP seals
    EXPECT_FALSE(pub.encrypt_oaep(std::string(215, 'a')));
}

TEST(transfer_bill_test, a_transfer_notification_opens_into_a_typed_bill_and_other_events_are_not_transfers) {
    const std::string apiv3_key = "0123456789abcdef0123456789abcdef";
    auto key = private_key::from_pem(test_support::test_private_key);
    signature_verifier verifier({{"PLATFORMSERIAL", public_key::from_pem(test_support::test_public_key)}}, apiv3_key);
    auto sealed = [&](const std::string& event_type, const json::object& resource) {
        json::object envelope{{"id", "EV-1"}, {"create_time", "2026-12-01T10:00:00+08:00"}, {"resource_type", "encrypt-resource"},
                              {"event_type", event_type}, {"summary", "商家转账单据终态通知"},
                              {"resource", json::object{{"original_type", "mch_payment"}, {"algorithm", "AEAD_AES_256_GCM"},
                                                        {"ciphertext", aes_256_gcm_encrypt(apiv3_key, "0123456789ab", "mch_payment",
                                                                                           json::serialize(resource))},
                                                        {"associated_data", "mch_payment"}, {"nonce", "0123456789ab"}}}};
        return json::serialize(envelope);
    };
    json::object bill{{"mch_id", "1900000001"}, {"out_bill_no", "PB1"}, {"transfer_bill_no", "1330"}, {"state", "CANCELLED"},
                      {"transfer_amount", 500}, {"openid", "o1"}, {"create_time", "t0"}, {"update_time", "t1"}};
    const auto body = sealed("MCHTRANSFER.BILL.FINISHED", bill);
    const auto now = std::chrono::system_clock::now();
    const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    signed_headers headers{"PLATFORMSERIAL", key.sign(response_message(timestamp, "n1", body)), timestamp, "n1"};
    auto opened = verifier.open_transfer_notification(headers, body, now);
    ASSERT_TRUE(opened) << to_string(opened.error());
    EXPECT_EQ(opened.value().id, "EV-1");
    EXPECT_EQ(opened.value().bill.state, transfer_state::cancelled);
    EXPECT_EQ(opened.value().bill.amount_fen, 500);
    EXPECT_EQ(opened.value().bill.out_bill_no, "PB1");
    // A forged signature is refused before anything is decrypted.
    headers.signature = key.sign(response_message(timestamp, "n1", body + " "));
    EXPECT_EQ(verifier.open_transfer_notification(headers, body, now).error(), open_failure::bad_signature);
    // The payment decoder does not take a transfer, nor the transfer decoder a payment.
    EXPECT_EQ(verifier.decrypt_notification(body).error(), open_failure::malformed);
    EXPECT_EQ(verifier.decrypt_transfer_notification(sealed("TRANSACTION.SUCCESS", bill)).error(), open_failure::malformed);
    bill["state"] = "PAID";
    EXPECT_EQ(verifier.decrypt_transfer_notification(sealed("MCHTRANSFER.BILL.FINISHED", bill)).error(), open_failure::malformed);
}

}  // namespace
