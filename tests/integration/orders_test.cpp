// Money end to end: customers pay through the WeChat Pay simulator (which notifies the server as
// WeChat Pay would), stores report orders from their POS, refunds reverse dividends, and the
// ledger's invariants hold after all of it (`sharedstore check-ledger`).
#include "common/clock.hpp"
#include "common/sha256.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/tcp_proxy.hpp"
#include "tests/support/eventually.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <atomic>
#include <fstream>
#include <latch>
#include <map>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class orders_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }

    // A store, one partner, and a customer who claimed the partner's card.
    struct scene {
        store s;
        partner owner_partner;
        user customer;
    };
    static scene owned_customer() {
        scene sc{open_store(), {}, sign_in()};
        sc.owner_partner = enrol(sc.s);
        if (claim(sc.customer, sc.owner_partner.share_code) != "claimed") throw std::runtime_error("claim failed");
        return sc;
    }

    static json::value place_wechat_order(const user& buyer, const std::string& merchant_id, std::int64_t amount, const std::string& kind = "purchase") {
        return ok(call("POST", "/api/v1/orders", buyer,
                       json::object{{"merchant_id", merchant_id}, {"amount_fen", amount}, {"description", "奶茶"}, {"kind", kind}, {"pay_with", "wechat"}}),
                  201);
    }
    // The simulator's customer pays; WeChat Pay then notifies the server.
    static void pay(const json::value& placed) {
        auto out_trade_no = text(placed, {"order", "out_trade_no"});
        auto paid = sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed");
        if (paid.status != 200) throw std::runtime_error("simulator could not pay: " + paid.body);
    }
    static json::value wait_for_status(const user& buyer, const std::string& order_id, const std::string& status) {
        for (int i = 0; i < 200; ++i) {
            auto order = ok(call("GET", "/api/v1/me/orders/" + order_id, buyer));
            if (text(order, {"order", "status"}) == status) return order;
            std::this_thread::sleep_for(50ms);
        }
        throw std::runtime_error("order " + order_id + " never became " + status);
    }
    static long long wait_for_count(const std::string& query, const std::vector<std::string>& params, long long expected) {
        long long n = -1;
        eventually([&] { return (n = scalar(query, params)) == expected; }, 10s, 50ms);
        return n;
    }

    // ?from=&to= around now (reports take at most 366 days).
    static std::string this_period() {
        const auto now = std::chrono::system_clock::now();
        return "?from=" + format_rfc3339_utc(now - std::chrono::hours(24 * 30)) + "&to=" + format_rfc3339_utc(now + std::chrono::hours(24));
    }


    static std::pair<int, std::string> check_ledger(environment_changes env = {}) {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, std::move(env),
                              make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }
};

TEST_F(orders_test, a_customer_paying_through_wechat_pay_earns_the_owner_a_dividend) {
    auto sc = owned_customer();
    auto placed = place_wechat_order(sc.customer, sc.s.id, 12800);
    const auto order_id = text(placed, {"order", "id"});
    EXPECT_EQ(text(placed, {"order", "status"}), "created");
    // wx.requestPayment's paySign verifies with the merchant's key over appid, timeStamp, nonceStr, package.
    const auto& payment = placed.at("payment");
    EXPECT_EQ(text(payment, {"signType"}), "RSA");
    EXPECT_EQ(text(payment, {"package"}).rfind("prepay_id=", 0), 0u);
    const auto merchant_key = wechat_pay::public_key::load_pem_file(test_keys_dir() + "/merchant-public.pem");
    EXPECT_TRUE(merchant_key.verify(wechat_pay::js_payment_message(sim->appid(), text(payment, {"timeStamp"}), text(payment, {"nonceStr"}),
                                                                    text(payment, {"package"})),
                                    text(payment, {"paySign"})));

    pay(placed);
    auto paid = wait_for_status(sc.customer, order_id, "paid");
    // 30 % margin: 3,840 fen profit; the silver tier's 20 %: 768 fen.
    EXPECT_EQ(paid.at("order").at("profit_fen").as_int64(), 3840);
    auto dividends = ok(call("GET", "/api/v1/partners/me/dividends", sc.owner_partner.person));
    ASSERT_EQ(dividends.at("items").as_array().size(), 1u);
    const auto& d = dividends.at("items").at(0);
    EXPECT_EQ(d.at("dividend_fen").as_int64(), 768);
    EXPECT_EQ(d.at("ratio_bp").as_int64(), 2000);
    EXPECT_EQ(text(d, {"state"}), "pending");
    EXPECT_EQ(text(d, {"order_id"}), order_id);
    auto summary = ok(call("GET", "/api/v1/partners/me/summary", sc.owner_partner.person));
    EXPECT_EQ(summary.at("dividends").at("today_fen").as_int64(), 768);
    EXPECT_EQ(summary.at("dividends").at("pending_fen").as_int64(), 768);
    EXPECT_EQ(summary.at("dividends").at("settled_fen").as_int64(), 0);
    EXPECT_EQ(summary.at("stored_value").at(0).at("balance_fen").as_int64(), 1000000);
    // The push issue's outbox holds the reminder for the partner.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'dividend'", {sc.owner_partner.person.id}), 1);
    // The customer sees their own order, not someone else's.
    EXPECT_EQ(call("GET", "/api/v1/me/orders/" + order_id, sign_in()).status, 404);

    // The store sees the order, the partner's dividends and a reconciliation that balances.
    auto orders = ok(call("GET", sc.s.path() + "/orders?status=paid", sc.s.owner));
    EXPECT_EQ(orders.at("items").as_array().size(), 1u);
    auto by_partner = ok(call("GET", sc.s.path() + "/dividends" + this_period(), sc.s.owner));
    ASSERT_EQ(by_partner.at("items").as_array().size(), 1u);
    EXPECT_EQ(by_partner.at("items").at(0).at("dividend_fen").as_int64(), 768);
    auto reconciliation = ok(call("GET", sc.s.path() + "/reconciliation" + this_period(), sc.s.owner));
    EXPECT_TRUE(reconciliation.at("balanced").as_bool()) << json::serialize(reconciliation);
    EXPECT_EQ(reconciliation.at("purchases_fen").as_int64(), 12800);
    EXPECT_EQ(reconciliation.at("dividends_fen").as_int64(), 768);
    EXPECT_EQ(reconciliation.at("buy_ins_fen").as_int64(), 1000000);
}

TEST_F(orders_test, twenty_concurrent_copies_of_one_notification_apply_once) {
    auto sc = owned_customer();
    auto placed = place_wechat_order(sc.customer, sc.s.id, 5000);
    const auto order_id = text(placed, {"order", "id"});
    pay(placed);
    // While the first delivery may still be in flight, 20 more copies at once.
    auto redelivered = sim->send("POST", "/sim/v1/pay/transactions/" + text(placed, {"order", "out_trade_no"}) + "/redeliver",
                                 json::serialize(json::object{{"copies", 20}}));
    ASSERT_EQ(redelivered.status, 200) << redelivered.body;
    const auto statuses = json::parse(redelivered.body).at("statuses");
    ASSERT_EQ(statuses.as_array().size(), 20u) << redelivered.body;
    for (const auto& status : statuses.as_array()) EXPECT_EQ(json::value_to<int>(status), 204) << redelivered.body;
    wait_for_status(sc.customer, order_id, "paid");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'order_paid' AND reference = ?", {"order:" + order_id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ?", {sc.owner_partner.person.id}), 1);
}

TEST_F(orders_test, refunds_partial_then_full_reverse_exactly_the_dividend) {
    auto sc = owned_customer();
    auto placed = place_wechat_order(sc.customer, sc.s.id, 10001);
    const auto order_id = text(placed, {"order", "id"});
    const auto out_trade_no = text(placed, {"order", "out_trade_no"});
    pay(placed);
    wait_for_status(sc.customer, order_id, "paid");
    // profit floor(10001 x 30 %) = 3000; dividend 600.
    EXPECT_EQ(scalar("SELECT amount_fen FROM dividends WHERE order_id = ?", {order_id}), 600);
    auto refund = [&](std::int64_t amount) {
        auto r = sim->send("POST", "/sim/v1/pay/refunds", json::serialize(json::object{{"out_trade_no", out_trade_no}, {"amount_fen", amount}}));
        ASSERT_EQ(r.status, 200) << r.body;
    };
    refund(3333);
    EXPECT_EQ(wait_for_count("SELECT reversed_fen FROM dividends WHERE order_id = ?", {order_id}, 199), 199);  // floor(600 x 3333 / 10001)
    refund(6668);
    EXPECT_EQ(wait_for_count("SELECT reversed_fen FROM dividends WHERE order_id = ?", {order_id}, 600), 600) << "a full refund reverses all";
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE id = ?", {order_id}), 10001);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'reversal'", {sc.owner_partner.person.id}), 2);
    auto d = ok(call("GET", "/api/v1/partners/me/dividends", sc.owner_partner.person)).at("items").at(0);
    EXPECT_EQ(d.at("net_fen").as_int64(), 0);
    auto reconciliation = ok(call("GET", sc.s.path() + "/reconciliation" + this_period(), sc.s.owner));
    EXPECT_TRUE(reconciliation.at("balanced").as_bool()) << json::serialize(reconciliation);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(orders_test, notifications_without_a_valid_signature_are_refused_and_write_nothing) {
    const std::string body = R"({"id":"EV-forged","event_type":"TRANSACTION.SUCCESS","resource":{}})";
    auto unsigned_call = http_call(server->port(), "POST", "/api/v1/wechat/pay/notify", body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(unsigned_call.status, 401);
    EXPECT_EQ(text(unsigned_call.json(), {"code"}), "FAIL");
    const auto now = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    auto forged = http_call(server->port(), "POST", "/api/v1/wechat/pay/notify", body,
                            {{"Content-Type", "application/json"},
                             {"Wechatpay-Serial", wechat_pay::certificate_serial(test_keys_dir() + "/wechatpay-platform-cert.pem")},
                             {"Wechatpay-Signature", wechat_pay::base64_encode("not a signature")},
                             {"Wechatpay-Timestamp", now},
                             {"Wechatpay-Nonce", "n1"}});
    EXPECT_EQ(forged.status, 401);

    // WeChat Pay's own check: one delivery with a wrong signature, refused, then the retry applies.
    auto sc = owned_customer();
    auto placed = place_wechat_order(sc.customer, sc.s.id, 2000);
    auto fault = sim->send("POST", "/sim/v1/pay/faults", R"({"bad_signature":1})");
    ASSERT_EQ(fault.status, 200);
    pay(placed);
    wait_for_status(sc.customer, text(placed, {"order", "id"}), "paid");
    // The simulator records a delivery once our answer is back, which may be after the order shows paid.
    json::array deliveries;
    std::vector<std::int64_t> statuses;
    for (int i = 0; i < 100 && statuses.size() < 2; ++i) {
        if (i) std::this_thread::sleep_for(50ms);
        deliveries = json::parse(sim->send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
        statuses.clear();
        for (const auto& d : deliveries)
            if (d.at("out_trade_no").as_string() == text(placed, {"order", "out_trade_no"})) statuses.push_back(d.at("status").as_int64());
    }
    ASSERT_GE(statuses.size(), 2u) << json::serialize(deliveries);
    EXPECT_EQ(statuses.front(), 401) << json::serialize(deliveries);
    EXPECT_EQ(statuses.back(), 204);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {text(placed, {"order", "id"})}), 1);
}

// A genuine notification (signed and sealed with WeChat Pay's keys) that does not match the order
// we placed is refused and kept for the merchant; the matching one is applied.
TEST_F(orders_test, a_genuine_notification_whose_amount_or_payer_differs_is_refused_and_recorded) {
    auto sc = owned_customer();
    auto placed = place_wechat_order(sc.customer, sc.s.id, 5000);
    const auto order_id = text(placed, {"order", "id"});
    const auto out_trade_no = text(placed, {"order", "out_trade_no"});
    const auto keys = test_keys_dir();
    const auto platform = wechat_pay::private_key::load_pem_file(keys + "/wechatpay-platform-private.pem");
    const auto serial = wechat_pay::certificate_serial(keys + "/wechatpay-platform-cert.pem");
    std::string apiv3_key;
    {
        std::ifstream in(keys + "/wechatpay-apiv3-key");
        in >> apiv3_key;
    }
    auto notify = [&](std::int64_t total, const std::string& payer) {
        const auto transaction_id = "42000" + random_hex(8);
        const json::object resource{{"appid", sim->appid()}, {"mchid", test_mchid}, {"out_trade_no", out_trade_no},
                                    {"transaction_id", transaction_id}, {"trade_type", "JSAPI"}, {"trade_state", "SUCCESS"},
                                    {"success_time", format_rfc3339_utc(std::chrono::system_clock::now() + 2s)},
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
    };
    auto wrong_amount = notify(4000, sc.customer.openid);
    EXPECT_EQ(wrong_amount.status, 400) << wrong_amount.body;
    EXPECT_EQ(text(wrong_amount.json(), {"code"}), "FAIL");
    auto wrong_payer = notify(5000, "o-someone-else");
    EXPECT_EQ(wrong_payer.status, 400) << wrong_payer.body;
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, sc.customer)), {"order", "status"}), "created");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payment_anomalies WHERE order_id = ? AND kind = 'payment_mismatch'", {order_id}), 2);
    auto right = notify(5000, sc.customer.openid);
    EXPECT_EQ(right.status, 204) << right.body;
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, sc.customer)), {"order", "status"}), "paid");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 1);
}

TEST_F(orders_test, pos_orders_are_signed_idempotent_and_forgeries_write_nothing) {
    auto sc = owned_customer();
    const auto key = make_pos_key(sc.s);
    const json::object order{{"merchant_order_id", "A-1001"}, {"user_id", sc.customer.id}, {"amount_fen", 20000}, {"profit_fen", 5000},
                             {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
    auto first = pos_call(key, "/api/v1/pos/orders", order);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.json().at("dividend").at("amount_fen").as_int64(), 1000);  // 20 % of the POS's 5,000 profit
    auto again = pos_call(key, "/api/v1/pos/orders", order);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_TRUE(again.json().at("replayed").as_bool());
    auto changed = order;
    changed["amount_fen"] = 20001;
    auto conflict = pos_call(key, "/api/v1/pos/orders", changed);
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(error_code(conflict), "order_conflict");

    const auto orders_before = scalar("SELECT COUNT(*) FROM orders WHERE merchant_id = ?", {sc.s.id});
    auto fresh = order;
    fresh["merchant_order_id"] = "A-1002";
    auto forged = pos_call(key, "/api/v1/pos/orders", fresh, "", 0s, "sk_not_the_secret");
    EXPECT_EQ(forged.status, 401);
    EXPECT_EQ(error_code(forged), "invalid_signature");
    auto stale = pos_call(key, "/api/v1/pos/orders", fresh, "", -400s);
    EXPECT_EQ(stale.status, 401);
    EXPECT_EQ(error_code(stale), "stale_timestamp");
    const auto nonce = "nonce-" + random_hex(8);
    ASSERT_EQ(pos_call(key, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", "A-1001"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 5000}}, nonce)
                  .status,
              201);
    auto replayed = pos_call(key, "/api/v1/pos/orders", fresh, nonce);
    EXPECT_EQ(replayed.status, 401);
    EXPECT_EQ(error_code(replayed), "nonce_reused");
    auto unsigned_call = http_call(server->port(), "POST", "/api/v1/pos/orders", json::serialize(fresh), {{"Content-Type", "application/json"}});
    EXPECT_EQ(unsigned_call.status, 401);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE merchant_id = ?", {sc.s.id}), orders_before) << "a refused callback wrote an order";

    // The refund above took back 5,000 of 20,000: a quarter of the 1,000 fen dividend.
    EXPECT_EQ(scalar("SELECT reversed_fen FROM dividends d JOIN orders o ON o.id = d.order_id WHERE o.merchant_id = ? AND o.merchant_order_id = 'A-1001'",
                     {sc.s.id}),
              250);
    auto too_much = pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "A-1001"}, {"merchant_refund_id", "R-2"}, {"amount_fen", 15001}});
    EXPECT_EQ(too_much.status, 409);
    EXPECT_EQ(error_code(too_much), "refund_exceeds_order");

    // A customer unknown to us: recorded, without dividend.
    auto stranger = pos_call(key, "/api/v1/pos/orders",
                             json::object{{"merchant_order_id", "A-1003"}, {"phone", "13000000000"}, {"amount_fen", 900}, {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}});
    ASSERT_EQ(stranger.status, 201) << stranger.body;
    EXPECT_TRUE(stranger.json().at("dividend").is_null());
    EXPECT_TRUE(stranger.json().at("order").at("customer_user_id").is_null());
    // A refund id is one refund: again as it was, a replay; for another amount or order, a conflict.
    auto refund_again = pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "A-1001"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 5000}});
    EXPECT_EQ(refund_again.status, 200) << refund_again.body;
    EXPECT_TRUE(refund_again.json().at("replayed").as_bool());
    auto other_amount = pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "A-1001"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 4000}});
    EXPECT_EQ(other_amount.status, 409);
    EXPECT_EQ(error_code(other_amount), "refund_conflict");
    auto other_order = pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "A-1003"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 5000}});
    EXPECT_EQ(other_order.status, 409) << other_order.body;
    EXPECT_EQ(error_code(other_order), "refund_conflict");
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE merchant_id = ? AND merchant_order_id = 'A-1003'", {sc.s.id}), 0);
    // A revoked key signs nothing.
    ok(call("DELETE", sc.s.path() + "/api-keys/" + key.id, sc.s.owner));
    auto revoked = pos_call(key, "/api/v1/pos/orders", fresh);
    EXPECT_EQ(revoked.status, 401);
    EXPECT_EQ(error_code(revoked), "unknown_api_key");
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(orders_test, stored_value_pays_at_once_and_concurrent_spends_never_overdraw) {
    auto s = open_store();
    auto p = enrol(s);  // 1,000,000 fen of stored value
    constexpr int spends = 20;
    std::vector<int> statuses(spends);
    std::latch start(spends);
    std::vector<std::thread> threads;
    for (int i = 0; i < spends; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            statuses[i] = call("POST", "/api/v1/orders", p.person,
                               json::object{{"merchant_id", s.id}, {"amount_fen", 60000}, {"description", "自用"}, {"pay_with", "stored_value"}})
                              .status;
        });
    for (auto& t : threads) t.join();
    // 16 x 60,000 = 960,000 fits; a 17th would not.
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 16);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 4);
    auto summary = ok(call("GET", "/api/v1/partners/me/summary", p.person));
    EXPECT_EQ(summary.at("stored_value").at(0).at("balance_fen").as_int64(), 40000);
    // The partner's own purchases earn them nothing.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE partner_user_id = ?", {p.person.id}), 0);
    // Spending never lowers the tier.
    EXPECT_EQ(text(ok(call("GET", s.path() + "/partners/" + p.id, s.owner)), {"partner", "tier", "name"}), "银卡");
}

TEST_F(orders_test, a_buy_in_paid_through_wechat_pay_enrols_the_partner) {
    auto s = open_store();
    auto person = sign_in();
    auto low = call("POST", "/api/v1/orders", person,
                    json::object{{"merchant_id", s.id}, {"amount_fen", 999999}, {"description", "入股"}, {"kind", "buy_in"}, {"pay_with", "wechat"}});
    EXPECT_EQ(low.status, 400);
    EXPECT_EQ(error_code(low), "below_lowest_tier");
    auto placed = place_wechat_order(person, s.id, 3000000, "buy_in");
    pay(placed);
    wait_for_status(person, text(placed, {"order", "id"}), "paid");
    auto memberships = ok(call("GET", "/api/v1/partners/me", person)).at("memberships").as_array();
    ASSERT_EQ(memberships.size(), 1u);
    EXPECT_EQ(text(memberships.at(0), {"tier", "name"}), "金卡");
    EXPECT_EQ(memberships.at(0).at("stored_value_fen").as_int64(), 3000000);
}

// MariaDB unreachable while WeChat Pay notifies: 5xx, nothing half-written; when it is back,
// WeChat Pay's retry applies the payment once.
TEST_F(orders_test, a_notification_while_the_database_is_unreachable_is_applied_once_by_the_retry) {
    tcp_proxy database_link(test_config().mysql.port);
    const int port = free_tcp_port();
    auto env = sim->server_environment(port);
    env.emplace_back("SHAREDSTORE_MYSQL_PORT", std::to_string(database_link.port()));
    env.emplace_back("SHAREDSTORE_MYSQL_CONNECT_TIMEOUT_MS", std::string("1000"));
    server_process cut_off(env);
    auto sc = owned_customer();
    // The order is placed through the server under test, which reaches MariaDB through the proxy.
    auto placed_reply = http_call(cut_off.port(), "POST", "/api/v1/orders",
                                  json::serialize(json::object{{"merchant_id", sc.s.id}, {"amount_fen", 4000}, {"description", "x"}, {"pay_with", "wechat"}}),
                                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + sc.customer.token}});
    ASSERT_EQ(placed_reply.status, 201) << placed_reply.body;
    const auto placed = placed_reply.json();
    const auto order_id = text(placed, {"order", "id"});
    database_link.cut();
    pay(placed);
    // The first deliveries fail with 5xx while the link is down.
    json::array deliveries;
    for (int i = 0; i < 200; ++i) {
        deliveries = json::parse(sim->send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
        if (std::any_of(deliveries.begin(), deliveries.end(), [&](const json::value& d) {
                return d.at("out_trade_no").as_string() == text(placed, {"order", "out_trade_no"}) && d.at("status").as_int64() >= 500;
            }))
            break;
        std::this_thread::sleep_for(25ms);
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 0);
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, sc.customer)), {"order", "status"}), "created");
    database_link.restore();
    wait_for_status(sc.customer, order_id, "paid");
    std::this_thread::sleep_for(500ms);  // any further retry in flight lands now
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 1);
    deliveries = json::parse(sim->send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
    int failed = 0, applied = 0;
    for (const auto& d : deliveries) {
        if (d.at("out_trade_no").as_string() != text(placed, {"order", "out_trade_no"})) continue;
        if (d.at("status").as_int64() >= 500) ++failed;
        if (d.at("status").as_int64() == 204) ++applied;
    }
    EXPECT_GE(failed, 1);
    EXPECT_EQ(applied, 1);
}

// A notification that never arrives: reconcile-payments asks WeChat Pay and applies the payment
// through the same code path, once.
TEST_F(orders_test, reconcile_payments_applies_what_wechat_pay_says_was_paid) {
    auto env = sim->server_environment();
    env.emplace_back("SHAREDSTORE_WECHAT_PAY_NOTIFY_URL", std::string("http://127.0.0.1:9/api/v1/wechat/pay/notify"));  // nobody listens
    server_process unreachable(env);
    auto sc = owned_customer();
    auto placed_reply = http_call(unreachable.port(), "POST", "/api/v1/orders",
                                  json::serialize(json::object{{"merchant_id", sc.s.id}, {"amount_fen", 6000}, {"description", "x"}, {"pay_with", "wechat"}}),
                                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + sc.customer.token}});
    ASSERT_EQ(placed_reply.status, 201) << placed_reply.body;
    const auto placed = placed_reply.json();
    const auto order_id = text(placed, {"order", "id"});
    // An order placed but never paid, reconciled too: WeChat Pay says NOTPAY, it stays unpaid.
    auto unpaid_reply = http_call(unreachable.port(), "POST", "/api/v1/orders",
                                  json::serialize(json::object{{"merchant_id", sc.s.id}, {"amount_fen", 700}, {"description", "y"}, {"pay_with", "wechat"}}),
                                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + sc.customer.token}});
    ASSERT_EQ(unpaid_reply.status, 201);
    const auto unpaid_id = text(unpaid_reply.json(), {"order", "id"});
    // WeChat Pay's success_time has whole seconds and created_at is moved back below: pay in a
    // later second than the claim, so the payment is not dated before the customer was owned.
    std::this_thread::sleep_for(1100ms);
    pay(placed);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, sc.customer)), {"order", "status"}), "created");
    // Both orders are older than reconcile_after_s.
    execute("UPDATE orders SET created_at = created_at - INTERVAL 1 HOUR WHERE id IN (?, ?)", {order_id, unpaid_id});
    auto reconcile_env = sim->server_environment();
    reconcile_env.emplace_back("SHAREDSTORE_WECHAT_PAY_RECONCILE_AFTER_S", std::string("600"));
    child_process reconcile({SHAREDSTORE_BINARY, "reconcile-payments", "--config", test_config_path()}, reconcile_env,
                            make_temp_dir("reconcile") + "/out.log");
    ASSERT_EQ(reconcile.wait_exit(60s), 0) << reconcile.output();
    EXPECT_NE(reconcile.output().find("\"applied\":1"), std::string::npos) << reconcile.output();
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + order_id, sc.customer)), {"order", "status"}), "paid");
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + unpaid_id, sc.customer)), {"order", "status"}), "created");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 1);
    // Run again: nothing left to apply, nothing applied twice.
    child_process again({SHAREDSTORE_BINARY, "reconcile-payments", "--config", test_config_path()}, reconcile_env, make_temp_dir("reconcile") + "/out.log");
    ASSERT_EQ(again.wait_exit(60s), 0) << again.output();
    EXPECT_NE(again.output().find("\"applied\":0"), std::string::npos) << again.output();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = ?", {order_id}), 1);
}

// The checker itself, on a scratch database (other tests run it on the shared one): a ledger
// that was tampered with fails, naming the ids.
TEST_F(orders_test, check_ledger_names_what_is_broken) {
    const auto scratch = "scratch_ledger_" + random_hex(6);
    auto admin = database();
    std::unique_ptr<sql::Statement>(admin->createStatement())->execute("CREATE DATABASE `" + scratch + "`");
    environment_changes env{{"SHAREDSTORE_MYSQL_DATABASE", scratch}};
    child_process migrate({SHAREDSTORE_BINARY, "migrate", "--config", test_config_path()}, env, make_temp_dir("migrate") + "/out.log");
    ASSERT_EQ(migrate.wait_exit(60s), 0) << migrate.output();
    EXPECT_EQ(check_ledger(env).first, 0) << "an empty ledger holds";
    admin->setSchema(scratch);
    for (const auto* statement :
         {"INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'o1')", "INSERT INTO merchants (id, name, owner_user_id) VALUES (1, 's', 1)",
          // A balance no entry explains, and a paid order of an owned customer without its dividend.
          "INSERT INTO ledger_books (id, kind, merchant_id) VALUES (5, 'store', 1)",
          "INSERT INTO ledger_accounts (id, book_id, merchant_id, kind, asset, user_id, balance) VALUES (7, 5, 1, 'sales', 'cny_fen', 0, 5)",
          "INSERT INTO orders (id, merchant_id, source, kind, customer_user_id, amount_fen, status, paid_at, profit_fen, dividend_due) "
          "VALUES (9, 1, 'pos', 'purchase', 1, 100, 'paid', NOW(6), 30, TRUE)"})
        std::unique_ptr<sql::Statement>(admin->createStatement())->execute(statement);
    auto [code, output] = check_ledger(env);
    std::unique_ptr<sql::Statement>(admin->createStatement())->execute("DROP DATABASE `" + scratch + "`");
    EXPECT_EQ(code, 1) << output;
    EXPECT_NE(output.find("account 7"), std::string::npos) << output;
    EXPECT_NE(output.find("order 9"), std::string::npos) << output;
}

}  // namespace
