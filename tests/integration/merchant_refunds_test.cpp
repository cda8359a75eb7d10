// A store refunds a WeChat Pay order through WeChat Pay (issue 24, item 4): owner or manager only,
// idempotent on request_id (also 15 copies at once), partial amounts up to what is left, applied
// once whichever tells us first (the refund API's answer, the notification, a query), reversing
// the dividend in proportion like every refund, with the ledger's invariants intact.
#include "tests/integration/support/store_api.hpp"
#include "tests/support/eventually.hpp"

#include <algorithm>
#include <latch>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class merchant_refunds_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }
    void TearDown() override { refund_behaviour("PROCESSING", true); }

    // A paid WeChat Pay order of `amount` fen whose customer a partner owns.
    struct paid_order {
        store s;
        partner owner_partner;
        user customer;
        std::string order_id;
    };
    static paid_order pay_order(std::int64_t amount) {
        paid_order p{open_store(), {}, sign_in(), ""};
        p.owner_partner = enrol(p.s);
        if (claim(p.customer, p.owner_partner.share_code) != "claimed") throw std::runtime_error("claim failed");
        auto placed = ok(call("POST", "/api/v1/orders", p.customer,
                              json::object{{"merchant_id", p.s.id}, {"amount_fen", amount}, {"description", "奶茶"}, {"pay_with", "wechat"}}),
                         201);
        p.order_id = text(placed, {"order", "id"});
        auto paid = sim->send("POST", "/sim/v1/pay/transactions/" + text(placed, {"order", "out_trade_no"}) + "/succeed");
        if (paid.status != 200) throw std::runtime_error("simulator could not pay: " + paid.body);
        for (int i = 0; i < 200; ++i) {
            if (text(ok(call("GET", "/api/v1/me/orders/" + p.order_id, p.customer)), {"order", "status"}) == "paid") return p;
            std::this_thread::sleep_for(50ms);
        }
        throw std::runtime_error("order never paid");
    }
    static http_reply refund(const paid_order& p, const user& who, const std::string& request_id, std::int64_t amount) {
        return call("POST", p.s.path() + "/orders/" + p.order_id + "/refunds", who,
                    json::object{{"request_id", request_id}, {"amount_fen", amount}, {"reason", "顾客退货"}});
    }
    static void refund_behaviour(const std::string& answer, bool notify) {
        auto r = sim->send("POST", "/sim/v1/pay/refund-behaviour", json::serialize(json::object{{"answer", answer}, {"notify", notify}}));
        if (r.status != 200) throw std::runtime_error("refund-behaviour refused: " + r.body);
    }
    static long long wait_for(const std::string& query, const std::vector<std::string>& params, long long expected) {
        long long n = -1;
        eventually([&] { return (n = scalar(query, params)) == expected; }, 10s, 50ms);
        return n;
    }
    static std::string status_of(const paid_order& p, const user& who, const std::string& request_id, std::int64_t amount) {
        auto again = ok(refund(p, who, request_id, amount));
        EXPECT_TRUE(again.at("replayed").as_bool());
        return text(again, {"refund", "status"});
    }
    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }
};

TEST_F(merchant_refunds_test, partial_refunds_reverse_the_dividend_in_proportion_and_never_exceed_the_order) {
    auto p = pay_order(10001);  // profit 3000, dividend 600
    const auto first_id = "rq-" + random_hex(8);
    auto first = refund(p, p.s.owner, first_id, 3333);
    ASSERT_EQ(first.status, 201) << first.body;
    auto body = first.json();
    EXPECT_FALSE(body.at("replayed").as_bool());
    EXPECT_EQ(body.at("refund").at("amount_fen").as_int64(), 3333);
    EXPECT_EQ(text(body, {"refund", "out_refund_no"}).rfind("RF", 0), 0u);
    // WeChat Pay answered PROCESSING; its notification settles it.
    EXPECT_EQ(wait_for("SELECT reversed_fen FROM dividends WHERE order_id = ?", {p.order_id}, 199), 199);  // floor(600 x 3333 / 10001)
    EXPECT_EQ(status_of(p, p.s.owner, first_id, 3333), "succeeded");
    // More than what is left (6668) is refused and asks WeChat Pay nothing.
    auto too_much = refund(p, p.s.owner, "rq-" + random_hex(8), 6669);
    EXPECT_EQ(too_much.status, 409);
    EXPECT_EQ(error_code(too_much), "refund_exceeds_order");
    auto rest = refund(p, p.s.owner, "rq-" + random_hex(8), 6668);
    ASSERT_EQ(rest.status, 201) << rest.body;
    EXPECT_EQ(wait_for("SELECT reversed_fen FROM dividends WHERE order_id = ?", {p.order_id}, 600), 600) << "a full refund reverses all";
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE id = ?", {p.order_id}), 10001);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}), 2);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'reversal'", {p.owner_partner.person.id}), 2);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(merchant_refunds_test, a_success_answer_and_its_notification_apply_once) {
    refund_behaviour("SUCCESS", true);
    auto p = pay_order(5000);
    auto answered = refund(p, p.s.owner, "rq-" + random_hex(8), 2000);
    ASSERT_EQ(answered.status, 201) << answered.body;
    EXPECT_EQ(text(answered.json(), {"refund", "status"}), "succeeded") << "applied from the answer itself";
    EXPECT_FALSE(text(answered.json(), {"refund", "wechat_refund_id"}).empty());
    // The notification arrives too (answered 204, already applied): still one refund.
    for (int i = 0; i < 100; ++i) {
        auto deliveries = json::parse(sim->send("GET", "/sim/v1/pay/deliveries").body).at("deliveries").as_array();
        if (std::count_if(deliveries.begin(), deliveries.end(), [](const json::value& d) {
                return d.at("event_type").as_string() == "REFUND.SUCCESS" && d.at("status").as_int64() == 204;
            }) > 0 && scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}) == 1)
            break;
        std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}), 1);
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE id = ?", {p.order_id}), 2000);
}

TEST_F(merchant_refunds_test, without_a_notification_a_replay_asks_wechat_pay_and_applies_once) {
    refund_behaviour("PROCESSING", false);
    auto p = pay_order(4000);
    const auto request_id = "rq-" + random_hex(8);
    auto first = refund(p, p.s.owner, request_id, 4000);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(text(first.json(), {"refund", "status"}), "processing");
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}), 0) << "nothing moves before WeChat Pay says SUCCESS";
    // Held back: nothing more can be refunded meanwhile.
    EXPECT_EQ(error_code(refund(p, p.s.owner, "rq-" + random_hex(8), 1)), "refund_exceeds_order");
    EXPECT_EQ(status_of(p, p.s.owner, request_id, 4000), "succeeded");
    EXPECT_EQ(status_of(p, p.s.owner, request_id, 4000), "succeeded");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}), 1);
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE id = ?", {p.order_id}), 4000);
}

TEST_F(merchant_refunds_test, fifteen_copies_at_once_refund_once_and_never_fail) {
    auto p = pay_order(9000);
    const auto request_id = "rq-" + random_hex(8);
    constexpr int copies = 15;
    std::vector<int> statuses(copies);
    std::vector<std::string> bodies(copies);
    std::latch start(copies);
    std::vector<std::thread> threads;
    for (int i = 0; i < copies; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto r = refund(p, p.s.owner, request_id, 3000);
            statuses[i] = r.status;
            bodies[i] = r.body;
        });
    for (auto& t : threads) t.join();
    int created = 0;
    for (int i = 0; i < copies; ++i) {
        EXPECT_TRUE(statuses[i] == 201 || statuses[i] == 200 || statuses[i] == 409) << statuses[i] << " " << bodies[i];
        if (statuses[i] == 201) ++created;
        if (statuses[i] == 200) EXPECT_TRUE(json::parse(bodies[i]).at("replayed").as_bool());
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM merchant_refunds WHERE order_id = ?", {p.order_id}), 1);
    EXPECT_EQ(wait_for("SELECT refunded_fen FROM orders WHERE id = ?", {p.order_id}, 3000), 3000);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds WHERE order_id = ?", {p.order_id}), 1);
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE id = ?", {p.order_id}), 3000);
}

TEST_F(merchant_refunds_test, only_owner_and_manager_may_refund_and_a_request_id_means_one_refund) {
    auto p = pay_order(3000);
    auto cashier = sign_in(), manager = sign_in();
    ASSERT_EQ(call("PUT", p.s.path() + "/staff/" + cashier.id, p.s.owner, json::object{{"role", "cashier"}}).status, 200);
    ASSERT_EQ(call("PUT", p.s.path() + "/staff/" + manager.id, p.s.owner, json::object{{"role", "manager"}}).status, 200);
    auto by_cashier = refund(p, cashier, "rq-" + random_hex(8), 100);
    EXPECT_EQ(by_cashier.status, 403);
    EXPECT_EQ(error_code(by_cashier), "forbidden");
    EXPECT_EQ(refund(p, p.customer, "rq-" + random_hex(8), 100).status, 403);
    EXPECT_EQ(refund(p, p.owner_partner.person, "rq-" + random_hex(8), 100).status, 403);
    const auto request_id = "rq-" + random_hex(8);
    ASSERT_EQ(refund(p, manager, request_id, 100).status, 201);
    auto reused = refund(p, manager, request_id, 101);
    EXPECT_EQ(reused.status, 409);
    EXPECT_EQ(error_code(reused), "request_id_reused");
    // Another store's order is not found through this store.
    auto other = open_store();
    EXPECT_EQ(call("POST", other.path() + "/orders/" + p.order_id + "/refunds", other.owner,
                   json::object{{"request_id", "rq-" + random_hex(8)}, {"amount_fen", 1}})
                  .status,
              404);
    auto bad = call("POST", p.s.path() + "/orders/" + p.order_id + "/refunds", p.s.owner, json::object{{"request_id", "short"}, {"amount_fen", 1}});
    EXPECT_EQ(bad.status, 400);
}

}  // namespace
