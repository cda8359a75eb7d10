// The member journey on the real stack (docs/members.md): a server, its WeChat simulator, MariaDB
// and Redis; a customer goes from a claim to fan, member and partner through the API, POS and
// WeChat Pay orders, and a refund takes growth, points and level back. check-ledger after it all.
#include "tests/integration/support/store_api.hpp"
#include "tests/support/eventually.hpp"

#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class member_api_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }

    static void run_job(const std::string& name) {
        child_process process({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, sim->server_environment(server->port()),
                              make_temp_dir("run-job") + "/out.log");
        if (process.wait_exit(60s).value_or(-1) != 0) throw std::runtime_error(name + " failed: " + process.output());
    }
    static json::value place(const user& buyer, json::object body) {
        body["description"] = "会员";
        body["pay_with"] = "wechat";
        return ok(call("POST", "/api/v1/orders", buyer, body), 201);
    }
    static void pay_and_wait(const user& buyer, const json::value& placed) {
        auto out_trade_no = text(placed, {"order", "out_trade_no"});
        auto paid = sim->send("POST", "/sim/v1/pay/transactions/" + out_trade_no + "/succeed");
        if (paid.status != 200) throw std::runtime_error("simulator could not pay: " + paid.body);
        const auto id = text(placed, {"order", "id"});
        eventually([&] { return text(ok(call("GET", "/api/v1/me/orders/" + id, buyer)), {"order", "status"}) == "paid"; }, 10s, 50ms);
    }
    static json::value membership(const user& who, const std::string& store_id) {
        return ok(call("GET", "/api/v1/me/stores/" + store_id + "/membership", who));
    }
    static std::int64_t number(const json::value& v, std::initializer_list<const char*> path) {
        const json::value* at = &v;
        for (const char* key : path) at = &at->as_object().at(key);
        return at->as_int64();
    }
    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }
};

TEST_F(member_api_test, a_customer_goes_from_claim_to_member_to_partner_and_a_refund_takes_growth_points_and_level_back) {
    auto s = open_store();
    auto p = enrol(s);
    const auto key = make_pos_key(s);
    // Orders vest at once (no refund window) so that the jobs run now have something to do.
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
    const user customer = sign_in(), stranger = sign_in();

    // A claim is the first identified contact, and the lifetime referral link.
    ASSERT_EQ(claim(customer, p.share_code), "claimed");
    EXPECT_EQ(text(membership(customer, s.id), {"stage", "stage"}), "fan");
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/referrer", customer)), {"referrer", "source"}), "share_claim");
    EXPECT_TRUE(ok(call("GET", "/api/v1/me/referrer", stranger)).at("referrer").is_null());

    // The store's programme: the salon's levels, a 199-yuan annual card, partners from members only.
    ok(call("PUT", s.path() + "/member-program", s.owner,
            json::object{{"points_per_yuan", 1}, {"point_value_fen", 1}, {"max_points_per_order", 200}, {"points_validity_months", 24},
                         {"terms_version", "v1"}, {"terms_text", "会员条款"}, {"partner_requires_member", true}}));
    json::array levels{json::object{{"name", "普通"}, {"threshold_growth", 0}, {"discount_bp", 10000}, {"points_multiplier_bp", 10000}},
                       json::object{{"name", "银卡"}, {"threshold_growth", 2000}, {"discount_bp", 9500}, {"points_multiplier_bp", 12000}}};
    ok(call("PUT", s.path() + "/member-levels", s.owner, json::object{{"levels", levels}}));
    auto bad = call("PUT", s.path() + "/member-levels", s.owner,
                    json::object{{"levels", json::array{json::object{{"name", "x"}, {"threshold_growth", 5}, {"discount_bp", 20000}, {"points_multiplier_bp", 10000}}}}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(error_code(bad), "invalid_member_levels");
    EXPECT_EQ(bad.json().at("error").at("details").at("problems").as_array().size(), 2u) << bad.body;
    const auto card = text(ok(call("POST", s.path() + "/member-offers", s.owner,
                                   json::object{{"kind", "membership_product"}, {"name", "年卡"}, {"price_fen", 19900}}),
                              201),
                           {"offer", "id"});

    // A buy-in before the member stage is refused; the annual card (WeChat Pay) and the terms make a member.
    auto early = call("POST", "/api/v1/orders", customer,
                      json::object{{"merchant_id", s.id}, {"amount_fen", 1000000}, {"description", "x"}, {"kind", "buy_in"}, {"pay_with", "wechat"}});
    EXPECT_EQ(error_code(early), "member_required");
    auto bought = place(customer, json::object{{"merchant_id", s.id}, {"kind", "membership"}, {"offer_id", card}});
    EXPECT_EQ(number(bought, {"order", "amount_fen"}), 19900) << "priced by the store";
    pay_and_wait(customer, bought);
    EXPECT_EQ(text(membership(customer, s.id), {"stage", "member_qualified_by"}), "membership_product");
    ok(call("POST", "/api/v1/me/stores/" + s.id + "/member-terms", customer, json::object{{"terms_version", "v1"}}));
    auto m = membership(customer, s.id);
    EXPECT_EQ(text(m, {"stage", "stage"}), "member");
    EXPECT_EQ(number(m, {"level", "level_no"}), 1);

    // A POS order records the level in force; when it vests, 3000 yuan of growth reach 银卡.
    auto pos = ok(pos_order(key, customer, 300000), 201);
    EXPECT_EQ(number(pos, {"order", "member", "level_no"}), 1);
    run_job("vest-member-orders");
    m = membership(customer, s.id);
    EXPECT_EQ(number(m, {"stage", "growth"}), 3000);
    EXPECT_EQ(number(m, {"level", "level_no"}), 2);
    EXPECT_EQ(number(m, {"points", "spendable"}), 3000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'level_up'", {customer.id}), 2);

    // 银卡 prices a WeChat Pay order at 95 %.
    auto discounted = place(customer, json::object{{"merchant_id", s.id}, {"amount_fen", 10000}});
    EXPECT_EQ(number(discounted, {"order", "amount_fen"}), 9500);
    EXPECT_EQ(number(discounted, {"order", "member", "listed_fen"}), 10000);
    pay_and_wait(customer, discounted);
    run_job("vest-member-orders");
    EXPECT_EQ(number(membership(customer, s.id), {"stage", "growth"}), 3095);

    // The POS order refunded in full after vesting: its growth and points go at once, and 银卡 with them.
    ASSERT_EQ(pos_call(key, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(pos, {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-1"}, {"amount_fen", 300000}})
                  .status,
              201);
    m = membership(customer, s.id);
    EXPECT_EQ(number(m, {"stage", "growth"}), 95);
    EXPECT_EQ(number(m, {"level", "level_no"}), 1);
    EXPECT_EQ(number(m, {"points", "spendable"}), 9500 * 12 / 1000) << "3000 taken back, the 95 % order's 114 at 1.2x left";
    auto history = ok(call("GET", "/api/v1/me/stores/" + s.id + "/points", customer));
    EXPECT_EQ(history.at("items").as_array().at(0).at("kind").as_string(), "reversed");

    // A member may buy in: the buy-in makes a partner. Someone who is not a member may not.
    EXPECT_EQ(error_code(call("POST", "/api/v1/orders", stranger,
                              json::object{{"merchant_id", s.id}, {"amount_fen", 1000000}, {"description", "x"}, {"kind", "buy_in"}, {"pay_with", "wechat"}})),
              "member_required");
    auto buy_in = place(customer, json::object{{"merchant_id", s.id}, {"amount_fen", 1000000}, {"kind", "buy_in"}});
    pay_and_wait(customer, buy_in);
    EXPECT_EQ(text(membership(customer, s.id), {"stage", "stage"}), "partner");

    // The store sees the funnel and the person's trail.
    auto funnel = ok(call("GET", s.path() + "/member-funnel?weeks=4", s.owner));
    EXPECT_GE(number(funnel, {"stages", "partner"}), 1);
    auto trail = ok(call("GET", s.path() + "/members/" + customer.id, s.owner));
    EXPECT_GE(trail.at("events").as_array().size(), 5u);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(member_api_test, points_on_a_wechat_pay_order_are_held_until_it_is_paid_or_closed) {
    auto s = open_store();
    const auto key = make_pos_key(s);
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
    ok(call("PUT", s.path() + "/member-program", s.owner,
            json::object{{"points_per_yuan", 1}, {"point_value_fen", 1}, {"max_points_per_order", 200}, {"points_validity_months", 24},
                         {"terms_version", "v1"}, {"terms_text", "会员条款"}}));
    const user customer = sign_in();
    const auto first = ok(pos_order(key, customer, 10000), 201);
    run_job("vest-member-orders");
    auto spendable = [&] { return number(membership(customer, s.id), {"points", "spendable"}); };
    ASSERT_EQ(spendable(), 100);
    // The orders below keep a refund window: another suite's vest-member-orders on the shared
    // database must not vest their points while this test counts them.
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 7}}));
    auto with_points = [&](std::int64_t points) {
        return call("POST", "/api/v1/orders", customer,
                    json::object{{"merchant_id", s.id}, {"amount_fen", 5000}, {"description", "套餐"}, {"points", points}, {"pay_with", "wechat"}});
    };

    // Placing the order holds its points: they leave the balance at once, so no other order takes them.
    auto a = ok(with_points(30), 201);
    EXPECT_EQ(number(a, {"order", "amount_fen"}), 4970);
    EXPECT_EQ(number(a, {"order", "member", "points_used"}), 30);
    EXPECT_EQ(spendable(), 70);
    auto too_many = with_points(80);
    EXPECT_EQ(too_many.status, 409);
    EXPECT_EQ(error_code(too_many), "points_over_balance");
    auto history = ok(call("GET", "/api/v1/me/stores/" + s.id + "/points", customer));
    EXPECT_EQ(history.at("items").as_array().at(0).at("kind").as_string(), "held");

    // The buyer gives it up: closed at WeChat Pay and here, the points back. Closing again answers the same.
    const auto a_id = text(a, {"order", "id"});
    auto closed = ok(call("POST", "/api/v1/me/orders/" + a_id + "/close", customer));
    EXPECT_EQ(text(closed, {"order", "status"}), "closed");
    EXPECT_FALSE(closed.at("order").at("closed_at").is_null());
    EXPECT_EQ(spendable(), 100);
    EXPECT_EQ(text(ok(call("POST", "/api/v1/me/orders/" + a_id + "/close", customer)), {"order", "status"}), "closed");
    EXPECT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + text(a, {"order", "out_trade_no"}) + "/succeed").status / 100, 4)
        << "WeChat Pay closed it too: it can no longer be paid";
    history = ok(call("GET", "/api/v1/me/stores/" + s.id + "/points", customer));
    EXPECT_EQ(history.at("items").as_array().at(0).at("kind").as_string(), "released");

    // Paid: the hold is spent, and the history shows the spend once.
    auto b = ok(with_points(40), 201);
    pay_and_wait(customer, b);
    EXPECT_EQ(spendable(), 60);
    history = ok(call("GET", "/api/v1/me/stores/" + s.id + "/points", customer));
    std::vector<std::string> moves_of_b;
    for (const auto& item : history.at("items").as_array())
        if (item.at("order_id") == b.at("order").at("id")) moves_of_b.push_back(text(item, {"kind"}) + " " + std::to_string(item.at("points").as_int64()));
    EXPECT_EQ(moves_of_b, (std::vector<std::string>{"earned 49", "spent 40"})) << "4960 fen paid earn 49 pending points";
    EXPECT_EQ(error_code(call("POST", "/api/v1/me/orders/" + text(b, {"order", "id"}) + "/close", customer)), "order_not_closable");

    // Left unpaid past wechat_pay.close_unpaid_after_s: reconcile-payments closes it and the points come back.
    auto c = ok(with_points(10), 201);
    EXPECT_EQ(spendable(), 50);
    execute("UPDATE orders SET created_at = created_at - INTERVAL 3 HOUR WHERE id = ?", {text(c, {"order", "id"})});
    run_job("reconcile-payments");
    EXPECT_EQ(text(ok(call("GET", "/api/v1/me/orders/" + text(c, {"order", "id"}), customer)), {"order", "status"}), "closed");
    EXPECT_EQ(spendable(), 60);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM member_point_holds WHERE order_id = ? AND state = 'released'", {text(c, {"order", "id"})}), 1);

    // A refund that finds the points held cannot take them back then; when the order closes, what
    // comes back pays that debt first: the hold never shelters points a refund is owed.
    auto d = ok(with_points(60), 201);
    EXPECT_EQ(spendable(), 0);
    ok(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", text(first, {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-held"},
                                                          {"amount_fen", 10000}}),
       201);
    EXPECT_EQ(scalar("SELECT SUM(unrecovered) FROM member_point_lots WHERE merchant_id = ? AND user_id = ?", {s.id, customer.id}), 100);
    ok(call("POST", "/api/v1/me/orders/" + text(d, {"order", "id"}) + "/close", customer));
    EXPECT_EQ(spendable(), 0) << "the 60 released went to the refund's 100";
    EXPECT_EQ(scalar("SELECT SUM(unrecovered) FROM member_point_lots WHERE merchant_id = ? AND user_id = ?", {s.id, customer.id}), 40);

    // Someone else's order does not exist for the caller.
    EXPECT_EQ(call("POST", "/api/v1/me/orders/" + text(b, {"order", "id"}) + "/close", sign_in()).status, 404);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

}  // namespace
