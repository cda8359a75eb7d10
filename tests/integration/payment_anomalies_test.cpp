// GET /api/v1/merchants/{id}/payment-anomalies: genuine WeChat Pay notifications the server
// refused (docs/api.md, "Payment anomalies") as the store's owner and manager see them: a real
// refused notification appears once however often it is delivered, the list pages newest first
// with its cursor, and anomalies of another store or of no store (the platform's) never show.
#include "common/clock.hpp"
#include "tests/integration/support/store_api.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <fstream>
#include <set>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class payment_anomalies_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }

    // A TRANSACTION.SUCCESS notification signed and sealed with WeChat Pay's keys, as WeChat Pay
    // would send it, for `out_trade_no` with the given total, payer and transaction id.
    static http_reply notify_payment(const std::string& out_trade_no, std::int64_t total, const std::string& payer, const std::string& transaction_id) {
        const auto keys = test_keys_dir();
        const auto platform = wechat_pay::private_key::load_pem_file(keys + "/wechatpay-platform-private.pem");
        const auto serial = wechat_pay::certificate_serial(keys + "/wechatpay-platform-cert.pem");
        std::string apiv3_key;
        {
            std::ifstream in(keys + "/wechatpay-apiv3-key");
            in >> apiv3_key;
        }
        const json::object resource{{"appid", sim->appid()}, {"mchid", test_mchid}, {"out_trade_no", out_trade_no},
                                    {"transaction_id", transaction_id}, {"trade_type", "JSAPI"}, {"trade_state", "SUCCESS"},
                                    {"success_time", format_rfc3339_utc(std::chrono::system_clock::now())},
                                    {"payer", json::object{{"openid", payer}}},
                                    {"amount", json::object{{"total", total}, {"payer_total", total}, {"currency", "CNY"}}}};
        const std::string nonce = "abcdefghijkl";
        const auto body = json::serialize(json::object{
            {"id", "EV-" + random_hex(6)}, {"create_time", "2026-11-27T00:00:00+08:00"}, {"resource_type", "encrypt-resource"},
            {"event_type", "TRANSACTION.SUCCESS"}, {"summary", "支付成功"},
            {"resource", json::object{{"original_type", "transaction"}, {"algorithm", "AEAD_AES_256_GCM"},
                                      {"ciphertext", wechat_pay::aes_256_gcm_encrypt(apiv3_key, nonce, "transaction", json::serialize(resource))},
                                      {"associated_data", "transaction"}, {"nonce", nonce}}}});
        const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
        const auto header_nonce = random_hex(8);
        return http_call(server->port(), "POST", "/api/v1/wechat/pay/notify", body,
                         {{"Content-Type", "application/json"}, {"Wechatpay-Serial", serial},
                          {"Wechatpay-Signature", platform.sign(wechat_pay::response_message(timestamp, header_nonce, body))},
                          {"Wechatpay-Timestamp", timestamp}, {"Wechatpay-Nonce", header_nonce}});
    }

    static json::array anomalies(const store& s, const user& who, const std::string& query = "") {
        return ok(call("GET", s.path() + "/payment-anomalies" + query, who)).at("items").as_array();
    }
    static void insert_anomaly(const std::string& merchant_id, const std::string& kind, const std::string& reference) {
        if (merchant_id.empty())
            execute("INSERT INTO payment_anomalies (merchant_id, order_id, kind, reference, detail) VALUES (NULL, NULL, ?, ?, 'no order SS0')",
                    {kind, reference});
        else
            execute("INSERT INTO payment_anomalies (merchant_id, order_id, kind, reference, detail) VALUES (?, NULL, ?, ?, 'kept for the test')",
                    {merchant_id, kind, reference});
    }
};

TEST_F(payment_anomalies_test, a_refused_genuine_notification_is_listed_once_for_the_store_with_its_order) {
    auto s = open_store();
    auto buyer = sign_in();
    auto placed = ok(call("POST", "/api/v1/orders", buyer,
                          json::object{{"merchant_id", s.id}, {"amount_fen", 5000}, {"description", "套餐"}, {"pay_with", "wechat"}}),
                     201);
    const auto order_id = text(placed, {"order", "id"});
    const auto out_trade_no = text(placed, {"order", "out_trade_no"});
    EXPECT_TRUE(anomalies(s, s.owner).empty());

    const auto transaction_id = "42000" + random_hex(8);
    // WeChat Pay redelivers what it was refused: three deliveries of one wrong notification.
    for (int i = 0; i < 3; ++i) {
        auto refused = notify_payment(out_trade_no, 4000, buyer.openid, transaction_id);
        ASSERT_EQ(refused.status, 400) << refused.body;
    }
    auto listed = anomalies(s, s.owner);
    ASSERT_EQ(listed.size(), 1u) << json::serialize(listed);
    const auto& a = listed[0].as_object();
    EXPECT_EQ(a.at("kind").as_string(), "payment_mismatch");
    EXPECT_EQ(a.at("order_id").as_string(), order_id);
    EXPECT_EQ(a.at("out_trade_no").as_string(), out_trade_no);
    EXPECT_EQ(a.at("reference").as_string(), transaction_id);
    EXPECT_NE(std::string(a.at("detail").as_string()).find("4000"), std::string::npos) << a.at("detail");
    EXPECT_FALSE(a.at("created_at").as_string().empty());
    EXPECT_TRUE(ok(call("GET", s.path() + "/payment-anomalies", s.owner)).at("next_cursor").is_null());

    // The order was not paid by it.
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, buyer)), {"order", "status"}), "created");

    // A manager reads it too; a cashier may not.
    auto manager = sign_in();
    auto cashier = sign_in();
    ok(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}));
    ok(call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}));
    EXPECT_EQ(anomalies(s, manager).size(), 1u);
    auto refused = call("GET", s.path() + "/payment-anomalies", cashier);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(error_code(refused), "forbidden");
}

TEST_F(payment_anomalies_test, the_list_pages_newest_first_and_shows_no_other_store_nor_the_platform) {
    auto s = open_store();
    auto other = open_store();
    const auto tag = random_hex(6);
    for (int i = 0; i < 5; ++i) insert_anomaly(s.id, i % 2 ? "refund_conflict" : "refund_exceeds_order", "50300" + tag + std::to_string(i));
    insert_anomaly(other.id, "refund_conflict", "50300" + tag + "other");
    insert_anomaly("", "refund_unknown_order", "50300" + tag + "platform");

    std::vector<std::string> seen;
    std::string query = "?limit=2";
    int pages = 0;
    for (;;) {
        auto page = ok(call("GET", s.path() + "/payment-anomalies" + query, s.owner));
        ++pages;
        const auto& items = page.at("items").as_array();
        EXPECT_LE(items.size(), 2u);
        for (const auto& item : items) seen.emplace_back(item.at("reference").as_string());
        if (page.at("next_cursor").is_null()) break;
        query = "?limit=2&cursor=" + std::string(page.at("next_cursor").as_string());
        ASSERT_LT(pages, 10) << "the cursor never ends";
    }
    EXPECT_EQ(pages, 3);
    const std::vector<std::string> newest_first{"50300" + tag + "4", "50300" + tag + "3", "50300" + tag + "2", "50300" + tag + "1",
                                                "50300" + tag + "0"};
    EXPECT_EQ(seen, newest_first);

    // Another store sees its own only; neither sees the platform's.
    auto theirs = anomalies(other, other.owner);
    ASSERT_EQ(theirs.size(), 1u);
    EXPECT_EQ(theirs[0].at("reference").as_string(), "50300" + tag + "other");
    EXPECT_TRUE(theirs[0].at("order_id").is_null());
    EXPECT_TRUE(theirs[0].at("out_trade_no").is_null());
    // Another store's owner is refused this store's list, never answered with an empty one.
    auto refused = call("GET", s.path() + "/payment-anomalies", other.owner);
    EXPECT_EQ(refused.status, 403);
    auto bad_query = call("GET", s.path() + "/payment-anomalies?kind=refund_conflict", s.owner);
    EXPECT_EQ(bad_query.status, 400);
    EXPECT_EQ(error_code(bad_query), "invalid_query");
}

}  // namespace
