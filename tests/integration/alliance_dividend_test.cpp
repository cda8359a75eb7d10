// Pool dividends on the real stack (docs/alliance.md "Dividends"; docs/business-rules.md 3.1; issue
// 20), on a database of each test's own: the pool and its dividends are platform-wide, and other
// suites' lots must not join them.
// - The worked example of section 3.1 through the API and the jobs: dividend 1 at S0, nothing
//   between thresholds, dividend 2 with a fan-lock reward, every holder's vouchers to the fen; a
//   refund after the dividends takes back what the lots released, in proportion.
// - A dividend killed (SIGKILL) while it plans and again while it credits, then carried on by two
//   runs at once: every lot released exactly what the domain's plan_dividend says, every holder
//   credited once (a store's lots span many chunks), every consumer told once.
// - With the relay frozen, a dividend waits at the outbox backlog bound, stops after its wait, and
//   the next run finishes it once the relay has caught up.
// check-ledger after every step.
#include "tests/integration/support/alliance_cluster.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"
#include "tests/support/eventually.hpp"

#include "server/domain/alliance_config.hpp"
#include "server/domain/alliance_dividends.hpp"

#include <boost/json/serialize.hpp>
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <csignal>
#include <map>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// A Redis and a database of each test's own: the relay of a server on another database must not
// share inboxes (user ids repeat across databases) or the relay's mark with this one.
class alliance_dividend_test : public alliance_cluster_test {
protected:
    void SetUp() override { start_cluster("dividend", {}, false); }
    void TearDown() override { stop_cluster(); }

    // The caller's frames of `type` from the start of their inbox (a resume from 0-0).
    static std::vector<json::object> frames(const user& who, const std::string& type, std::size_t count) {
        ws_client client(server->port(), bearer(who.token));
        if (client.status() != 101) throw std::runtime_error("upgrade refused: " + client.body());
        client.send_text(R"({"type":"resume","after":"0-0"})");
        std::vector<json::object> out;
        while (out.size() < count) {
            auto f = json::parse(client.read_text(10s)).as_object();
            if (f.at("type").as_string() == type) out.push_back(std::move(f));
        }
        return out;
    }
    static json::value mine(const user& who) { return ok(call("GET", "/api/v1/me/alliance", who)); }
    static std::int64_t vouchers(const user& who) { return mine(who).at("vouchers").at("balance_fen").as_int64(); }
    static std::int64_t store_vouchers(const store& s) { return ok(call("GET", s.path() + "/alliance", s.owner)).at("books").at("vouchers_fen").as_int64(); }
    static long long fund_free() { return scalar("SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'alliance_fund_free'"); }
    static long long of_dividend(int n, const std::string& column) {
        return scalar("SELECT " + column + " FROM alliance_dividends WHERE number = ?", {std::to_string(n)});
    }
};

TEST_F(alliance_dividend_test, the_worked_example_two_dividends_a_lock_reward_and_a_refund_after_them) {
    const auto op = make_operator();
    set_pool(op, 40000, 1);
    auto A = member_store(op, 2000), B = member_store(op, 1000);
    const auto keyA = make_pos_key(A), keyB = make_pos_key(B);
    const user a = sign_in(), b = sign_in(), c = sign_in();

    // Step 1: a pays 1000.00 at A (c = 2000): lots of 20000 cp for a and for A; vested, S = S0.
    const auto order_a = paid(keyA, a, 100000);
    auto figures = run_job("pay-alliance-dividends");
    EXPECT_TRUE(figures.at("dividend").is_null()) << "nothing vested yet: " << json::serialize(figures);
    vest_everything();
    EXPECT_EQ(fund_free(), 10000);

    // Step 2: dividend 1 at r = 50 bp: 100 fen each.
    figures = run_job("pay-alliance-dividends");
    EXPECT_EQ(figures.at("dividend").as_int64(), 1) << json::serialize(figures);
    EXPECT_EQ(figures.at("released_fen").as_int64(), 200);
    EXPECT_EQ(figures.at("holders").as_int64(), 2);
    EXPECT_EQ(vouchers(a), 100);
    EXPECT_EQ(store_vouchers(A), 100);
    EXPECT_EQ(of_dividend(1, "rate_bp"), 50);
    EXPECT_EQ(of_dividend(1, "pool_cp"), 40000);
    EXPECT_EQ(of_dividend(1, "wanted_fen"), 200);
    EXPECT_EQ(of_dividend(1, "available_fen"), 200);
    EXPECT_EQ(fund_free(), 9800);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
    // Run again: S has not grown to ceil(40000 x 1.15) = 46000, so nothing more.
    figures = run_job("pay-alliance-dividends");
    EXPECT_TRUE(figures.at("dividend").is_null());
    EXPECT_EQ(figures.at("threshold_cp").as_int64(), 46000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_voucher_credits WHERE reason = 'dividend'"), 2);

    // Steps 3 and 4: b pays 200.00 at B; c, A's fan by a card claim, pays 150.00 at B (A's reward 150).
    paid(keyB, b, 20000);
    ASSERT_EQ(claim(c, enrol(A).share_code), "claimed");
    paid(keyB, c, 15000);
    vest_everything();
    EXPECT_EQ(store_vouchers(A), 100 + 150) << "the fan-lock reward";
    EXPECT_EQ(fund_free(), 9800 + 1000 + 750);

    // Step 5: S = 47000 >= 46000: dividend 2 at r = 60 bp: a 120, A 120, b 12, B 12 + 9, c 9.
    figures = run_job("pay-alliance-dividends");
    EXPECT_EQ(figures.at("dividend").as_int64(), 2) << json::serialize(figures);
    EXPECT_EQ(figures.at("released_fen").as_int64(), 282);
    EXPECT_EQ(vouchers(a), 220);
    EXPECT_EQ(vouchers(b), 12);
    EXPECT_EQ(vouchers(c), 9);
    EXPECT_EQ(store_vouchers(A), 100 + 150 + 120);
    EXPECT_EQ(store_vouchers(B), 21);
    EXPECT_EQ(of_dividend(2, "pool_cp"), 47000);
    EXPECT_EQ(of_dividend(2, "holders_credited"), 5);
    EXPECT_EQ(fund_free(), 11268);
    const auto mine_a = mine(a).at("vouchers").at("credits").as_array();
    ASSERT_EQ(mine_a.size(), 2u);
    EXPECT_EQ(mine_a[0].at("dividend_number").as_int64(), 1) << "the soonest to expire first";
    EXPECT_EQ(mine_a[0].at("remaining_fen").as_int64(), 100);
    EXPECT_EQ(mine_a[1].at("remaining_fen").as_int64(), 120);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
    // Each dividend told a its vouchers in a frame (no store gets one: stores read the console).
    const auto told = frames(a, "vouchers", 2);
    EXPECT_EQ(told[0].at("dividend").as_int64(), 1);
    EXPECT_EQ(told[0].at("amount_fen").as_int64(), 100);
    EXPECT_EQ(told[1].at("dividend").as_int64(), 2);
    EXPECT_EQ(told[1].at("amount_fen").as_int64(), 120);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers'"), 2 + 1 + 1) << "a twice; b and c once";

    // The operator's view: the pool, the next threshold ceil(47000 x 1.15) = 54050, both dividends.
    auto list = ok(call("GET", "/api/v1/platform/alliance/dividends", op));
    EXPECT_EQ(list.at("pool").at("next_number").as_int64(), 3);
    EXPECT_EQ(list.at("pool").at("threshold_cp").as_int64(), 54050);
    EXPECT_EQ(list.at("pool").at("pool_cp").as_int64(), 47000);
    EXPECT_TRUE(list.at("pool").at("running").is_null());
    ASSERT_EQ(list.at("items").as_array().size(), 2u);
    EXPECT_EQ(list.at("items").at(0).at("number").as_int64(), 2);
    EXPECT_EQ(text(list.at("items").at(0), {"state"}), "done");
    EXPECT_FALSE(list.at("items").at(0).at("scaled").as_bool());
    EXPECT_EQ(call("GET", "/api/v1/platform/alliance/dividends", A.owner).status, 403);

    // A refund of half of a's order after both dividends: each of its lots keeps floor(220 x 10000 /
    // 20000) = 110 of what it released; 110 go back from a and from A, into the fund's free balance,
    // which then gives up the refunded half of the order's fund share (5000).
    ASSERT_EQ(pos_call(keyA, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(order_a.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-after"}, {"amount_fen", 50000}})
                  .status,
              201);
    EXPECT_EQ(vouchers(a), 110);
    EXPECT_EQ(store_vouchers(A), 100 + 150 + 120 - 110);
    EXPECT_EQ(fund_free(), 11268 + 220 - 5000);
    const auto order_id = text(order_a.json(), {"order", "id"});
    EXPECT_EQ(scalar("SELECT SUM(clawed_fen) FROM alliance_lots WHERE order_id = ?", {order_id}), 220);
    // Taken from the credit that expires first: dividend 1's 100 are gone, dividend 2's 120 keep 110.
    const auto left = mine(a).at("vouchers").at("credits").as_array();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].at("dividend_number").as_int64(), 2);
    EXPECT_EQ(left[0].at("remaining_fen").as_int64(), 110);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
    // The rest of it refunded: nothing of the lots is left out.
    ASSERT_EQ(pos_call(keyA, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(order_a.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-rest"}, {"amount_fen", 50000}})
                  .status,
              201);
    EXPECT_EQ(vouchers(a), 0);
    EXPECT_EQ(store_vouchers(A), 100 + 150 + 120 - 220);
    EXPECT_EQ(fund_free(), 11268 + 440 - 10000);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
    figures = run_job("pay-alliance-dividends");
    EXPECT_TRUE(figures.at("dividend").is_null()) << "the pool shrank: " << json::serialize(figures);
}

TEST_F(alliance_dividend_test, a_dividend_killed_mid_run_resumes_and_credits_every_lot_exactly_once) {
    const auto op = make_operator();
    set_pool(op, 1000, 1);
    auto A = member_store(op, 1000), B = member_store(op, 1500);
    const auto keyA = make_pos_key(A), keyB = make_pos_key(B);
    // 40 consumers, some with two orders, at one store or the other.
    std::vector<user> people;
    for (int i = 0; i < 40; ++i) {
        people.push_back(sign_in());
        paid(i % 2 ? keyA : keyB, people.back(), 10000 + 137 * i);
        if (i % 3 == 0) paid(i % 2 ? keyB : keyA, people.back(), 5000 + 91 * i);
    }
    vest_everything();

    // What dividend 1 must release, from the domain's own plan over the lots as they are now. A
    // holder is its kind and id (a user and a store may share a number).
    const auto holder_key = [](const std::string& holder, std::uint64_t id) { return (holder == "merchant" ? 1ULL << 62 : 0ULL) | id; };
    std::vector<pool_lot> lots;
    {
        auto db = database();
        std::unique_ptr<sql::Statement> st(db->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
            "SELECT id, holder, COALESCE(user_id, merchant_id), cp - reversed_cp, released_fen FROM alliance_lots WHERE state = 'vested' ORDER BY id"));
        while (rs->next()) lots.push_back({rs->getUInt64(1), holder_key(rs->getString(2), rs->getUInt64(3)), rs->getInt64(4), rs->getInt64(5)});
    }
    ASSERT_EQ(lots.size(), 2u * (40 + 14));
    alliance_pool_config config;
    config.initial_value_cp = 1000;
    config.min_holders = 1;
    const auto plan = plan_dividend(config, 1, lots, fund_free());
    ASSERT_GT(plan.released_fen, 0);
    std::map<std::uint64_t, std::int64_t> per_lot, per_holder;
    for (const auto& r : plan.releases) {
        per_lot[r.lot_id] = r.fen;
        per_holder[r.holder] += r.fen;
    }

    // Three lots a chunk, a pause between chunks: killed while it plans, and again while it credits.
    const environment_changes slow{{"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS", "3"}, {"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_PAUSE_MS", "100"}};
    auto kill_when = [&](const std::string& condition) {
        child_process job({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), "pay-alliance-dividends"}, job_environment(slow),
                          make_temp_dir("run-job") + "/out.log");
        eventually([&] { return scalar("SELECT COUNT(*) FROM alliance_dividends WHERE " + condition) == 1; }, 30s, 5ms);
        job.send_signal(SIGKILL);
        EXPECT_EQ(job.wait_exit(10s).value_or(-1), 128 + SIGKILL);
    };
    kill_when("phase = 'planning' AND chunks >= 3");
    EXPECT_EQ(scalar("SELECT phase = 'planning' FROM alliance_dividends WHERE number = 1"), 1);
    EXPECT_EQ(scalar("SELECT released_fen FROM alliance_dividends WHERE number = 1"), 0);
    kill_when("phase = 'consumers' AND released_fen > 0");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_dividends WHERE state = 'running'"), 1);
    EXPECT_EQ(scalar("SELECT running_dividend FROM alliance_pool_state"), 1);
    const auto halfway = of_dividend(1, "released_fen");
    EXPECT_GT(halfway, 0);
    EXPECT_LT(halfway, plan.released_fen) << "killed before the end";
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(fen), 0) FROM alliance_lot_releases"), halfway) << "what committed is whole chunks";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << "a dividend cut short is consistent: " << output;
    // Vesting waits while a dividend is under way (its lots and its total are fixed).
    const auto late_id = text(paid(keyA, people[0], 8000).json(), {"order", "id"});
    vest_everything();
    EXPECT_EQ(scalar("SELECT state = 'pending' FROM alliance_accruals WHERE order_id = ?", {late_id}), 1);

    // Two runs at once carry it on: each chunk takes the pool's row, so they take turns.
    {
        const environment_changes chunks{{"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS", "4"}};
        child_process one({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), "pay-alliance-dividends"}, job_environment(chunks),
                          make_temp_dir("run-job") + "/out.log");
        child_process two({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), "pay-alliance-dividends"}, job_environment(chunks),
                          make_temp_dir("run-job") + "/out.log");
        EXPECT_EQ(one.wait_exit(60s).value_or(-1), 0) << one.output();
        EXPECT_EQ(two.wait_exit(60s).value_or(-1), 0) << two.output();
    }
    EXPECT_EQ(scalar("SELECT state = 'done' FROM alliance_dividends WHERE number = 1"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_pool_state WHERE running_dividend IS NULL"), 1);
    EXPECT_EQ(of_dividend(1, "released_fen"), plan.released_fen);
    EXPECT_EQ(of_dividend(1, "wanted_fen"), plan.wanted_fen);
    EXPECT_EQ(of_dividend(1, "pool_cp"), plan.pool_cp);

    // Lot by lot and holder by holder, exactly the plan: nothing twice, nothing missing.
    std::map<std::uint64_t, std::int64_t> released, credited;
    {
        auto db = database();
        std::unique_ptr<sql::Statement> st(db->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT lot_id, fen FROM alliance_lot_releases WHERE dividend_number = 1"));
        while (rs->next()) released[rs->getUInt64(1)] = rs->getInt64(2);
        rs.reset(st->executeQuery("SELECT holder, holder_id, SUM(amount_fen), COUNT(*) FROM alliance_voucher_credits WHERE dividend_number = 1 GROUP BY holder, holder_id"));
        while (rs->next()) {
            credited[holder_key(rs->getString(1), rs->getUInt64(2))] = rs->getInt64(3);
            EXPECT_EQ(rs->getInt(4), 1) << "one credit per holder";
        }
    }
    EXPECT_EQ(released, per_lot);
    EXPECT_EQ(credited, per_holder);
    // One frame per credited consumer, never two, whatever the kills.
    long long consumers_credited = 0;
    for (const auto& [key, fen] : per_holder) consumers_credited += (key >> 62) == 0 && fen > 0;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers'"), consumers_credited);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT user_id) FROM outbox_events WHERE kind = 'vouchers'"), consumers_credited);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(released_fen), 0) FROM alliance_lots"), plan.released_fen);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // Done: the late order vests now.
    vest_everything();
    EXPECT_EQ(scalar("SELECT state = 'vested' FROM alliance_accruals WHERE order_id = ?", {late_id}), 1);
}

TEST_F(alliance_dividend_test, a_dividend_waits_for_the_relay_and_a_run_that_waited_too_long_stops_and_the_next_resumes) {
    const auto op = make_operator();
    set_pool(op, 1000, 1);
    auto A = member_store(op, 1000);
    const auto key = make_pos_key(A);
    std::vector<user> people;
    for (int i = 0; i < 12; ++i) {
        people.push_back(sign_in());
        paid(key, people.back(), 20000 + 100 * i);
    }
    vest_everything();

    // The server (and its relay) frozen: every frame the dividend writes stays in the outbox.
    server->process().send_signal(SIGSTOP);
    const environment_changes tight{{"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS", "4"},
                                    {"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_BACKLOG", "3"},
                                    {"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_WAIT_S", "1"}};
    auto figures = run_job("pay-alliance-dividends", tight);
    server->process().send_signal(SIGCONT);
    EXPECT_EQ(text(figures, {"paused"}), "outbox_backlog") << json::serialize(figures);
    EXPECT_GE(figures.at("waited_ms").as_int64(), 1000);
    EXPECT_EQ(scalar("SELECT state = 'running' AND phase = 'consumers' FROM alliance_dividends WHERE number = 1"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers'"), 4) << "one chunk of four consumers, then it waited";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // The relay catches up; the next run finishes the dividend.
    eventually([&] { return scalar("SELECT COUNT(*) FROM outbox_events WHERE relayed_at IS NULL") == 0; }, 20s, 20ms);
    figures = run_job("pay-alliance-dividends", {{"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS", "4"}});
    EXPECT_TRUE(figures.at("paused").is_null()) << json::serialize(figures);
    EXPECT_TRUE(figures.at("resumed").as_bool());
    EXPECT_EQ(scalar("SELECT state = 'done' FROM alliance_dividends WHERE number = 1"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT user_id) FROM outbox_events WHERE kind = 'vouchers'"), 12);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers'"), 12);
    EXPECT_EQ(frames(people.back(), "vouchers", 1).at(0).at("dividend").as_int64(), 1);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

}  // namespace
