// The simulator's WeChat Pay side, end to end: a merchant-signed prepay over HTTPS, then payment
// and refund notifications posted to a receiver run by this test, retried like WeChat's.
#include "common/http/http_server.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/wechat_simulator.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/eventually.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string read_trimmed(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    auto text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// WeChat Pay's keys as a merchant holds them during a migration: the platform certificate and the
// WeChat Pay public key, picked by Wechatpay-Serial.
bool answer_verifies(const std::string& serial, const std::string& timestamp, const std::string& nonce, const std::string& body,
                     const std::string& signature) {
    const auto keys = test_keys_dir();
    static const auto platform = wechat_pay::public_key::load_pem_file(keys + "/wechatpay-platform-cert.pem");
    static const auto platform_serial = wechat_pay::certificate_serial(keys + "/wechatpay-platform-cert.pem");
    static const auto pay_public_key = wechat_pay::public_key::load_pem_file(keys + "/wechatpay-pubkey-public.pem");
    const auto message = wechat_pay::response_message(timestamp, nonce, body);
    if (serial == platform_serial) return platform.verify(message, signature);
    if (serial == test_public_key_id) return pay_public_key.verify(message, signature);
    return false;
}

bool answer_verifies(const client_response& r) {
    auto h = [&](const char* name) { return std::string(r.header(name).value_or("")); };
    return answer_verifies(h("wechatpay-serial"), h("wechatpay-timestamp"), h("wechatpay-nonce"), r.body, h("wechatpay-signature"));
}

// A merchant's notify endpoint: verifies each delivery as the server must, answers the scripted
// statuses in turn (204 once the script runs out), and remembers what came.
class notify_receiver : public http_handler {
public:
    struct delivery {
        bool signature_valid = false;
        std::string serial, event_type, plaintext;
    };

    explicit notify_receiver(std::deque<int> script) : script_(std::move(script)) {}

    boost::asio::awaitable<http_response> handle(http_request& r) override {
        const auto keys = test_keys_dir();
        delivery d;
        auto h = [&](const char* name) { return std::string(r.header(name).value_or("")); };
        d.serial = h("wechatpay-serial");
        d.signature_valid = answer_verifies(d.serial, h("wechatpay-timestamp"), h("wechatpay-nonce"), r.body, h("wechatpay-signature"));
        auto body = json::parse(r.body).as_object();
        d.event_type = std::string(body.at("event_type").as_string());
        const auto& resource = body.at("resource").as_object();
        d.plaintext = wechat_pay::aes_256_gcm_decrypt(read_trimmed(keys + "/wechatpay-apiv3-key"), resource.at("nonce").as_string(),
                                                      resource.at("associated_data").as_string(), resource.at("ciphertext").as_string())
                          .value_or("");
        int status = 204;
        {
            std::lock_guard lock(mutex_);
            if (!d.signature_valid) status = 401;
            else if (!script_.empty()) {
                status = script_.front();
                script_.pop_front();
            }
            deliveries_.push_back(d);
        }
        auto response = status == 204 ? http_response{} : http_response::json(status, json::object{{"code", "FAIL"}, {"message", "scripted"}});
        response.status = status;
        co_return response;
    }
    http_response reject(http_request&, int status, std::string_view, std::string_view) override { return http_response::text(status, ""); }

    std::vector<delivery> wait_for(std::size_t count) {
        for (int i = 0; i < 500; ++i) {
            {
                std::lock_guard lock(mutex_);
                if (deliveries_.size() >= count) return deliveries_;
            }
            std::this_thread::sleep_for(20ms);
        }
        std::lock_guard lock(mutex_);
        return deliveries_;
    }

private:
    std::mutex mutex_;
    std::deque<int> script_;
    std::vector<delivery> deliveries_;
};

class simulator_pay_test : public ::testing::Test {
protected:
    void start_receiver(std::deque<int> script) {
        receiver = std::make_unique<notify_receiver>(std::move(script));
        http_config config;
        config.port = 0;
        server = std::make_unique<http_server>(io.io(), config, *receiver, log.log(), metrics);
        server->start();
    }
    void TearDown() override {
        if (!server) return;
        // A notification still on its way (the simulator posts after the test's last call) must
        // end before the receiver it calls is destroyed: the members go right after this.
        server->begin_shutdown();
        EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }, 5s, 10ms));
    }

    // A JSAPI prepay signed with the merchant key, as the server will send it.
    client_response prepay(const std::string& out_trade_no, std::int64_t total) {
        const auto body = json::serialize(json::object{
            {"appid", sim->appid()}, {"mchid", test_mchid}, {"description", "test order"}, {"out_trade_no", out_trade_no},
            {"notify_url", "http://127.0.0.1:" + std::to_string(server->bound_port()) + "/notify"},
            {"amount", json::object{{"total", total}, {"currency", "CNY"}}}, {"payer", json::object{{"openid", "oPayer"}}}});
        return signed_call("POST", "/v3/pay/transactions/jsapi", body);
    }
    // Any API v3 request signed with the merchant key, with the headers WeChat Pay requires.
    client_response signed_call(const std::string& method, const std::string& path_and_query, const std::string& body,
                                std::vector<std::pair<std::string, std::string>> extra_headers = {}) {
        const auto keys = test_keys_dir();
        const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now().time_since_epoch()).count());
        const auto nonce = random_hex(16);
        auto key = wechat_pay::private_key::load_pem_file(keys + "/merchant-private.pem");
        wechat_pay::authorization a{test_mchid, nonce, key.sign(wechat_pay::request_message(method, path_and_query, timestamp, nonce, body)),
                                    timestamp, wechat_pay::certificate_serial(keys + "/merchant-cert.pem")};
        client_request request;
        request.method = method;
        request.url = sim->base_url() + path_and_query;
        request.headers = {{"Authorization", wechat_pay::format_authorization(a)}, {"Accept", "application/json"},
                           {"User-Agent", "sharedstore-test/1.0"}};
        if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
        for (auto& h : extra_headers) request.headers.push_back(std::move(h));
        request.body = body;
        return io.run(client.send(std::move(request)));
    }
    // A paid order of `total` fen.
    std::string paid_order(std::int64_t total) {
        const auto out_trade_no = "T" + random_hex(8);
        EXPECT_EQ(prepay(out_trade_no, total).status, 200);
        auto paid = sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed");
        EXPECT_EQ(paid.status, 200) << paid.body;
        return out_trade_no;
    }

    // In the mode SHAREDSTORE_TEST_PAY_MODE names; tests of one mode replace it before anything else.
    std::unique_ptr<simulator_process> sim = std::make_unique<simulator_process>();
    io_thread io;
    captured_log log;
    metrics_registry metrics;
    https_client client{io.io().get_executor(), https_client_config{test_keys_dir() + "/wechat-ca.pem"}};
    std::unique_ptr<notify_receiver> receiver;
    std::unique_ptr<http_server> server;
};

TEST_F(simulator_pay_test, payment_notification_is_retried_until_2xx) {
    start_receiver({500, 503});  // two failures, then 204
    const auto out_trade_no = "T" + random_hex(8);
    auto prepaid = prepay(out_trade_no, 2500);
    ASSERT_EQ(prepaid.status, 200) << prepaid.body;
    EXPECT_TRUE(json::parse(prepaid.body).as_object().contains("prepay_id"));

    auto paid = sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed");
    ASSERT_EQ(paid.status, 200) << paid.body;
    const auto transaction_id = std::string(json::parse(paid.body).at("transaction_id").as_string());

    auto deliveries = receiver->wait_for(3);
    ASSERT_EQ(deliveries.size(), 3u);
    for (const auto& d : deliveries) {
        EXPECT_TRUE(d.signature_valid);
        EXPECT_EQ(d.event_type, "TRANSACTION.SUCCESS");
        auto transaction = json::parse(d.plaintext).as_object();
        EXPECT_EQ(transaction.at("out_trade_no").as_string(), out_trade_no);
        EXPECT_EQ(transaction.at("transaction_id").as_string(), transaction_id);
        EXPECT_EQ(transaction.at("amount").at("total").as_int64(), 2500);
    }
    std::this_thread::sleep_for(400ms);  // the next retry would be due by now: none must come
    EXPECT_EQ(receiver->wait_for(4).size(), 3u);
    auto log = json::parse(sim->send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].at("status").as_int64(), 500);
    EXPECT_EQ(log[2].at("status").as_int64(), 204);
}

TEST_F(simulator_pay_test, a_deliberately_bad_signature_is_followed_by_a_good_one) {
    start_receiver({});
    const auto out_trade_no = "T" + random_hex(8);
    ASSERT_EQ(prepay(out_trade_no, 1000).status, 200);
    ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed").status, 200);
    ASSERT_EQ(receiver->wait_for(1).size(), 1u);
    sim->send("POST", "/sim/v1/pay/faults", "{\"bad_signature\":1}");
    auto refunded = sim->send("POST", "/sim/v1/pay/refunds", json::serialize(json::object{{"out_trade_no", out_trade_no}, {"amount_fen", 400}}));
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    auto deliveries = receiver->wait_for(3);
    ASSERT_EQ(deliveries.size(), 3u);
    EXPECT_FALSE(deliveries[1].signature_valid);  // refused with 401 by the receiver ...
    EXPECT_TRUE(deliveries[2].signature_valid);   // ... so the simulator sent it again, signed
    EXPECT_EQ(deliveries[2].event_type, "REFUND.SUCCESS");
    EXPECT_EQ(json::parse(deliveries[2].plaintext).at("amount").at("refund").as_int64(), 400);
}

TEST_F(simulator_pay_test, a_prepay_with_a_forged_signature_is_refused) {
    start_receiver({});
    client_request request;
    request.method = "POST";
    request.url = sim->base_url() + "/v3/pay/transactions/jsapi";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"},
                       {"Authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"n\",signature=\"AAAA\",timestamp=\"1\",serial_no=\"X\""}};
    request.body = "{}";
    auto response = io.run(client.send(std::move(request)));
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(json::parse(response.body).at("code").as_string(), "SIGN_ERROR");
    EXPECT_FALSE(response.header("wechatpay-signature")) << "an answer to a failed signature is not signed";
}

// Issue 24, item 6: the v3 APIs a merchant SDK calls besides prepay and the order query.
TEST_F(simulator_pay_test, unknown_v3_paths_answer_in_the_v3_error_shape) {
    auto missing = signed_call("GET", "/v3/pay/transactions/nothing-here?mchid=1900000001", "");
    EXPECT_EQ(missing.status, 404);
    auto body = json::parse(missing.body).as_object();
    EXPECT_EQ(body.at("code").as_string(), "NOT_FOUND");
    EXPECT_TRUE(body.contains("message"));
    EXPECT_FALSE(body.contains("errcode"));
}

TEST_F(simulator_pay_test, an_order_is_found_by_its_transaction_id) {
    start_receiver({});
    const auto out_trade_no = paid_order(1500);
    const auto by_number = signed_call("GET", "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + test_mchid, "");
    ASSERT_EQ(by_number.status, 200) << by_number.body;
    const auto transaction_id = std::string(json::parse(by_number.body).at("transaction_id").as_string());
    auto by_id = signed_call("GET", "/v3/pay/transactions/id/" + transaction_id + "?mchid=" + test_mchid, "");
    ASSERT_EQ(by_id.status, 200) << by_id.body;
    EXPECT_TRUE(answer_verifies(by_id));
    EXPECT_EQ(json::parse(by_id.body).at("out_trade_no").as_string(), out_trade_no);
    EXPECT_EQ(json::parse(by_id.body).at("trade_state").as_string(), "SUCCESS");
    EXPECT_EQ(signed_call("GET", "/v3/pay/transactions/id/4200000000000000000000000000?mchid=" + std::string(test_mchid), "").status, 404);
}

TEST_F(simulator_pay_test, a_closed_order_cannot_be_paid) {
    start_receiver({});
    const auto out_trade_no = "T" + random_hex(8);
    ASSERT_EQ(prepay(out_trade_no, 800).status, 200);
    auto closed = signed_call("POST", "/v3/pay/transactions/out-trade-no/" + out_trade_no + "/close",
                              json::serialize(json::object{{"mchid", test_mchid}}));
    EXPECT_EQ(closed.status, 204) << closed.body;
    EXPECT_TRUE(closed.body.empty());
    auto query = signed_call("GET", "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + test_mchid, "");
    EXPECT_EQ(json::parse(query.body).at("trade_state").as_string(), "CLOSED");
    EXPECT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed").status, 409);
    // A paid order cannot be closed.
    const auto paid = paid_order(900);
    auto refused = signed_call("POST", "/v3/pay/transactions/out-trade-no/" + paid + "/close", json::serialize(json::object{{"mchid", test_mchid}}));
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(json::parse(refused.body).at("code").as_string(), "ORDERPAID");
}

TEST_F(simulator_pay_test, a_refund_is_answered_notified_and_queried_once_per_out_refund_no) {
    start_receiver({});
    const auto out_trade_no = paid_order(3000);
    ASSERT_EQ(receiver->wait_for(1).size(), 1u);
    const auto out_refund_no = "RF" + random_hex(8);
    auto request = json::serialize(json::object{{"out_trade_no", out_trade_no}, {"out_refund_no", out_refund_no}, {"reason", "test"},
                                                {"amount", json::object{{"refund", 1200}, {"total", 3000}, {"currency", "CNY"}}}});
    auto refunded = signed_call("POST", "/v3/refund/domestic/refunds", request);
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    EXPECT_TRUE(answer_verifies(refunded));
    auto answer = json::parse(refunded.body).as_object();
    EXPECT_EQ(answer.at("out_refund_no").as_string(), out_refund_no);
    EXPECT_EQ(answer.at("amount").at("refund").as_int64(), 1200);
    const auto refund_id = std::string(answer.at("refund_id").as_string());
    auto deliveries = receiver->wait_for(2);
    ASSERT_EQ(deliveries.size(), 2u);
    EXPECT_EQ(deliveries[1].event_type, "REFUND.SUCCESS");
    EXPECT_EQ(json::parse(deliveries[1].plaintext).at("out_refund_no").as_string(), out_refund_no);
    EXPECT_EQ(json::parse(deliveries[1].plaintext).at("refund_id").as_string(), refund_id);
    auto queried = signed_call("GET", "/v3/refund/domestic/refunds/" + out_refund_no, "");
    ASSERT_EQ(queried.status, 200) << queried.body;
    EXPECT_EQ(json::parse(queried.body).at("status").as_string(), "SUCCESS");
    EXPECT_EQ(json::parse(queried.body).at("refund_id").as_string(), refund_id);
    // The same out_refund_no again refunds nothing more.
    auto again = signed_call("POST", "/v3/refund/domestic/refunds", request);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json::parse(again.body).at("refund_id").as_string(), refund_id);
    // More than what is left is refused.
    auto too_much = signed_call("POST", "/v3/refund/domestic/refunds",
                                json::serialize(json::object{{"out_trade_no", out_trade_no}, {"out_refund_no", "RF" + random_hex(8)},
                                                             {"amount", json::object{{"refund", 1801}, {"total", 3000}, {"currency", "CNY"}}}}));
    EXPECT_EQ(too_much.status, 400) << too_much.body;
    EXPECT_EQ(signed_call("GET", "/v3/refund/domestic/refunds/RFNOSUCHREFUND", "").status, 404);
    EXPECT_EQ(json::parse(signed_call("GET", "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + test_mchid, "").body)
                  .at("trade_state").as_string(), "REFUND");
}

TEST_F(simulator_pay_test, certificates_are_listed_encrypted_as_wechat_pay_lists_them) {
    const auto keys = test_keys_dir();
    auto listed = signed_call("GET", "/v3/certificates", "");
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_TRUE(answer_verifies(listed));
    const auto data = json::parse(listed.body).at("data").as_array();
    if (pay_mode() == "public_key") {
        EXPECT_TRUE(data.empty()) << "a merchant in public-key mode has no platform certificate";
        return;
    }
    ASSERT_EQ(data.size(), 1u);
    EXPECT_EQ(data[0].at("serial_no").as_string(), wechat_pay::certificate_serial(keys + "/wechatpay-platform-cert.pem"));
    EXPECT_TRUE(data[0].as_object().contains("effective_time"));
    EXPECT_TRUE(data[0].as_object().contains("expire_time"));
    const auto& sealed = data[0].at("encrypt_certificate").as_object();
    EXPECT_EQ(sealed.at("algorithm").as_string(), "AEAD_AES_256_GCM");
    auto pem = wechat_pay::aes_256_gcm_decrypt(read_trimmed(keys + "/wechatpay-apiv3-key"), sealed.at("nonce").as_string(),
                                               sealed.at("associated_data").as_string(), sealed.at("ciphertext").as_string());
    ASSERT_TRUE(pem);
    EXPECT_EQ(*pem, read_trimmed(keys + "/wechatpay-platform-cert.pem") + "\n");
}

// Issue 24, item 5: WeChat Pay's public-key mode, and the migration in which it signs with both.
TEST_F(simulator_pay_test, in_public_key_mode_answers_and_notifications_name_the_public_key_id) {
    sim = std::make_unique<simulator_process>(pay_mode_arguments("public_key"));
    start_receiver({});
    const auto out_trade_no = paid_order(700);
    auto deliveries = receiver->wait_for(1);
    ASSERT_EQ(deliveries.size(), 1u);
    EXPECT_EQ(deliveries[0].serial, test_public_key_id);
    EXPECT_TRUE(deliveries[0].signature_valid);
    auto query = signed_call("GET", "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + test_mchid, "");
    EXPECT_EQ(std::string(query.header("wechatpay-serial").value_or("")), test_public_key_id);
    EXPECT_TRUE(answer_verifies(query));
}

TEST_F(simulator_pay_test, during_a_migration_answers_follow_the_request_and_notifications_use_either_key) {
    sim = std::make_unique<simulator_process>(pay_mode_arguments("both"));
    start_receiver({});
    const auto platform_serial = wechat_pay::certificate_serial(test_keys_dir() + "/wechatpay-platform-cert.pem");
    const auto out_trade_no = paid_order(600);
    const auto path = "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + test_mchid;
    // Answers: the public key when the request names its id in Wechatpay-Serial, else the certificate.
    auto with_id = signed_call("GET", path, "", {{"Wechatpay-Serial", test_public_key_id}});
    EXPECT_EQ(std::string(with_id.header("wechatpay-serial").value_or("")), test_public_key_id);
    EXPECT_TRUE(answer_verifies(with_id));
    auto without = signed_call("GET", path, "");
    EXPECT_EQ(std::string(without.header("wechatpay-serial").value_or("")), platform_serial);
    EXPECT_TRUE(answer_verifies(without));
    // Notifications: either key at random; 40 deliveries see both (a miss is 2 x 2^-40 likely).
    ASSERT_EQ(receiver->wait_for(1).size(), 1u);
    auto copies = sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/redeliver", R"({"copies":40})");
    ASSERT_EQ(copies.status, 200) << copies.body;
    auto deliveries = receiver->wait_for(41);
    std::set<std::string> serials;
    for (const auto& d : deliveries) {
        EXPECT_TRUE(d.signature_valid) << d.serial;
        serials.insert(d.serial);
    }
    EXPECT_EQ(serials, (std::set<std::string>{platform_serial, test_public_key_id}));
}

}  // namespace
