// The bonus configuration on the real stack (docs/bonus.md, issue 18): the public counter-example
// of docs/business-rules.md section 7 is refused with every reason named at its field; a lawful
// configuration becomes the store's version 1 and any staff reads it; cash to A2 waits for the platform
// operator's sign-off; once a store has a configuration, no tier above its order cap is accepted.
#include "common/clock.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"

#include <latch>
#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class bonus_api_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }

    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(std::chrono::seconds(60));
        return {code.value_or(-1), process.output()};
    }
    static http_reply pos_sale(const pos_key& key, const user& customer, std::int64_t amount, std::int64_t profit, const std::string& id) {
        return pos_call(key, "/api/v1/pos/orders",
                        json::object{{"merchant_order_id", id}, {"user_id", customer.id}, {"amount_fen", amount}, {"profit_fen", profit},
                                     {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}});
    }
    // The worked chain (docs/business-rules.md section 7) at a store whose orders vest at once: customer -> A1 (T1, 2000 bp)
    // -> A2 (T2, 3000 bp), A1 having come through A2's share (the lifetime referral).
    struct chain {
        partner a1, a2;
        user customer;
    };
    static chain make_chain(const store& s) {
        ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
        chain c;
        c.a2 = enrol(s);
        ok(call("POST", s.path() + "/partners/" + c.a2.id + "/buy-ins", s.owner, json::object{{"amount_fen", 2000000}}), 201);
        const user a1_person = sign_in();
        if (claim(a1_person, c.a2.share_code) != "claimed") throw std::runtime_error("A1 could not claim A2's share");
        c.a1 = enrol(s, 100, a1_person);
        c.customer = sign_in();
        if (claim(c.customer, c.a1.share_code) != "claimed") throw std::runtime_error("the customer could not claim A1's share");
        return c;
    }
    // A platform operator, who alone may sign cash to A2 off (docs/alliance.md).
    static std::string platform_operator() {
        const auto person = sign_in();
        child_process grant({SHAREDSTORE_BINARY, "grant-platform-operator", "--config", test_config_path(), "--user", person.id, "--by", "bonus-test"},
                            {}, make_temp_dir("grant-operator") + "/out.log");
        if (grant.wait_exit(std::chrono::seconds(60)).value_or(-1) != 0) throw std::runtime_error("grant failed: " + grant.output());
        return person.id;
    }
    static void run_job(const std::string& name) {
        child_process job({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, sim->server_environment(server->port()),
                          make_temp_dir("run-job") + "/out.log");
        if (job.wait_exit(std::chrono::seconds(60)).value_or(-1) != 0) throw std::runtime_error(name + " failed: " + job.output());
    }
    static std::set<std::string> codes_of(const http_reply& r) {
        std::set<std::string> codes;
        const auto body = r.json();  // held: the loop reads into it
        for (const auto& p : body.at("error").at("details").at("problems").as_array()) codes.insert(std::string(p.at("code").as_string()));
        return codes;
    }
};

TEST_F(bonus_api_test, the_public_counter_example_is_refused_with_every_reason_at_its_field) {
    auto s = open_store();
    // A 1980-yuan "member product" paying 50 % to the referrer in cash, and a "team" reward of the
    // same size to the ancestor six levels up (docs/business-rules.md section 7).
    const json::object plan{
        {"awards", json::array{json::object{{"type", "other"}, {"label", "推荐奖"}, {"base", "membership"}, {"depth", 1},
                                            {"level_rates_bp", json::array{5000}}, {"recipient", "referrer"}, {"medium", "cash"}},
                               json::object{{"type", "other"}, {"label", "团队奖"}, {"base", "membership"}, {"depth", 6},
                                            {"level_rates_bp", json::array{0, 0, 0, 0, 0, 5000}}, {"medium", "cash"}}}},
        {"partner_entry", json::object{{"required_purchase_fen", 198000}, {"purchase_returnable", false}, {"purchase_unlocks_rewards", true}}}};
    auto refused = call("PUT", s.path() + "/bonus-config", s.owner, plan);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(error_code(refused), "bonus_config_refused");
    const auto codes = codes_of(refused);
    for (const char* code : {"entry_fee", "base_not_consumer_sales", "referrer_cash", "depth_exceeds_two_levels", "order_cap_exceeded"})
        EXPECT_TRUE(codes.count(code)) << code << " in " << refused.body;
    const auto refusal = refused.json();
    for (const auto& p : refusal.at("error").at("details").at("problems").as_array()) {
        EXPECT_FALSE(p.at("field").as_string().empty()) << "each reason names its field: " << json::serialize(p);
        EXPECT_FALSE(p.at("message").as_string().empty()) << json::serialize(p);
    }
    EXPECT_TRUE(ok(call("GET", s.path() + "/bonus-config", s.owner)).at("current").is_null()) << "nothing half-written";

    // A forbidden type by name is refused as such.
    auto named = call("PUT", s.path() + "/bonus-config", s.owner, json::object{{"awards", json::array{json::object{{"type", "see_point"}}}}});
    EXPECT_TRUE(codes_of(named).count("forbidden_bonus_type")) << named.body;
}

TEST_F(bonus_api_test, a_lawful_configuration_becomes_the_stores_version_and_tiers_stay_within_its_cap) {
    auto s = open_store();
    const user cashier = sign_in();
    ok(call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}));
    auto saved = ok(call("PUT", s.path() + "/bonus-config", s.owner,
                         json::object{{"awards", json::array{json::object{{"type", "tier"}}, json::object{{"type", "level_difference"}},
                                                             json::object{{"type", "flat_push"}, {"flat_bp", 500}}}},
                                      {"order_cap_bp", 5000}}));
    EXPECT_EQ(saved.at("current").at("version").as_int64(), 1);
    const auto& config = saved.at("current").at("config");
    EXPECT_TRUE(config.at("level_difference").as_bool());
    EXPECT_EQ(config.at("flat_bp").as_int64(), 500);
    EXPECT_FALSE(config.at("level2_cash").as_bool()) << "A2 is paid in points by default";
    auto read = ok(call("GET", s.path() + "/bonus-config", cashier));
    EXPECT_EQ(read.at("current"), saved.at("current")) << "any staff reads what the awards run under";

    // Cash to A2 needs the platform operator's sign-off: refused without, taken with it.
    const json::object cash{{"awards", json::array{json::object{{"type", "level_difference"}}}}, {"level2_cash", true}};
    auto unsigned_cash = call("PUT", s.path() + "/bonus-config", s.owner, cash);
    EXPECT_EQ(unsigned_cash.status, 422);
    EXPECT_TRUE(codes_of(unsigned_cash).count("level2_cash_without_sign_off")) << unsigned_cash.body;
    {
        // A user who is no platform operator cannot sign it off.
        child_process refused({SHAREDSTORE_BINARY, "sign-off-level2-cash", "--config", test_config_path(), "--merchant", s.id, "--operator-user",
                               s.owner.id, "--reference", "自己批准"},
                              {}, make_temp_dir("sign-off") + "/out.log");
        EXPECT_EQ(refused.wait_exit(std::chrono::seconds(60)).value_or(-1), 1) << refused.output();
        child_process sign_off({SHAREDSTORE_BINARY, "sign-off-level2-cash", "--config", test_config_path(), "--merchant", s.id, "--operator-user",
                                platform_operator(), "--reference", "法务意见 2026-17"},
                               {}, make_temp_dir("sign-off") + "/out.log");
        ASSERT_EQ(sign_off.wait_exit(std::chrono::seconds(60)).value_or(-1), 0) << sign_off.output();
    }
    auto signed_cash = ok(call("PUT", s.path() + "/bonus-config", s.owner, cash));
    EXPECT_EQ(signed_cash.at("current").at("version").as_int64(), 2);
    EXPECT_TRUE(signed_cash.at("current").at("config").at("level2_cash").as_bool());
    EXPECT_EQ(text(signed_cash, {"current", "config", "level2_cash_sign_off", "reference"}), "法务意见 2026-17");
    EXPECT_EQ(signed_cash.at("history").as_array().size(), 2u);

    // A tier the order cap would cut is refused while the store has a configuration.
    auto over = call("PUT", s.path() + "/tiers", s.owner,
                     json::object{{"tiers", json::array{json::object{{"name", "银卡"}, {"buy_in_fen", 1000000}, {"ratio_bp", 2000}},
                                                        json::object{{"name", "至尊"}, {"buy_in_fen", 9000000}, {"ratio_bp", 6000}}}},
                                  {"profit_margin_bp", 3000}});
    EXPECT_EQ(over.status, 400);
    EXPECT_EQ(error_code(over), "invalid_tiers");
    EXPECT_TRUE(codes_of(over).count("order_cap_exceeded")) << over.body;
    // A cashier proposes nothing; a malformed body is a 400, not a refusal.
    EXPECT_EQ(call("PUT", s.path() + "/bonus-config", cashier, cash).status, 403);
    EXPECT_EQ(error_code(call("PUT", s.path() + "/bonus-config", s.owner, json::object{{"awards", json::array{json::object{{"type", "tier"}, {"x", 1}}}}})),
              "unknown_field");
}

TEST_F(bonus_api_test, a_store_without_tiers_has_nothing_to_run_awards_on) {
    const user owner = sign_in();
    const auto id = text(ok(call("POST", "/api/v1/merchants", owner, json::object{{"name", "新店"}}), 201), {"merchant", "id"});
    auto refused = call("PUT", "/api/v1/merchants/" + id + "/bonus-config", owner, json::object{{"awards", json::array{json::object{{"type", "tier"}}}}});
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(error_code(refused), "no_tiers");
}

TEST_F(bonus_api_test, a_chain_of_partners_earns_the_level_difference_in_points_and_refunds_take_it_back) {
    // The worked chain (docs/business-rules.md section 7): customer -> A1 (T1, 2000 bp) -> A2 (T2, 3000 bp), profit 100000.
    auto s = open_store();
    const auto c = make_chain(s);
    const auto &a1 = c.a1, &a2 = c.a2;
    const auto& customer = c.customer;
    ok(call("PUT", s.path() + "/bonus-config", s.owner,
            json::object{{"awards", json::array{json::object{{"type", "tier"}}, json::object{{"type", "level_difference"}}}}}));
    const auto key = make_pos_key(s);
    auto pending_of = [&](const user& who) {
        return ok(call("GET", "/api/v1/me/stores/" + s.id + "/membership", who)).at("points").at("pending").as_int64();
    };

    auto sale = ok(pos_sale(key, customer, 200000, 100000, "B-1"), 201);
    EXPECT_EQ(sale.at("dividend").at("amount_fen").as_int64(), 20000) << "A1's tier award is the dividend, unchanged";
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_awards WHERE kind = 'level_difference' AND merchant_id = ? AND user_id = ?", {s.id, a2.person.id}), 10000);
    EXPECT_EQ(scalar("SELECT medium = 'points' FROM bonus_awards WHERE merchant_id = ? AND user_id = ?", {s.id, a2.person.id}), 1) << "A2 in points by default";
    EXPECT_EQ(pending_of(a2.person), 10000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_awards WHERE merchant_id = ? AND user_id <> ?", {s.id, a2.person.id}), 0) << "nobody beyond A2";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // Half refunded: half of the award goes; the rest with the rest.
    ok(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "B-1"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 100000}}), 201);
    EXPECT_EQ(pending_of(a2.person), 5000);
    ok(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "B-1"}, {"merchant_refund_id", "R-2"}, {"amount_fen", 100000}}), 201);
    EXPECT_EQ(pending_of(a2.person), 0);
    EXPECT_EQ(scalar("SELECT reversed_fen FROM bonus_awards WHERE order_id = (SELECT id FROM orders WHERE merchant_id = ? AND merchant_order_id = 'B-1')", {s.id}), 10000);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // A WeChat Pay order of the same customer: 50000 paid at the store's 30 % margin, profit 15000.
    auto wx = ok(call("POST", "/api/v1/orders", customer, json::object{{"merchant_id", s.id}, {"amount_fen", 50000}, {"description", "烫染"}, {"pay_with", "wechat"}}),
                 201);
    ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + text(wx, {"order", "out_trade_no"}) + "/succeed").status, 200);
    const auto wx_id = text(wx, {"order", "id"});
    eventually([&] { return scalar("SELECT COUNT(*) FROM bonus_awards WHERE order_id = ?", {wx_id}) == 1; }, std::chrono::seconds(10),
               std::chrono::milliseconds(50));
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_awards WHERE order_id = ?", {wx_id}), 1500);

    // Ten orders of one chain at once: ten awards, nothing lost or doubled.
    std::vector<int> statuses(10);
    std::latch go(10);
    std::vector<std::thread> threads;
    for (int i = 0; i < 10; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            statuses[i] = pos_sale(key, customer, 20000, 10000, "C-" + std::to_string(i)).status;
        });
    for (auto& t : threads) t.join();
    for (int status : statuses) EXPECT_EQ(status, 201);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_awards a JOIN orders o ON o.id = a.order_id WHERE o.merchant_id = ? AND o.merchant_order_id LIKE 'C-%'", {s.id}), 10);
    EXPECT_EQ(pending_of(a2.person), 1500 + 10 * 1000);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // Vested with their orders, the awards become points A2 may spend.
    run_job("vest-member-orders");
    EXPECT_EQ(ok(call("GET", "/api/v1/me/stores/" + s.id + "/membership", a2.person)).at("points").at("spendable").as_int64(), 11500);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // Each award and each reversal reached A2 as an `award` frame.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'award'", {a2.person.id}), 1 + 2 + 1 + 10);
    {
        ws_client client(server->port(), bearer(a2.person.token));
        ASSERT_EQ(client.status(), 101) << client.body();
        client.send_text(R"({"type":"resume","after":"0-0"})");
        std::optional<json::object> first;
        while (!first) {
            auto frame = json::parse(client.read_text(std::chrono::seconds(10))).as_object();
            if (frame.at("type") == "award") first = frame;
        }
        EXPECT_EQ(text(*first, {"award_kind"}), "level_difference");
        EXPECT_EQ(text(*first, {"medium"}), "points");
        EXPECT_EQ(first->at("amount").as_int64(), 10000);
        EXPECT_EQ(first->at("reversed").as_int64(), 0);
    }

    // A2 sees the awards by kind; the store sees their cost by month against its profit.
    auto mine = ok(call("GET", "/api/v1/partners/me/awards", a2.person));
    ASSERT_EQ(mine.at("items").as_array().size(), 1u) << json::serialize(mine);
    const auto& line = mine.at("items").as_array().at(0);
    EXPECT_EQ(text(line, {"kind"}), "level_difference");
    EXPECT_EQ(text(line, {"medium"}), "points");
    EXPECT_EQ(line.at("count").as_int64(), 12);
    EXPECT_EQ(line.at("amount_fen").as_int64(), 10000 + 1500 + 10 * 1000);
    EXPECT_EQ(line.at("net_fen").as_int64(), 11500);
    EXPECT_TRUE(ok(call("GET", "/api/v1/partners/me/awards", a1.person)).at("items").as_array().empty()) << "A1's award is the dividend";
    const auto now = std::chrono::system_clock::now();
    const auto period = "?from=" + format_rfc3339_utc(now - std::chrono::hours(24)) + "&to=" + format_rfc3339_utc(now + std::chrono::hours(1));
    auto report = ok(call("GET", s.path() + "/bonus-report" + period, s.owner));
    EXPECT_EQ(report.at("points_net").as_int64(), 11500);
    EXPECT_EQ(report.at("cash_net_fen").as_int64(), 0);
    EXPECT_EQ(report.at("profit_fen").as_int64(), 15000 + 10 * 10000) << "net of refunds: B-1 was refunded in full";

    // The what-if replays the window's orders under a proposal, net of their refunds: B-1 was
    // refunded in full; the WeChat Pay order pays most (3000 + 1500 on a profit of 15000).
    json::object proposal{{"awards", json::array{json::object{{"type", "tier"}}, json::object{{"type", "level_difference"}}}},
                          {"from", format_rfc3339_utc(now - std::chrono::hours(24))},
                          {"to", format_rfc3339_utc(now + std::chrono::hours(1))}};
    auto what_if = ok(call("POST", s.path() + "/bonus-config/preview", s.owner, proposal));
    EXPECT_EQ(what_if.at("orders").as_int64(), 12);
    EXPECT_EQ(what_if.at("profit_fen").as_int64(), 15000 + 10 * 10000);
    EXPECT_EQ(what_if.at("tier_fen").as_int64(), 3000 + 10 * 2000);
    EXPECT_EQ(what_if.at("level_difference_fen").as_int64(), 1500 + 10 * 1000);
    EXPECT_EQ(what_if.at("points").as_int64(), 11500) << "A2 in points";
    EXPECT_EQ(what_if.at("share_of_profit_bp").as_int64(), 3000);
    EXPECT_EQ(text(what_if, {"largest", "order_id"}), wx_id);
    EXPECT_EQ(what_if.at("largest").at("payout_fen").as_int64(), 4500);
    EXPECT_EQ(what_if.at("partners").as_array().size(), 2u);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_config_versions WHERE merchant_id = ?", {s.id}), 1) << "read only";
    proposal["awards"] = json::array{json::object{{"type", "see_point"}}};
    EXPECT_EQ(call("POST", s.path() + "/bonus-config/preview", s.owner, proposal).status, 422);
}

TEST_F(bonus_api_test, the_top_dealer_pool_of_a_settled_period_is_shared_by_personal_sales_once) {
    // The worked example (docs/business-rules.md section 7) over a month: profit 5000000, pool_bp 200 -> 100000; personal
    // sales 3000000, 1500000 and 800000 (below the 1000000 threshold): 66666 and 33333, 1 fen stays.
    auto s = open_store();
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
    ok(call("PUT", s.path() + "/bonus-config", s.owner,
            json::object{{"awards", json::array{json::object{{"type", "top_dealer"},
                                                             {"top_dealer", json::object{{"pool_bp", 200}, {"threshold_fen", 1000000}, {"period", "month"}}}}}}}));
    const auto key = make_pos_key(s);
    const std::int64_t sales[] = {3000000, 1500000, 800000}, profits[] = {2700000, 1500000, 800000};
    std::vector<partner> partners;
    for (int i = 0; i < 3; ++i) {
        partners.push_back(enrol(s));
        const user customer = sign_in();
        ASSERT_EQ(claim(customer, partners.back().share_code), "claimed");
        ok(pos_sale(key, customer, sales[i], profits[i], "T-" + std::to_string(i)), 201);
    }
    // Into last month (Asia/Shanghai), with the configuration in force before it ended.
    const auto local = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(8));
    const auto day = static_cast<unsigned>(std::chrono::year_month_day{local}.day());
    execute("UPDATE orders SET paid_at = paid_at - INTERVAL ? DAY WHERE merchant_id = ?", {std::to_string(day + 5), s.id});
    execute("UPDATE bonus_config_versions SET created_at = created_at - INTERVAL 90 DAY WHERE merchant_id = ?", {s.id});
    auto run = [] { run_job("award-top-dealers"); };
    run();
    EXPECT_EQ(scalar("SELECT pool_fen FROM bonus_period_runs WHERE merchant_id = ?", {s.id}), 100000);
    EXPECT_EQ(scalar("SELECT remainder_fen FROM bonus_period_runs WHERE merchant_id = ?", {s.id}), 1);
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_period_awards WHERE partner_id = ?", {partners[0].id}), 66666);
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_period_awards WHERE partner_id = ?", {partners[1].id}), 33333);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_awards WHERE partner_id = ?", {partners[2].id}), 0) << "below the threshold";
    run();  // the period is shared once
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_runs WHERE merchant_id = ?", {s.id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_awards WHERE merchant_id = ?", {s.id}), 2);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // The shares become withdrawable beside the partners' dividends.
    auto withdrawable = [&](const partner& p) {
        return -scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE merchant_id = ? AND user_id = ? AND kind = 'dividend_withdrawable'",
                       {s.id, p.person.id});
    };
    // (Absolute figures: another test's settle-bonus-awards walks every store and may settle these
    // first; and another test's settle-dividends may settle this store's dividends, which have no
    // settlement delay here: whatever of them it settled is beside the award.)
    run_job("settle-bonus-awards");
    const auto settled_dividends = scalar("SELECT COALESCE(SUM(amount_fen - reversed_fen), 0) FROM dividends WHERE merchant_id = ? AND partner_user_id = ? "
                                          "AND settled_at IS NOT NULL",
                                          {s.id, partners[0].person.id});
    EXPECT_EQ(withdrawable(partners[0]), 66666 + settled_dividends) << "its own dividends wait for settle-dividends";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_awards WHERE merchant_id = ? AND settled_at IS NULL", {s.id}), 0);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(bonus_api_test, a_project_campaign_is_judged_once_after_its_refund_window_first_to_the_goal_first_within_the_budget) {
    // 烫染季 as docs/business-rules.md section 7 has it, smaller: two new paying customers of at least 100 yuan,
    // 500 yuan each, a budget of 800 yuan: the first to reach the goal gets 500, the second the 300 left.
    auto s = open_store();
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"settlement_delay_days", 0}}));
    const auto now = std::chrono::system_clock::now();
    const auto day = std::chrono::hours(24);
    json::object campaign{{"name", "烫染季"},
                          {"starts_at", format_rfc3339_utc(now - 40 * day)},
                          {"ends_at", format_rfc3339_utc(now - 10 * day)},
                          {"goal", "new_paying_customers"},
                          {"goal_count", 2},
                          {"min_order_fen", 10000},
                          {"reward", "fixed"},
                          {"award_fen", 50000},
                          {"budget_fen", 80000},
                          {"winner_limit", 10}};
    ok(call("PUT", s.path() + "/bonus-config", s.owner, json::object{{"awards", json::array{json::object{{"type", "project"}, {"campaign", campaign}}}}}));
    // Published before the campaign began, as a store does (terms written after a campaign's end are not judged).
    execute("UPDATE bonus_config_versions SET created_at = created_at - INTERVAL 60 DAY WHERE merchant_id = ?", {s.id});
    const auto key = make_pos_key(s);
    // Partner 0 reaches the goal 30 days ago, partner 1 25 days ago, partner 2 never (one customer,
    // and one order below the minimum).
    const int customers_of[] = {2, 2, 2};
    const std::int64_t amounts[][2] = {{20000, 15000}, {12000, 30000}, {20000, 5000}};
    const int days_back[] = {30, 25, 20};
    std::vector<partner> partners;
    for (int p = 0; p < 3; ++p) {
        partners.push_back(enrol(s));
        for (int c = 0; c < customers_of[p]; ++c) {
            const user customer = sign_in();
            ASSERT_EQ(claim(customer, partners.back().share_code), "claimed");
            const auto id = "P" + std::to_string(p) + "-" + std::to_string(c);
            ok(pos_sale(key, customer, amounts[p][c], amounts[p][c] / 2, id), 201);
            execute("UPDATE orders SET paid_at = paid_at - INTERVAL ? HOUR WHERE merchant_id = ? AND merchant_order_id = ?", {std::to_string(days_back[p] * 24 - c), s.id, id});
        }
    }
    auto run = [] { run_job("award-projects"); };
    run();
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_period_awards WHERE partner_id = ?", {partners[0].id}), 50000);
    EXPECT_EQ(scalar("SELECT amount_fen FROM bonus_period_awards WHERE partner_id = ?", {partners[1].id}), 30000) << "what the budget left";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_awards WHERE partner_id = ?", {partners[2].id}), 0);
    EXPECT_EQ(scalar("SELECT remainder_fen FROM bonus_period_runs WHERE merchant_id = ? AND kind = 'project'", {s.id}), 0);
    run();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM bonus_period_runs WHERE merchant_id = ?", {s.id}), 1) << "judged once";
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

TEST_F(bonus_api_test, cash_to_a2_with_the_operators_sign_off_settles_into_the_withdrawable_balance_and_a_late_refund_takes_it_back) {
    auto s = open_store();
    const auto c = make_chain(s);
    child_process sign_off({SHAREDSTORE_BINARY, "sign-off-level2-cash", "--config", test_config_path(), "--merchant", s.id, "--operator-user",
                            platform_operator(), "--reference", "法务意见 2026-18"},
                           {}, make_temp_dir("sign-off") + "/out.log");
    ASSERT_EQ(sign_off.wait_exit(std::chrono::seconds(60)).value_or(-1), 0) << sign_off.output();
    ok(call("PUT", s.path() + "/bonus-config", s.owner,
            json::object{{"awards", json::array{json::object{{"type", "level_difference"}}}}, {"level2_cash", true}}));
    const auto key = make_pos_key(s);
    ok(pos_sale(key, c.customer, 200000, 100000, "K-1"), 201);
    EXPECT_EQ(scalar("SELECT medium = 'cash' FROM bonus_awards WHERE merchant_id = ? AND user_id = ?", {s.id, c.a2.person.id}), 1);
    auto balance = [&](const char* kind) {
        return -scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE merchant_id = ? AND user_id = ? AND kind = ?",
                       {s.id, c.a2.person.id, kind});
    };
    EXPECT_EQ(balance("bonus_payable") + balance("dividend_withdrawable"), 10000) << "owed, or settled already by another test's run of the job";
    run_job("settle-bonus-awards");
    EXPECT_EQ(balance("bonus_payable"), 0);
    EXPECT_EQ(balance("dividend_withdrawable"), 10000);
    // Refunded after it settled: taken back from the withdrawable balance.
    ok(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "K-1"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 200000}}), 201);
    EXPECT_EQ(balance("dividend_withdrawable"), 0);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

}  // namespace
