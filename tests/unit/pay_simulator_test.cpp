#include "common/random_token.hpp"
#include "tests/support/test_keys.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/simulator/pay_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>

using namespace sharedstore;
using namespace sharedstore::simulator;
namespace json = boost::json;

namespace {

// One key pair plays both merchant and platform here; the serials tell the roles apart.
class pay_simulator_test : public ::testing::Test {
protected:
    wechat_pay::private_key key = wechat_pay::private_key::from_pem(test_support::test_private_key);
    wechat_pay::public_key public_key = wechat_pay::public_key::from_pem(test_support::test_public_key);
    const std::string apiv3_key = "0123456789abcdef0123456789abcdef";
    pay_simulator pay{pay_config{"wxapp", "1900000001", "MERCHANTSERIAL", public_key, key, "PLATFORMSERIAL", apiv3_key}};
    pay_time_point now = std::chrono::system_clock::now();

    http_request signed_request(const std::string& method, const std::string& target, const std::string& body,
                                const std::string& serial = "MERCHANTSERIAL") {
        http_request r;
        r.method = method;
        r.target = target;
        r.path = target.substr(0, target.find('?'));
        if (target.find('?') != std::string::npos) r.query = target.substr(target.find('?') + 1);
        r.body = body;
        const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
        const auto nonce = random_hex(16);
        wechat_pay::authorization a{"1900000001", nonce, key.sign(wechat_pay::request_message(method, target, timestamp, nonce, body)),
                                    timestamp, serial};
        r.headers = {{"authorization", wechat_pay::format_authorization(a)}, {"user-agent", "sharedstore-test"}, {"accept", "application/json"}};
        return r;
    }

    std::string order(const std::string& out_trade_no, std::int64_t total = 1234) {
        return json::serialize(json::object{{"appid", "wxapp"}, {"mchid", "1900000001"}, {"description", "store order"},
                                            {"out_trade_no", out_trade_no}, {"notify_url", "http://127.0.0.1:8080/api/v1/wechat/pay/notify"},
                                            {"amount", json::object{{"total", total}, {"currency", "CNY"}}},
                                            {"payer", json::object{{"openid", "oPayer"}}}});
    }

    bool response_verifies(const http_response& r) {
        std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
        return h["Wechatpay-Serial"] == "PLATFORMSERIAL" &&
               public_key.verify(wechat_pay::response_message(h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], r.body), h["Wechatpay-Signature"]);
    }
};

TEST_F(pay_simulator_test, signed_prepay_is_accepted_idempotent_and_answered_signed) {
    auto first = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124001")), now);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_TRUE(response_verifies(first));
    const auto prepay_id = json::parse(first.body).at("prepay_id").as_string();
    auto again = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124001")), now);
    EXPECT_EQ(json::parse(again.body).at("prepay_id").as_string(), prepay_id);
    auto changed = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124001", 999)), now);
    EXPECT_EQ(changed.status, 403);
    EXPECT_EQ(json::parse(changed.body).at("code").as_string(), "OUT_TRADE_NO_USED");
}

TEST_F(pay_simulator_test, unsigned_or_wrongly_signed_requests_are_refused) {
    auto request = signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124002"));
    request.body += " ";  // the body no longer matches the signature
    auto tampered = pay.jsapi_prepay(request, now);
    EXPECT_EQ(tampered.status, 401);
    EXPECT_EQ(json::parse(tampered.body).at("code").as_string(), "SIGN_ERROR");
    EXPECT_EQ(pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124003"), "OTHERSERIAL"), now).status, 401);
    auto late = signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124004"));
    EXPECT_EQ(pay.jsapi_prepay(late, now + std::chrono::minutes(6)).status, 401);
    http_request bare;  // no Authorization
    bare.method = "POST";
    bare.target = "/v3/pay/transactions/jsapi";
    bare.headers = {{"user-agent", "sharedstore-test"}, {"accept", "application/json"}};
    EXPECT_EQ(pay.jsapi_prepay(bare, now).status, 401);
}

TEST_F(pay_simulator_test, payment_notification_decrypts_and_verifies_like_wechats) {
    ASSERT_EQ(pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124005")), now).status, 200);
    auto outcome = pay.succeed("T20261124005", now);
    ASSERT_TRUE(std::holds_alternative<pay_notification>(outcome));
    const auto& n = std::get<pay_notification>(outcome);
    EXPECT_EQ(n.url, "http://127.0.0.1:8080/api/v1/wechat/pay/notify");
    auto body = json::parse(n.body).as_object();
    EXPECT_EQ(body.at("event_type").as_string(), "TRANSACTION.SUCCESS");
    EXPECT_EQ(body.at("resource_type").as_string(), "encrypt-resource");
    const auto& resource = body.at("resource").as_object();
    EXPECT_EQ(resource.at("algorithm").as_string(), "AEAD_AES_256_GCM");
    auto plain = wechat_pay::aes_256_gcm_decrypt(apiv3_key, resource.at("nonce").as_string(), resource.at("associated_data").as_string(),
                                                 resource.at("ciphertext").as_string());
    ASSERT_TRUE(plain);
    auto transaction = json::parse(*plain).as_object();
    EXPECT_EQ(transaction.at("out_trade_no").as_string(), "T20261124005");
    EXPECT_EQ(transaction.at("trade_state").as_string(), "SUCCESS");
    EXPECT_EQ(transaction.at("amount").at("total").as_int64(), 1234);
    EXPECT_EQ(transaction.at("payer").at("openid").as_string(), "oPayer");

    auto headers = pay.sign_delivery(n.body, now, false);
    std::map<std::string, std::string> h(headers.begin(), headers.end());
    EXPECT_TRUE(public_key.verify(wechat_pay::response_message(h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], n.body), h["Wechatpay-Signature"]));
    auto bad = pay.sign_delivery(n.body, now, true);
    std::map<std::string, std::string> b(bad.begin(), bad.end());
    EXPECT_FALSE(public_key.verify(wechat_pay::response_message(b["Wechatpay-Timestamp"], b["Wechatpay-Nonce"], n.body), b["Wechatpay-Signature"]));

    EXPECT_TRUE(std::holds_alternative<std::string>(pay.succeed("T20261124005", now))) << "paid once only";
}

TEST_F(pay_simulator_test, refunds_never_exceed_the_payment) {
    ASSERT_EQ(pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124006", 1000)), now).status, 200);
    EXPECT_TRUE(std::holds_alternative<std::string>(pay.refund("T20261124006", 100, now))) << "not paid yet";
    pay.succeed("T20261124006", now);
    EXPECT_TRUE(std::holds_alternative<pay_notification>(pay.refund("T20261124006", 600, now)));
    EXPECT_TRUE(std::holds_alternative<std::string>(pay.refund("T20261124006", 401, now)));
    EXPECT_TRUE(std::holds_alternative<pay_notification>(pay.refund("T20261124006", 400, now)));
    EXPECT_EQ(pay.find("T20261124006")->trade_state, "REFUND");
}

TEST_F(pay_simulator_test, query_returns_the_signed_transaction) {
    ASSERT_EQ(pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124007")), now).status, 200);
    auto query = pay.query_transaction(signed_request("GET", "/v3/pay/transactions/out-trade-no/T20261124007?mchid=1900000001", ""),
                                       "T20261124007", now);
    ASSERT_EQ(query.status, 200);
    EXPECT_TRUE(response_verifies(query));
    EXPECT_EQ(json::parse(query.body).at("trade_state").as_string(), "NOTPAY");
    auto missing = pay.query_transaction(signed_request("GET", "/v3/pay/transactions/out-trade-no/NOPE00?mchid=1900000001", ""), "NOPE00", now);
    EXPECT_EQ(missing.status, 404);
}

// Faithfulness (issue 24, item 7): what WeChat Pay does that merchant SDKs notice.
TEST_F(pay_simulator_test, the_same_order_with_other_key_order_or_whitespace_gets_the_same_prepay_id) {
    auto first = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124100")), now);
    ASSERT_EQ(first.status, 200) << first.body;
    // The same fields, keys in another order, with whitespace.
    const std::string reordered = R"({ "payer": {"openid": "oPayer"}, "amount": {"currency": "CNY", "total": 1234},
        "notify_url": "http://127.0.0.1:8080/api/v1/wechat/pay/notify", "out_trade_no": "T20261124100",
        "description": "store order", "mchid": "1900000001", "appid": "wxapp" })";
    auto again = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", reordered), now);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json::parse(again.body).at("prepay_id"), json::parse(first.body).at("prepay_id"));
}

TEST_F(pay_simulator_test, requests_without_user_agent_or_accept_are_refused) {
    for (const char* dropped : {"user-agent", "accept"}) {
        auto request = signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124101"));
        std::erase_if(request.headers, [&](const auto& h) { return h.first == dropped; });
        auto answer = pay.jsapi_prepay(request, now);
        EXPECT_EQ(answer.status, 400) << dropped;
        EXPECT_EQ(json::parse(answer.body).at("code").as_string(), "PARAM_ERROR") << dropped;
    }
    EXPECT_EQ(pay.find("T20261124101"), nullptr);
}

TEST_F(pay_simulator_test, transaction_ids_have_28_digits) {
    ASSERT_EQ(pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124102")), now).status, 200);
    ASSERT_TRUE(std::holds_alternative<pay_notification>(pay.succeed("T20261124102", now)));
    const auto& id = pay.find("T20261124102")->transaction_id;
    EXPECT_EQ(id.size(), 28u) << id;
    EXPECT_TRUE(std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) << id;
}

TEST_F(pay_simulator_test, param_errors_carry_detail_and_answers_are_utf8_json) {
    auto body = json::parse(order("T20261124103")).as_object();
    body["amount"].as_object()["currency"] = "USD";
    auto answer = pay.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", json::serialize(body)), now);
    ASSERT_EQ(answer.status, 400);
    auto error = json::parse(answer.body).as_object();
    EXPECT_EQ(error.at("code").as_string(), "PARAM_ERROR");
    ASSERT_TRUE(error.contains("detail")) << answer.body;
    EXPECT_EQ(error.at("detail").at("field").as_string(), "/amount/currency");
    EXPECT_EQ(error.at("detail").at("location").as_string(), "body");
    EXPECT_EQ(answer.content_type, "application/json; charset=utf-8");
    EXPECT_TRUE(response_verifies(answer));
}

TEST_F(pay_simulator_test, answers_to_requests_whose_signature_failed_are_not_signed) {
    auto request = signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124104"));
    request.body += " ";
    auto answer = pay.jsapi_prepay(request, now);
    ASSERT_EQ(answer.status, 401);
    for (const auto& [name, value] : answer.headers) EXPECT_NE(name.rfind("Wechatpay-", 0), 0u) << name;
}

TEST_F(pay_simulator_test, the_merchant_serial_is_matched_ignoring_case_and_leading_zeros) {
    pay_simulator zero{pay_config{"wxapp", "1900000001", "00ABCDEF12", public_key, key, "PLATFORMSERIAL", apiv3_key}};
    EXPECT_EQ(zero.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124105"), "abcdef12"), now).status, 200);
    EXPECT_EQ(zero.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124106"), "00abcdef12"), now).status, 200);
    EXPECT_EQ(zero.jsapi_prepay(signed_request("POST", "/v3/pay/transactions/jsapi", order("T20261124107"), "ABCDEF13"), now).status, 401);
}

}  // namespace
