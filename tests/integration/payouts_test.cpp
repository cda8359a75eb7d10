// Payouts end to end (docs/payouts.md) against the real server, MariaDB and the WeChat simulator's
// merchant transfer API: settle -> withdraw -> confirm -> SUCCESS with exact balances; declined and
// cancelled, expired, refused by the store -> the money back; a 5xx after the bill was made ->
// exactly one bill after the query; 20 withdrawals of the whole balance at once -> one; the
// notification and a query together -> applied once; a refund after the payout -> a debt netted
// from the next dividend. check-ledger after each.
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

class payouts_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }
    void TearDown() override { sim->send("DELETE", "/sim/v1/faults"); }

    // A store that settles at once, a partner at its 20 % tier, and a customer the partner owns.
    struct setup {
        store s;
        partner p;
        user customer;
        pos_key key;
    };
    static setup prepare() {
        setup x{open_store(), {}, sign_in(), {}};
        x.p = enrol(x.s);
        if (claim(x.customer, x.p.share_code) != "claimed") throw std::runtime_error("claim failed");
        ok(call("PATCH", x.s.path() + "/settings", x.s.owner, json::object{{"settlement_delay_days", 0}}));
        x.key = make_pos_key(x.s);
        return x;
    }
    // A POS order of `amount` fen (profit 30 %, dividend 20 % of it); its merchant_order_id.
    static std::string buy(const setup& x, std::int64_t amount) {
        auto order = ok(pos_order(x.key, x.customer, amount), 201);
        return text(order, {"order", "merchant_order_id"});
    }
    // A job run by hand beside the server, talking to the same simulator.
    static json::object run_job(const std::string& name) {
        auto env = sim->server_environment(server->port());
        child_process process({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, env, make_temp_dir("run-job") + "/out.log");
        const auto code = process.wait_exit(60s);
        if (code.value_or(-1) != 0) throw std::runtime_error(name + " failed: " + process.output());
        const auto output = process.output();
        const auto line = output.substr(output.rfind('{'));
        return json::parse(line).as_object();
    }
    static json::object balances(const setup& x) {
        auto listed = ok(call("GET", "/api/v1/me/payout-balances?merchant_id=" + x.s.id, x.p.person));
        const auto& items = listed.at("items").as_array();
        if (items.size() != 1) throw std::runtime_error("expected one balance: " + json::serialize(listed));
        return items[0].as_object();
    }
    static std::int64_t withdrawable(const setup& x) { return balances(x).at("withdrawable_fen").as_int64(); }
    static http_reply withdraw(const setup& x, std::int64_t amount, const std::string& request_id) {
        return call("POST", "/api/v1/me/withdrawals", x.p.person, json::object{{"merchant_id", x.s.id}, {"amount_fen", amount}, {"request_id", request_id}});
    }
    static json::object payout(const setup& x, const std::string& id) {
        return ok(call("GET", "/api/v1/me/withdrawals/" + id, x.p.person)).at("payout").as_object();
    }
    static std::string state_of(const setup& x, const std::string& id) { return std::string(payout(x, id).at("state").as_string()); }
    static void wait_state(const setup& x, const std::string& id, const std::string& expected) {
        std::string seen;
        eventually([&] { return (seen = state_of(x, id)) == expected; }, 10s, 50ms);
        ASSERT_EQ(seen, expected);
    }
    static json::value sim_post(const std::string& path, const json::object& body) {
        auto r = sim->send("POST", path, json::serialize(body));
        if (r.status != 200) throw std::runtime_error(path + " refused: " + r.body);
        return json::parse(r.body);
    }
    static void confirm(const std::string& out_bill_no) { sim_post("/sim/v1/transfers/confirm", {{"out_bill_no", out_bill_no}}); }
    static long long bills_numbered(const std::string& out_bill_no) {
        auto listed = json::parse(sim->send("GET", "/sim/v1/transfers").body).at("bills").as_array();
        return std::count_if(listed.begin(), listed.end(), [&](const json::value& b) { return b.at("out_bill_no").as_string() == out_bill_no; });
    }
    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }
    // Earned and settled: the partner has `dividend` fen withdrawable.
    static setup with_withdrawable(std::int64_t order_fen) {
        auto x = prepare();
        buy(x, order_fen);
        run_job("settle-dividends");
        return x;
    }
};

TEST_F(payouts_test, settled_withdrawn_confirmed_paid_with_every_balance_exact) {
    auto x = prepare();
    // A day's delay while it is looked at pending: the other suites run settle-dividends too.
    ok(call("PATCH", x.s.path() + "/settings", x.s.owner, json::object{{"settlement_delay_days", 1}}));
    buy(x, 100000);  // profit 30,000, dividend 6,000
    EXPECT_EQ(balances(x).at("pending_fen").as_int64(), 6000);
    EXPECT_EQ(withdrawable(x), 0) << "pending until settle-dividends runs";
    run_job("settle-dividends");
    EXPECT_EQ(withdrawable(x), 0) << "not due inside the store's delay";
    execute("UPDATE dividends SET settles_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE partner_user_id = ?", {x.p.person.id});
    run_job("settle-dividends");  // (or another suite's run, at the same moment: either settles it once)
    EXPECT_EQ(withdrawable(x), 6000);
    EXPECT_EQ(balances(x).at("pending_fen").as_int64(), 0);
    auto dividends = ok(call("GET", "/api/v1/partners/me/dividends?merchant_id=" + x.s.id, x.p.person));
    EXPECT_EQ(std::string(dividends.at("items").as_array()[0].at("state").as_string()), "settled");

    auto asked = withdraw(x, 5000, "wd-" + random_hex(6));
    ASSERT_EQ(asked.status, 201) << asked.body;
    const auto p = asked.json().at("payout").as_object();
    const auto id = std::string(p.at("id").as_string());
    EXPECT_EQ(std::string(p.at("state").as_string()), "wait_user_confirm");
    ASSERT_TRUE(p.at("confirm").is_object()) << "what wx.requestMerchantTransfer needs";
    EXPECT_FALSE(p.at("confirm").at("package").as_string().empty());
    EXPECT_EQ(std::string(p.at("confirm").at("mch_id").as_string()), "1900000001");
    EXPECT_EQ(withdrawable(x), 1000);
    EXPECT_EQ(balances(x).at("in_flight_fen").as_int64(), 5000);

    confirm(std::string(p.at("out_bill_no").as_string()));
    wait_state(x, id, "succeeded");
    EXPECT_EQ(balances(x).at("in_flight_fen").as_int64(), 0);
    EXPECT_EQ(balances(x).at("paid_out_fen").as_int64(), 5000);
    EXPECT_EQ(withdrawable(x), 1000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'payout'", {x.p.person.id}), 1) << "the partner's phone is told";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'payout_success' AND reference = ?", {id}), 1);
    auto listed = ok(call("GET", "/api/v1/me/withdrawals?merchant_id=" + x.s.id, x.p.person));
    EXPECT_EQ(listed.at("items").as_array().size(), 1u);
    // The store sees it, and its reconciliation balances.
    auto store_list = ok(call("GET", x.s.path() + "/payouts", x.s.owner));
    EXPECT_EQ(store_list.at("items").as_array().size(), 1u);
    auto reconciled = ok(call("GET", x.s.path() + "/payout-reconciliation", x.s.owner));
    EXPECT_TRUE(reconciled.at("balanced").as_bool()) << json::serialize(reconciled);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, a_replayed_request_answers_the_same_payout_and_a_reused_id_is_refused) {
    auto x = with_withdrawable(100000);
    const auto request_id = "wd-" + random_hex(6);
    auto first = withdraw(x, 1000, request_id);
    ASSERT_EQ(first.status, 201) << first.body;
    auto again = withdraw(x, 1000, request_id);
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_TRUE(again.json().at("replayed").as_bool());
    EXPECT_EQ(text(again.json(), {"payout", "id"}), text(first.json(), {"payout", "id"}));
    auto other = withdraw(x, 2000, request_id);
    EXPECT_EQ(other.status, 409);
    EXPECT_EQ(error_code(other), "request_id_reused");
    EXPECT_EQ(withdrawable(x), 5000);
}

TEST_F(payouts_test, every_broken_limit_is_named) {
    auto x = with_withdrawable(100000);  // 6,000 withdrawable
    ok(call("PUT", x.s.path() + "/payout-limits", x.s.owner,
            json::object{{"payout_min_fen", 100}, {"payout_max_fen", 5000}, {"payout_daily_max_fen", 5000}, {"payout_max_pending", 1},
                         {"payout_approval_above_fen", nullptr}}));
    auto refused = withdraw(x, 7000, "wd-" + random_hex(6));
    ASSERT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(error_code(refused), "withdrawal_refused");
    std::vector<std::string> codes;
    const auto refusal = refused.json();  // named: the loop reads into it
    for (const auto& p : refusal.at("error").at("details").at("problems").as_array()) codes.emplace_back(p.at("code").as_string());
    EXPECT_EQ(codes, (std::vector<std::string>{"above_maximum", "daily_maximum", "insufficient_balance"}));
    EXPECT_EQ(error_code(withdraw(x, 50, "wd-" + random_hex(6))), "withdrawal_refused");
    ASSERT_EQ(withdraw(x, 3000, "wd-" + random_hex(6)).status, 201);
    auto second = withdraw(x, 1000, "wd-" + random_hex(6));
    EXPECT_EQ(second.status, 409);
    EXPECT_NE(second.body.find("too_many_pending"), std::string::npos) << second.body;
    auto bad_limits = call("PUT", x.s.path() + "/payout-limits", x.s.owner,
                           json::object{{"payout_min_fen", 5}, {"payout_max_fen", 1}, {"payout_daily_max_fen", 0}, {"payout_max_pending", 0},
                                        {"payout_approval_above_fen", nullptr}});
    EXPECT_EQ(bad_limits.status, 400);
    EXPECT_EQ(bad_limits.json().at("error").at("details").at("problems").as_array().size(), 4u) << bad_limits.body;
}

TEST_F(payouts_test, from_two_thousand_yuan_the_sealed_real_name_goes_encrypted_to_wechat_pay) {
    auto x = prepare();
    buy(x, 3400000);  // 34,000 yuan: profit 10,200, dividend 2,040 yuan
    run_job("settle-dividends");
    ok(call("PUT", x.s.path() + "/payout-limits", x.s.owner,
            json::object{{"payout_min_fen", 10}, {"payout_max_fen", 300000}, {"payout_daily_max_fen", 500000}, {"payout_max_pending", 3},
                         {"payout_approval_above_fen", nullptr}}));
    auto refused = withdraw(x, 200000, "wd-" + random_hex(6));
    ASSERT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(refused.body.find("real_name_required"), std::string::npos) << refused.body;
    EXPECT_EQ(call("PUT", "/api/v1/me/real-name", x.p.person, json::object{{"real_name", "1"}}).status, 400);
    ok(call("PUT", "/api/v1/me/real-name", x.p.person, json::object{{"real_name", "张三"}}));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM users WHERE id = ? AND real_name_sealed LIKE '%张三%'", {x.p.person.id}), 0) << "sealed, not stored in clear";
    // WeChat Pay (the simulator) refuses a bill from 2,000 yuan without a name it can decrypt.
    auto asked = withdraw(x, 200000, "wd-" + random_hex(6));
    ASSERT_EQ(asked.status, 201) << asked.body;
    EXPECT_EQ(text(asked.json(), {"payout", "state"}), "wait_user_confirm") << asked.body;
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, declined_then_cancelled_and_expired_bills_give_the_money_back) {
    auto x = with_withdrawable(100000);
    auto a = withdraw(x, 2000, "wd-" + random_hex(6)).json().at("payout").as_object();
    auto b = withdraw(x, 3000, "wd-" + random_hex(6)).json().at("payout").as_object();
    EXPECT_EQ(withdrawable(x), 1000);
    // The partner closes WeChat's confirm page: the bill keeps waiting; they cancel it here.
    sim_post("/sim/v1/transfers/decline", {{"out_bill_no", a.at("out_bill_no")}});
    EXPECT_EQ(state_of(x, std::string(a.at("id").as_string())), "wait_user_confirm");
    auto cancelled = call("POST", "/api/v1/me/withdrawals/" + std::string(a.at("id").as_string()) + "/cancel", x.p.person);
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    wait_state(x, std::string(a.at("id").as_string()), "cancelled");
    // WeChat Pay's 24 h close: FAIL, notified.
    sim_post("/sim/v1/transfers/expire", {{"out_bill_no", b.at("out_bill_no")}});
    wait_state(x, std::string(b.at("id").as_string()), "failed");
    EXPECT_EQ(withdrawable(x), 6000) << "both amounts are back";
    EXPECT_EQ(balances(x).at("in_flight_fen").as_int64(), 0);
    // A confirmed bill cannot be cancelled.
    auto c = withdraw(x, 1000, "wd-" + random_hex(6)).json().at("payout").as_object();
    confirm(std::string(c.at("out_bill_no").as_string()));
    wait_state(x, std::string(c.at("id").as_string()), "succeeded");
    auto late = call("POST", "/api/v1/me/withdrawals/" + std::string(c.at("id").as_string()) + "/cancel", x.p.person);
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(error_code(late), "payout_not_cancellable");
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, a_bill_left_unconfirmed_past_its_lifetime_is_cancelled_by_the_server_and_the_money_returns) {
    auto x = with_withdrawable(100000);
    auto p = withdraw(x, 2000, "wd-" + random_hex(6)).json().at("payout").as_object();
    const auto id = std::string(p.at("id").as_string());
    // A day has passed since WeChat Pay made the bill, and WeChat Pay has not closed it yet.
    execute("UPDATE payouts SET bill_created_at = UTC_TIMESTAMP(6) - INTERVAL 25 HOUR, next_check_at = UTC_TIMESTAMP(6) WHERE id = ?", {id});
    run_job("check-payouts");
    wait_state(x, id, "cancelled");
    EXPECT_EQ(withdrawable(x), 6000);
    auto bills = json::parse(sim->send("GET", "/sim/v1/transfers").body).at("bills").as_array();
    auto bill = std::find_if(bills.begin(), bills.end(), [&](const json::value& b) { return b.at("out_bill_no").as_string() == p.at("out_bill_no").as_string(); });
    ASSERT_NE(bill, bills.end());
    EXPECT_EQ(bill->at("state").as_string(), "CANCELLED") << "cancelled at WeChat Pay before the money came back";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, a_5xx_after_the_bill_was_made_is_queried_and_makes_exactly_one_bill) {
    auto x = with_withdrawable(100000);
    // Every attempt of the create call (the client retries 5xx with the same body) is answered 500
    // after the bill was made.
    sim_post("/sim/v1/faults", {{"endpoint", "transfer_create"}, {"code", "SYSTEM_ERROR"}, {"after_create", true}, {"count", 10}});
    auto asked = withdraw(x, 4000, "wd-" + random_hex(6));
    ASSERT_EQ(asked.status, 201) << asked.body;
    const auto p = asked.json().at("payout").as_object();
    EXPECT_EQ(std::string(p.at("state").as_string()), "creating") << "unclear: the server does not know whether the bill exists";
    const auto id = std::string(p.at("id").as_string());
    const auto no = std::string(p.at("out_bill_no").as_string());
    sim->send("DELETE", "/sim/v1/faults");
    // The check job asks first, finds the bill, and never makes another.
    execute("UPDATE payouts SET next_check_at = UTC_TIMESTAMP(6) WHERE id = ?", {id});
    auto checked = run_job("check-payouts");
    EXPECT_GE(checked.at("checked").as_int64(), 1);
    EXPECT_EQ(state_of(x, id), "wait_user_confirm");
    EXPECT_EQ(bills_numbered(no), 1);
    confirm(no);
    wait_state(x, id, "succeeded");
    EXPECT_EQ(bills_numbered(no), 1);
    EXPECT_EQ(balances(x).at("paid_out_fen").as_int64(), 4000);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, a_bill_wechat_pay_never_got_is_sent_again_under_the_same_number) {
    auto x = with_withdrawable(100000);
    // Refused before anything was made, every attempt: unclear to us.
    sim_post("/sim/v1/faults", {{"endpoint", "transfer_create"}, {"code", "SYSTEM_ERROR"}, {"count", 10}});
    auto p = withdraw(x, 1500, "wd-" + random_hex(6)).json().at("payout").as_object();
    const auto id = std::string(p.at("id").as_string());
    const auto no = std::string(p.at("out_bill_no").as_string());
    EXPECT_EQ(bills_numbered(no), 0);
    sim->send("DELETE", "/sim/v1/faults");
    execute("UPDATE payouts SET next_check_at = UTC_TIMESTAMP(6) WHERE id = ?", {id});
    run_job("check-payouts");
    EXPECT_EQ(state_of(x, id), "wait_user_confirm");
    EXPECT_EQ(bills_numbered(no), 1);
}

TEST_F(payouts_test, twenty_withdrawals_of_the_whole_balance_at_once_pay_one) {
    auto x = with_withdrawable(100000);  // 6,000
    ok(call("PUT", x.s.path() + "/payout-limits", x.s.owner,
            json::object{{"payout_min_fen", 10}, {"payout_max_fen", 100000}, {"payout_daily_max_fen", 500000}, {"payout_max_pending", 20},
                         {"payout_approval_above_fen", nullptr}}));
    std::vector<int> statuses(20);
    std::latch go(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            statuses[i] = withdraw(x, 6000, "wd-" + std::to_string(i) + "-" + random_hex(4)).status;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 19);
    EXPECT_EQ(withdrawable(x), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payouts WHERE partner_user_id = ?", {x.p.person.id}), 1);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, the_notification_and_a_query_together_apply_once) {
    auto x = with_withdrawable(100000);
    auto p = withdraw(x, 2500, "wd-" + random_hex(6)).json().at("payout").as_object();
    const auto id = std::string(p.at("id").as_string());
    const auto no = std::string(p.at("out_bill_no").as_string());
    confirm(no);
    // While the notification travels: ten more copies at once, and the check job's query.
    execute("UPDATE payouts SET next_check_at = UTC_TIMESTAMP(6) WHERE id = ?", {id});
    std::thread job([&] { run_job("check-payouts"); });
    eventually([&] { return sim->send("POST", "/sim/v1/transfers/" + no + "/redeliver", json::serialize(json::object{{"copies", 10}})).status == 200; },
               10s, 50ms);
    job.join();
    wait_state(x, id, "succeeded");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'payout_success' AND reference = ?", {id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'payout'", {x.p.person.id}), 1);
    EXPECT_EQ(balances(x).at("paid_out_fen").as_int64(), 2500);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, a_refund_after_the_payout_is_a_debt_netted_from_the_next_dividend) {
    auto x = prepare();
    const auto first = buy(x, 100000);  // dividend 6,000
    run_job("settle-dividends");
    auto p = withdraw(x, 6000, "wd-" + random_hex(6)).json().at("payout").as_object();
    confirm(std::string(p.at("out_bill_no").as_string()));
    wait_state(x, std::string(p.at("id").as_string()), "succeeded");
    // The customer returns half: 3,000 of the dividend is reversed, all of it already paid out.
    auto refunded = pos_call(x.key, "/api/v1/pos/refunds",
                             json::object{{"merchant_order_id", first}, {"merchant_refund_id", "R-" + random_hex(6)}, {"amount_fen", 50000}});
    ASSERT_EQ(refunded.status, 201) << refunded.body;
    EXPECT_EQ(balances(x).at("debt_fen").as_int64(), 3000);
    EXPECT_EQ(withdrawable(x), 0) << "never negative";
    auto store_view = ok(call("GET", x.s.path() + "/payout-balances", x.s.owner));
    EXPECT_EQ(store_view.at("items").as_array()[0].at("debt_fen").as_int64(), 3000) << "the store sees the debt";
    // The next dividend (1,200 of a 20,000 order) pays the debt first.
    buy(x, 20000);
    run_job("settle-dividends");
    EXPECT_EQ(balances(x).at("debt_fen").as_int64(), 1800);
    EXPECT_EQ(withdrawable(x), 0);
    buy(x, 100000);
    run_job("settle-dividends");
    EXPECT_EQ(balances(x).at("debt_fen").as_int64(), 0);
    EXPECT_EQ(withdrawable(x), 4200);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(payouts_test, above_the_approval_amount_the_store_decides) {
    auto x = with_withdrawable(100000);
    ok(call("PUT", x.s.path() + "/payout-limits", x.s.owner,
            json::object{{"payout_min_fen", 10}, {"payout_max_fen", 100000}, {"payout_daily_max_fen", 500000}, {"payout_max_pending", 3},
                         {"payout_approval_above_fen", 1000}}));
    auto big = withdraw(x, 2000, "wd-" + random_hex(6)).json().at("payout").as_object();
    EXPECT_EQ(std::string(big.at("state").as_string()), "awaiting_approval");
    EXPECT_TRUE(big.at("confirm").is_null());
    const auto big_id = std::string(big.at("id").as_string());
    EXPECT_EQ(bills_numbered(std::string(big.at("out_bill_no").as_string())), 0) << "nothing asked of WeChat Pay before approval";
    auto approved = ok(call("POST", x.s.path() + "/payouts/" + big_id + "/approve", x.s.owner));
    EXPECT_EQ(text(approved, {"payout", "state"}), "wait_user_confirm");
    auto twice = call("POST", x.s.path() + "/payouts/" + big_id + "/approve", x.s.owner);
    EXPECT_EQ(error_code(twice), "payout_not_awaiting_approval");
    auto other = withdraw(x, 3000, "wd-" + random_hex(6)).json().at("payout").as_object();
    auto rejected = ok(call("POST", x.s.path() + "/payouts/" + std::string(other.at("id").as_string()) + "/reject", x.s.owner,
                            json::object{{"reason", "核对中"}}));
    EXPECT_EQ(text(rejected, {"payout", "state"}), "rejected");
    EXPECT_EQ(withdrawable(x), 4000) << "the rejected 3,000 is back; the approved 2,000 is in flight";
    auto small = withdraw(x, 500, "wd-" + random_hex(6)).json().at("payout").as_object();
    EXPECT_EQ(std::string(small.at("state").as_string()), "wait_user_confirm") << "at or below the amount: no approval";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

}  // namespace
