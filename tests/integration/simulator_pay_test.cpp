// The simulator's WeChat Pay side, end to end: a merchant-signed prepay over HTTPS, then payment
// and refund notifications posted to a receiver run by this test, retried like WeChat's.
#include "common/http/http_server.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/wechat_simulator.hpp"
#include "tests/support/capture_log.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <mutex>
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

// A merchant's notify endpoint: verifies each delivery as the server must, answers the scripted
// statuses in turn (204 once the script runs out), and remembers what came.
class notify_receiver : public http_handler {
public:
    struct delivery {
        bool signature_valid = false;
        std::string event_type, plaintext;
    };

    explicit notify_receiver(std::deque<int> script) : script_(std::move(script)) {}

    boost::asio::awaitable<http_response> handle(http_request& r) override {
        const auto keys = test_keys_dir();
        static const auto platform = wechat_pay::public_key::load_pem_file(keys + "/wechatpay-platform-cert.pem");
        delivery d;
        auto h = [&](const char* name) { return std::string(r.header(name).value_or("")); };
        d.signature_valid = platform.verify(wechat_pay::response_message(h("wechatpay-timestamp"), h("wechatpay-nonce"), r.body),
                                            h("wechatpay-signature"));
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
        if (server) server->begin_shutdown();
    }

    // A JSAPI prepay signed with the merchant key, as the server will send it.
    client_response prepay(const std::string& out_trade_no, std::int64_t total) {
        const auto keys = test_keys_dir();
        const auto body = json::serialize(json::object{
            {"appid", sim.appid()}, {"mchid", test_mchid}, {"description", "test order"}, {"out_trade_no", out_trade_no},
            {"notify_url", "http://127.0.0.1:" + std::to_string(server->bound_port()) + "/notify"},
            {"amount", json::object{{"total", total}, {"currency", "CNY"}}}, {"payer", json::object{{"openid", "oPayer"}}}});
        const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now().time_since_epoch()).count());
        const auto nonce = random_hex(16);
        auto key = wechat_pay::private_key::load_pem_file(keys + "/merchant-private.pem");
        wechat_pay::authorization a{test_mchid, nonce,
                                    key.sign(wechat_pay::request_message("POST", "/v3/pay/transactions/jsapi", timestamp, nonce, body)),
                                    timestamp, wechat_pay::certificate_serial(keys + "/merchant-cert.pem")};
        client_request request;
        request.method = "POST";
        request.url = sim.base_url() + "/v3/pay/transactions/jsapi";
        request.headers = {{"Content-Type", "application/json"}, {"Authorization", wechat_pay::format_authorization(a)}};
        request.body = body;
        return io.run(client.send(std::move(request)));
    }

    simulator_process sim;
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

    auto paid = sim.send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed");
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
    auto log = json::parse(sim.send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].at("status").as_int64(), 500);
    EXPECT_EQ(log[2].at("status").as_int64(), 204);
}

TEST_F(simulator_pay_test, a_deliberately_bad_signature_is_followed_by_a_good_one) {
    start_receiver({});
    const auto out_trade_no = "T" + random_hex(8);
    ASSERT_EQ(prepay(out_trade_no, 1000).status, 200);
    ASSERT_EQ(sim.send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed").status, 200);
    ASSERT_EQ(receiver->wait_for(1).size(), 1u);
    sim.send("POST", "/sim/v1/pay/faults", "{\"bad_signature\":1}");
    auto refunded = sim.send("POST", "/sim/v1/pay/refunds", json::serialize(json::object{{"out_trade_no", out_trade_no}, {"amount_fen", 400}}));
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
    request.url = sim.base_url() + "/v3/pay/transactions/jsapi";
    request.headers = {{"Content-Type", "application/json"},
                       {"Authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"n\",signature=\"AAAA\",timestamp=\"1\",serial_no=\"X\""}};
    request.body = "{}";
    auto response = io.run(client.send(std::move(request)));
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(json::parse(response.body).at("code").as_string(), "SIGN_ERROR");
}

}  // namespace
