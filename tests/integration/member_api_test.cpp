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
    auto points_on_wechat = call("POST", "/api/v1/orders", customer,
                                 json::object{{"merchant_id", s.id}, {"amount_fen", 10000}, {"description", "x"}, {"points", 10}, {"pay_with", "wechat"}});
    EXPECT_EQ(error_code(points_on_wechat), "points_need_instant_payment");
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

}  // namespace
