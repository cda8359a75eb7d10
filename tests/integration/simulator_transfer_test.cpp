// Merchant transfers end to end: wechat/pay's transfer_client against a wechat-sim process over
// HTTPS, the payee played through the simulator's control API, and MCHTRANSFER.BILL.FINISHED
// received by a notify endpoint of this test that opens it as a server must (signature, then the
// AEAD resource, with the keys the pay mode gives a merchant). Runs again as public_key_mode.*.
#include "common/http/http_server.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/wechat_simulator.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/eventually.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/pay_notification.hpp"
#include "wechat/pay/transfer_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <sstream>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace sharedstore::wechat_pay;
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

// The keys a merchant holds in `mode`: the platform certificate, WeChat Pay's public key, or both.
std::map<std::string, public_key> merchant_keys(const std::string& mode) {
    const auto keys = test_keys_dir();
    std::map<std::string, public_key> out;
    if (mode != "public_key")
        out.emplace(certificate_serial(keys + "/wechatpay-platform-cert.pem"), public_key::load_pem_file(keys + "/wechatpay-platform-cert.pem"));
    if (mode != "certificate") out.emplace(test_public_key_id, public_key::load_pem_file(keys + "/wechatpay-pubkey-public.pem"));
    return out;
}

// A merchant's transfer notify endpoint: opens each delivery as the server must and remembers it.
class transfer_receiver : public http_handler {
public:
    struct delivery {
        std::string serial;
        std::optional<transfer_bill> bill;  // nullopt: refused (401)
    };
    explicit transfer_receiver(const signature_verifier& verifier) : verifier_(verifier) {}

    boost::asio::awaitable<http_response> handle(http_request& r) override {
        auto h = [&](const char* name) { return std::string(r.header(name).value_or("")); };
        signed_headers headers{h("wechatpay-serial"), h("wechatpay-signature"), h("wechatpay-timestamp"), h("wechatpay-nonce")};
        auto opened = verifier_.open_transfer_notification(headers, r.body, std::chrono::system_clock::now());
        std::lock_guard lock(mutex_);
        deliveries_.push_back(delivery{headers.serial, opened ? std::optional(opened.value().bill) : std::nullopt});
        http_response response;
        response.status = opened ? 204 : 401;
        co_return response;
    }
    http_response reject(http_request&, int status, std::string_view, std::string_view) override { return http_response::text(status, ""); }

    std::vector<delivery> deliveries() {
        std::lock_guard lock(mutex_);
        return deliveries_;
    }
    // The bills notified for `out_bill_no`, waiting up to 10 s for at least `count`.
    std::vector<transfer_bill> bills_of(const std::string& out_bill_no, std::size_t count = 1) {
        std::vector<transfer_bill> out;
        eventually(
            [&] {
                out.clear();
                for (const auto& d : deliveries())
                    if (d.bill && d.bill->out_bill_no == out_bill_no) out.push_back(*d.bill);
                return out.size() >= count;
            },
            10s);
        return out;
    }

private:
    const signature_verifier& verifier_;
    std::mutex mutex_;
    std::vector<delivery> deliveries_;
};

class simulator_transfer_test : public ::testing::Test {
protected:
    void TearDown() override {
        if (!server) return;
        // A notification still on its way must end before the receiver it calls is destroyed.
        server->begin_shutdown();
        EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }, 5s, 10ms));
    }

    // A simulator in `mode` (with `extra` arguments), the notify endpoint, and a client holding
    // that mode's keys. Once per test.
    void start(const std::string& mode = pay_mode(), std::vector<std::string> extra = {}, transfer_client_config tuning = {}) {
        auto args = pay_mode_arguments(mode);
        args.insert(args.end(), extra.begin(), extra.end());
        sim = std::make_unique<simulator_process>(args);
        verifier = std::make_unique<signature_verifier>(merchant_keys(mode), read_trimmed(test_keys_dir() + "/wechatpay-apiv3-key"));
        receiver = std::make_unique<transfer_receiver>(*verifier);
        http_config config;
        config.port = 0;
        server = std::make_unique<http_server>(io.io(), config, *receiver, log.log(), metrics);
        server->start();
        const auto keys = test_keys_dir();
        tuning.base_url = sim->base_url();
        tuning.appid = sim->appid();
        tuning.mchid = test_mchid;
        tuning.merchant_serial = certificate_serial(keys + "/merchant-cert.pem");
        tuning.notify_url = "http://127.0.0.1:" + std::to_string(server->bound_port()) + "/api/v1/wechat/transfer/notify";
        tuning.wechatpay_serial = mode == "certificate" ? "" : test_public_key_id;
        // The key WeChat recommends when the merchant has it: the public key; else the certificate.
        auto sealing = mode == "certificate"
                           ? sensitive_field_key{public_key::load_pem_file(keys + "/wechatpay-platform-cert.pem"),
                                                 certificate_serial(keys + "/wechatpay-platform-cert.pem")}
                           : sensitive_field_key{public_key::load_pem_file(keys + "/wechatpay-pubkey-public.pem"), test_public_key_id};
        client = std::make_unique<transfer_client>(http, tuning, private_key::load_pem_file(keys + "/merchant-private.pem"), *verifier,
                                                   std::move(sealing), log.log());
    }

    static transfer_request request(const std::string& out_bill_no, std::int64_t amount_fen = 1234, std::string user_name = "") {
        return transfer_request{.out_bill_no = out_bill_no,
                                .transfer_scene_id = "1005",
                                .openid = "oPartner",
                                .amount_fen = amount_fen,
                                .remark = "门店分红提现",
                                .user_name = std::move(user_name),
                                .user_recv_perception = "劳务报酬",
                                .scene_report_infos = {{"岗位类型", "门店合伙人"}, {"报酬说明", "2026-11 门店分红"}}};
    }
    static std::string new_bill_no() { return "PB" + random_hex(10); }

    transfer_outcome<transfer_accepted> create(transfer_request r) { return io.run(client->create(std::move(r))); }
    transfer_query_outcome query(const std::string& out_bill_no) { return io.run(client->query(out_bill_no)); }
    transfer_cancel_outcome cancel(const std::string& out_bill_no) { return io.run(client->cancel(out_bill_no)); }
    transfer_accepted accepted(transfer_request r) {
        auto outcome = create(std::move(r));
        if (auto* refusal = std::get_if<transfer_refusal>(&outcome)) ADD_FAILURE() << "refused: " << refusal->code << " " << refusal->message;
        if (auto* unclear = std::get_if<transfer_unclear>(&outcome)) ADD_FAILURE() << "unclear: " << unclear->code << " " << unclear->message;
        return std::holds_alternative<transfer_accepted>(outcome) ? std::get<transfer_accepted>(outcome) : transfer_accepted{};
    }
    std::optional<transfer_bill> queried(const std::string& out_bill_no) {
        auto outcome = query(out_bill_no);
        if (auto* bill = std::get_if<transfer_bill>(&outcome)) return *bill;
        return std::nullopt;
    }
    client_response control(const std::string& path, const json::object& body) { return sim->send("POST", path, json::serialize(body)); }
    json::array sim_bills() { return json::parse(sim->send("GET", "/sim/v1/transfers").body).at("bills").as_array(); }
    std::size_t sim_bills_numbered(const std::string& out_bill_no) {
        std::size_t n = 0;
        for (const auto& b : sim_bills()) n += b.at("out_bill_no").as_string() == out_bill_no;
        return n;
    }
    void fault(const json::object& f) {
        auto r = control("/sim/v1/faults", f);
        ASSERT_EQ(r.status, 200) << r.body;
    }

    io_thread io;
    captured_log log;
    metrics_registry metrics;
    https_client http{io.io().get_executor(), https_client_config{test_keys_dir() + "/wechat-ca.pem"}};
    std::unique_ptr<simulator_process> sim;
    std::unique_ptr<signature_verifier> verifier;
    std::unique_ptr<transfer_receiver> receiver;
    std::unique_ptr<http_server> server;
    std::unique_ptr<transfer_client> client;
};

TEST_F(simulator_transfer_test, a_confirmed_bill_succeeds_and_its_notification_verifies) {
    start();
    const auto no = new_bill_no();
    auto bill = accepted(request(no));
    EXPECT_EQ(bill.state, transfer_state::wait_user_confirm);
    EXPECT_EQ(bill.out_bill_no, no);
    ASSERT_FALSE(bill.package_info.empty());
    auto params = client->confirm_params(bill.package_info);
    EXPECT_EQ(params.mch_id, test_mchid);
    EXPECT_EQ(params.app_id, sim->appid());
    EXPECT_EQ(queried(no)->state, transfer_state::wait_user_confirm);

    auto confirmed = control("/sim/v1/transfers/confirm", {{"package", bill.package_info}, {"openid", "oPartner"}});
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    auto notified = receiver->bills_of(no);
    ASSERT_EQ(notified.size(), 1u);
    EXPECT_EQ(notified[0].state, transfer_state::success);
    EXPECT_EQ(notified[0].amount_fen, 1234);
    EXPECT_EQ(notified[0].openid, "oPartner");
    EXPECT_EQ(notified[0].transfer_bill_no, bill.transfer_bill_no);
    EXPECT_EQ(notified[0].mch_id, test_mchid);
    for (const auto& d : receiver->deliveries()) EXPECT_TRUE(d.bill) << "every delivery verifies (serial " << d.serial << ")";
    auto final_bill = queried(no);
    ASSERT_TRUE(final_bill);
    EXPECT_EQ(final_bill->state, transfer_state::success);
    EXPECT_EQ(final_bill->transfer_remark, "门店分红提现");
    auto by_wechat_number = io.run(client->query_by_transfer_bill_no(bill.transfer_bill_no));
    ASSERT_TRUE(std::holds_alternative<transfer_bill>(by_wechat_number));
    EXPECT_EQ(std::get<transfer_bill>(by_wechat_number).out_bill_no, no);
    // A used package confirms nothing more.
    EXPECT_EQ(control("/sim/v1/transfers/confirm", {{"package", bill.package_info}}).status, 409);
}

TEST_F(simulator_transfer_test, a_declined_bill_keeps_waiting_until_it_is_closed_as_fail) {
    start();
    const auto no = new_bill_no();
    auto bill = accepted(request(no));
    auto declined = control("/sim/v1/transfers/decline", {{"package", bill.package_info}});
    ASSERT_EQ(declined.status, 200) << declined.body;
    EXPECT_EQ(json::parse(declined.body).at("state").as_string(), "WAIT_USER_CONFIRM");
    EXPECT_EQ(queried(no)->state, transfer_state::wait_user_confirm);
    EXPECT_TRUE(receiver->deliveries().empty()) << "declining notifies nothing";
    ASSERT_EQ(control("/sim/v1/transfers/expire", {{"out_bill_no", no}}).status, 200);
    auto notified = receiver->bills_of(no);
    ASSERT_EQ(notified.size(), 1u);
    EXPECT_EQ(notified[0].state, transfer_state::fail);
    EXPECT_FALSE(notified[0].fail_reason.empty());
    EXPECT_EQ(queried(no)->state, transfer_state::fail);
}

TEST_F(simulator_transfer_test, a_bill_failing_after_confirmation_reports_its_reason) {
    start();
    const auto no = new_bill_no();
    accepted(request(no));
    ASSERT_EQ(control("/sim/v1/transfers/confirm", {{"out_bill_no", no}, {"result", "FAIL"}, {"fail_reason", "NAME_NOT_CORRECT"}}).status, 200);
    auto notified = receiver->bills_of(no);
    ASSERT_EQ(notified.size(), 1u);
    EXPECT_EQ(notified[0].state, transfer_state::fail);
    EXPECT_EQ(notified[0].fail_reason, "NAME_NOT_CORRECT");
}

TEST_F(simulator_transfer_test, a_waiting_bill_is_cancelled_and_a_confirmed_one_cannot_be) {
    start();
    const auto no = new_bill_no();
    accepted(request(no));
    auto cancelled = cancel(no);
    ASSERT_TRUE(std::holds_alternative<transfer_cancel_accepted>(cancelled));
    EXPECT_EQ(std::get<transfer_cancel_accepted>(cancelled).state, transfer_state::canceling);
    auto notified = receiver->bills_of(no);
    ASSERT_EQ(notified.size(), 1u);
    EXPECT_EQ(notified[0].state, transfer_state::cancelled);
    EXPECT_EQ(queried(no)->state, transfer_state::cancelled);

    const auto held = new_bill_no();
    accepted(request(held));
    ASSERT_EQ(control("/sim/v1/transfers/confirm", {{"out_bill_no", held}, {"settle_after_ms", 600000}}).status, 200);
    EXPECT_EQ(queried(held)->state, transfer_state::transfering);
    auto refused = cancel(held);
    ASSERT_TRUE(std::holds_alternative<transfer_refusal>(refused));
    EXPECT_EQ(std::get<transfer_refusal>(refused).code, "INVALID_REQUEST");
    EXPECT_EQ(std::get<transfer_refusal>(refused).http_status, 400);
    EXPECT_TRUE(std::holds_alternative<transfer_not_found>(cancel("PBNOSUCHBILL")));
}

TEST_F(simulator_transfer_test, an_unconfirmed_bill_closes_as_fail_after_the_scaled_24_hours) {
    start(pay_mode(), {"--time-scale", "0.00002"});  // 24 h become 1.7 s
    const auto no = new_bill_no();
    accepted(request(no));
    auto notified = receiver->bills_of(no);
    ASSERT_EQ(notified.size(), 1u);
    EXPECT_EQ(notified[0].state, transfer_state::fail);
    auto bill = queried(no);
    ASSERT_TRUE(bill);
    EXPECT_EQ(bill->state, transfer_state::fail);
    EXPECT_FALSE(bill->fail_reason.empty());
    // Too late for the payee.
    EXPECT_EQ(control("/sim/v1/transfers/confirm", {{"out_bill_no", no}}).status, 409);
}

TEST_F(simulator_transfer_test, the_same_bill_sent_again_is_answered_with_the_same_bill_and_changed_fields_are_refused) {
    start();
    const auto no = new_bill_no();
    // From 2,000 yuan the name is sealed afresh on every call: still the same bill.
    auto first = accepted(request(no, 250000, "张三"));
    auto again = accepted(request(no, 250000, "张三"));
    EXPECT_EQ(again.transfer_bill_no, first.transfer_bill_no);
    EXPECT_EQ(again.package_info, first.package_info);
    auto changed = create(request(no, 250001, "张三"));
    ASSERT_TRUE(std::holds_alternative<transfer_refusal>(changed));
    EXPECT_EQ(std::get<transfer_refusal>(changed).code, "INVALID_REQUEST");
    EXPECT_FALSE(std::get<transfer_refusal>(changed).retry_same_bill);
    EXPECT_EQ(sim_bills_numbered(no), 1u);
}

TEST_F(simulator_transfer_test, twenty_concurrent_creates_of_one_number_make_one_bill) {
    start();
    const auto no = new_bill_no();
    std::vector<std::future<transfer_outcome<transfer_accepted>>> calls;
    for (int i = 0; i < 20; ++i) calls.push_back(boost::asio::co_spawn(io.io(), client->create(request(no)), boost::asio::use_future));
    std::set<std::string> numbers;
    for (auto& call : calls) {
        auto outcome = call.get();
        ASSERT_TRUE(std::holds_alternative<transfer_accepted>(outcome));
        numbers.insert(std::get<transfer_accepted>(outcome).transfer_bill_no);
    }
    EXPECT_EQ(numbers.size(), 1u);
    EXPECT_EQ(sim_bills_numbered(no), 1u);
    EXPECT_EQ(sim->calls("transfer_create"), 20);
}

TEST_F(simulator_transfer_test, a_timeout_after_the_bill_was_made_is_unclear_and_the_query_finds_the_bill) {
    transfer_client_config one_attempt;
    one_attempt.max_attempts = 1;
    start(pay_mode(), {}, one_attempt);
    https_client impatient{io.io().get_executor(), https_client_config{.ca_file = test_keys_dir() + "/wechat-ca.pem", .request_timeout = 800ms}};
    const auto keys = test_keys_dir();
    auto config = client->config();
    transfer_client hurried(impatient, config, private_key::load_pem_file(keys + "/merchant-private.pem"), *verifier, std::nullopt, log.log());
    const auto no = new_bill_no();
    fault({{"endpoint", "transfer_create"}, {"after_create", true}, {"latency_ms", 3000}});
    auto outcome = io.run(hurried.create(request(no)));
    ASSERT_TRUE(std::holds_alternative<transfer_unclear>(outcome));
    EXPECT_EQ(std::get<transfer_unclear>(outcome).code, "unreachable");
    // Unclear: ask before sending anything new. The bill is there, waiting for the payee.
    auto bill = queried(no);
    ASSERT_TRUE(bill);
    EXPECT_EQ(bill->state, transfer_state::wait_user_confirm);
    // The same bill again gives its package; there is still one bill.
    auto again = accepted(request(no));
    EXPECT_EQ(again.transfer_bill_no, bill->transfer_bill_no);
    EXPECT_FALSE(again.package_info.empty());
    EXPECT_EQ(sim_bills_numbered(no), 1u);
}

TEST_F(simulator_transfer_test, the_clients_own_retry_after_a_timeout_sends_the_same_bill_and_gets_it) {
    start();
    https_client impatient{io.io().get_executor(), https_client_config{.ca_file = test_keys_dir() + "/wechat-ca.pem", .request_timeout = 800ms}};
    auto config = client->config();
    config.max_attempts = 2;
    transfer_client retrying(impatient, config, private_key::load_pem_file(test_keys_dir() + "/merchant-private.pem"), *verifier,
                             std::nullopt, log.log());
    const auto no = new_bill_no();
    fault({{"endpoint", "transfer_create"}, {"after_create", true}, {"latency_ms", 3000}});
    auto outcome = io.run(retrying.create(request(no)));
    ASSERT_TRUE(std::holds_alternative<transfer_accepted>(outcome));
    EXPECT_EQ(std::get<transfer_accepted>(outcome).state, transfer_state::wait_user_confirm);
    EXPECT_EQ(sim->calls("transfer_create"), 2);
    EXPECT_EQ(sim_bills_numbered(no), 1u);
}

TEST_F(simulator_transfer_test, a_5xx_after_the_bill_was_made_is_unclear_too) {
    transfer_client_config one_attempt;
    one_attempt.max_attempts = 1;
    start(pay_mode(), {}, one_attempt);
    const auto no = new_bill_no();
    fault({{"endpoint", "transfer_create"}, {"after_create", true}, {"code", "SYSTEM_ERROR"}});
    auto outcome = create(request(no));
    ASSERT_TRUE(std::holds_alternative<transfer_unclear>(outcome));
    EXPECT_EQ(std::get<transfer_unclear>(outcome).http_status, 500);
    EXPECT_EQ(std::get<transfer_unclear>(outcome).code, "SYSTEM_ERROR");
    EXPECT_TRUE(queried(no));
}

TEST_F(simulator_transfer_test, not_enough_and_frequency_limits_refuse_without_a_bill_and_the_same_bill_goes_through_later) {
    start();
    const auto no = new_bill_no();
    fault({{"endpoint", "transfer_create"}, {"code", "NOT_ENOUGH"}});
    auto short_of_money = create(request(no));
    ASSERT_TRUE(std::holds_alternative<transfer_refusal>(short_of_money));
    EXPECT_EQ(std::get<transfer_refusal>(short_of_money).http_status, 403);
    EXPECT_EQ(std::get<transfer_refusal>(short_of_money).code, "NOT_ENOUGH");
    EXPECT_TRUE(std::get<transfer_refusal>(short_of_money).retry_same_bill);
    EXPECT_TRUE(std::holds_alternative<transfer_not_found>(query(no)));
    fault({{"endpoint", "transfer_create"}, {"code", "FREQUENCY_LIMITED"}});
    auto limited = create(request(no));
    ASSERT_TRUE(std::holds_alternative<transfer_refusal>(limited));
    EXPECT_EQ(std::get<transfer_refusal>(limited).http_status, 429);
    EXPECT_TRUE(std::get<transfer_refusal>(limited).retry_same_bill);
    EXPECT_EQ(accepted(request(no)).state, transfer_state::wait_user_confirm);
    // A query that fails is unclear: it says nothing of the bill.
    fault({{"endpoint", "transfer_query"}, {"code", "SYSTEM_ERROR"}, {"count", 3}});
    EXPECT_TRUE(std::holds_alternative<transfer_unclear>(query(no)));
}

TEST_F(simulator_transfer_test, what_wechat_would_refuse_is_not_sent) {
    start();
    auto outcome = create(request(new_bill_no(), 200000));  // 2,000 yuan without the payee's name
    ASSERT_TRUE(std::holds_alternative<transfer_refusal>(outcome));
    EXPECT_EQ(std::get<transfer_refusal>(outcome).code, "refused_locally");
    EXPECT_EQ(std::get<transfer_refusal>(outcome).http_status, 0);
    EXPECT_EQ(sim->calls("transfer_create"), 0);
}

TEST_F(simulator_transfer_test, in_public_key_mode_the_name_is_sealed_with_the_public_key_and_everything_names_its_id) {
    start("public_key", {});
    const auto no = new_bill_no();
    auto bill = accepted(request(no, 300000, "李四"));
    EXPECT_EQ(bill.state, transfer_state::wait_user_confirm);
    ASSERT_EQ(control("/sim/v1/transfers/confirm", {{"out_bill_no", no}}).status, 200);
    ASSERT_EQ(receiver->bills_of(no).size(), 1u);
    for (const auto& d : receiver->deliveries()) {
        EXPECT_EQ(d.serial, test_public_key_id);
        EXPECT_TRUE(d.bill);
    }
}

}  // namespace
