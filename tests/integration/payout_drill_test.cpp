// Fault drill for payouts (docs/payouts.md, "When WeChat Pay is unreachable"): WeChat Pay (the
// simulator) dies while the server's transfer call is in flight, after the bill was made; the
// server is killed too and both come back (the simulator without its memory). The payout must end
// paid exactly once, under its one bill number, with the ledger's invariants intact.
#include "tests/integration/support/store_api.hpp"
#include "tests/support/eventually.hpp"

#include <csignal>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class payout_drill_test : public store_api_test {
protected:
    void TearDown() override {
        delete server;
        delete sim;
        server = nullptr;
        sim = nullptr;
    }
};

TEST_F(payout_drill_test, wechat_pay_dies_mid_transfer_and_the_server_restarts) {
    const int sim_port = free_tcp_port();
    const std::vector<std::string> sim_args{"--port", std::to_string(sim_port)};
    sim = new simulator_process(sim_args);
    auto env = sim->server_environment(free_tcp_port());
    // The check job runs inside serve, often, so that the drill needs nobody to run it.
    env.insert(env.end(), {{"SHAREDSTORE_JOBS_CHECK_PAYOUTS_EVERY_S", "1"},
                           {"SHAREDSTORE_JOBS_SETTLE_DIVIDENDS_EVERY_S", "1"},
                           {"SHAREDSTORE_PAYOUTS_RECHECK_AFTER_S", "1"},
                           {"SHAREDSTORE_WECHAT_PAY_RECONCILE_AFTER_S", "3600"}});
    server = new server_process(env);

    auto s = open_store();
    auto p = enrol(s);
    auto customer = sign_in();
    ASSERT_EQ(claim(customer, p.share_code), "claimed");
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
    auto key = make_pos_key(s);
    ok(pos_order(key, customer, 100000, server->port()), 201);  // dividend 6,000
    auto withdrawable = [&] {
        auto b = ok(call("GET", "/api/v1/me/payout-balances?merchant_id=" + s.id, p.person));
        return b.at("items").as_array()[0].at("withdrawable_fen").as_int64();
    };
    eventually([&] { return withdrawable() == 6000; }, 20s, 100ms);
    ASSERT_EQ(withdrawable(), 6000) << "settled by the scheduled job";

    // The bill is made, then the answer hangs; WeChat Pay dies before it comes.
    auto fault = sim->send("POST", "/sim/v1/faults",
                           json::serialize(json::object{{"endpoint", "transfer_create"}, {"after_create", true}, {"latency_ms", 3000}, {"count", 5}}));
    ASSERT_EQ(fault.status, 200) << fault.body;
    http_reply asked;
    std::thread withdrawal([&] {
        asked = call("POST", "/api/v1/me/withdrawals", p.person, json::object{{"merchant_id", s.id}, {"amount_fen", 6000}, {"request_id", "drill-0001"}});
    });
    std::this_thread::sleep_for(700ms);
    sim->kill();
    withdrawal.join();
    ASSERT_EQ(asked.status, 201) << asked.body;
    const auto payout = asked.json().at("payout").as_object();
    const auto id = std::string(payout.at("id").as_string());
    const auto out_bill_no = std::string(payout.at("out_bill_no").as_string());
    EXPECT_EQ(std::string(payout.at("state").as_string()), "creating") << "nobody knows whether the bill exists";

    // The server dies too; both come back, WeChat Pay on its old address.
    server->process().send_signal(SIGKILL);
    server->process().wait_exit(10s);
    delete server;
    server = nullptr;
    const auto appid = sim->appid();
    delete sim;
    auto same_address_and_app = sim_args;
    same_address_and_app.insert(same_address_and_app.end(), {"--appid", appid});
    sim = new simulator_process(same_address_and_app);
    server = new server_process(env);

    // check-payouts asks, learns the new WeChat Pay has no such bill, and sends the same one again.
    auto state = [&] {
        return std::string(ok(call("GET", "/api/v1/me/withdrawals/" + id, p.person)).at("payout").at("state").as_string());
    };
    eventually([&] { return state() == "wait_user_confirm"; }, 30s, 200ms);
    ASSERT_EQ(state(), "wait_user_confirm");
    auto bills = json::parse(sim->send("GET", "/sim/v1/transfers").body).at("bills").as_array();
    ASSERT_EQ(bills.size(), 1u);
    EXPECT_EQ(bills[0].at("out_bill_no").as_string(), out_bill_no) << "the one bill number, never a new one";
    auto confirmed = sim->send("POST", "/sim/v1/transfers/confirm", json::serialize(json::object{{"out_bill_no", out_bill_no}}));
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    eventually([&] { return state() == "succeeded"; }, 20s, 100ms);
    ASSERT_EQ(state(), "succeeded");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'payout_success' AND reference = ?", {id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM payouts WHERE partner_user_id = ?", {p.person.id}), 1);
    EXPECT_EQ(withdrawable(), 0);
    child_process check({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
    EXPECT_EQ(check.wait_exit(60s).value_or(-1), 0) << check.output();
}

}  // namespace
