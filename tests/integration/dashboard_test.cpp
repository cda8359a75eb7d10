// The dashboard of a store (GET /api/v1/merchants/{id}/dashboard): POS orders of known and unknown
// customers, a refund, a settled dividend, orders moved to the edges of the store's local days,
// and another store's order, then today's, 7 days' and 30 days' figures checked one by one.
#include "common/clock.hpp"
#include "server/domain/calendar.hpp"
#include "server/domain/rfc3339.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class dashboard_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

    static std::int64_t number(const json::value& v, std::initializer_list<const char*> path) {
        const json::value* at = &v;
        for (const char* key : path) at = &at->as_object().at(key);
        return at->as_int64();
    }
    static std::string order_id(const json::value& pos_answer) { return text(pos_answer, {"order", "id"}); }
    // A job run by hand beside the server, as an operator would.
    static void run_job(const std::string& name) {
        child_process process({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, sim->server_environment(server->port()),
                              make_temp_dir("run-job") + "/out.log");
        if (process.wait_exit(60s).value_or(-1) != 0) throw std::runtime_error(name + " failed: " + process.output());
    }
    // An order (and its dividend, and its customer's first purchase) as if paid at `when`.
    static void move_order(const std::string& id, std::chrono::system_clock::time_point when) {
        const auto at = format_sql_datetime_utc(when);
        execute("UPDATE orders SET paid_at = ? WHERE id = ?", {at, id});
        execute("UPDATE dividends SET paid_at = ? WHERE order_id = ?", {at, id});
    }
};

TEST_F(dashboard_test, figures_of_today_seven_and_thirty_local_days_come_from_orders_dividends_and_customers) {
    auto s = open_store();
    auto p = enrol(s);
    const user owned = sign_in(), unowned = sign_in(), old_customer = sign_in();
    ASSERT_EQ(claim(owned, p.share_code), "claimed");
    const auto key = make_pos_key(s);

    // Today: 100 yuan by the partner's customer (profit 30 % = 3,000 fen, dividend 20 % = 600).
    auto a = ok(pos_order(key, owned, 10000), 201);
    ASSERT_EQ(number(a, {"dividend", "amount_fen"}), 600);
    // Today: 50 yuan from a front-desk customer we do not know (no dividend, no customer record).
    auto b = ok(pos_call(key, "/api/v1/pos/orders",
                         json::object{{"merchant_order_id", "D-B"}, {"phone", "13000000000"}, {"amount_fen", 5000},
                                      {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}}),
                201);
    // Half of A refunded today: its dividend is reversed in proportion.
    ASSERT_EQ(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", text(a, {"order", "merchant_order_id"})},
                                                               {"merchant_refund_id", "R-1"}, {"amount_fen", 5000}})
                  .status,
              201);
    const auto reversed = scalar("SELECT reversed_fen FROM dividends WHERE order_id = ?", {order_id(a)});
    ASSERT_GT(reversed, 0);
    // Yesterday, one second before the store's midnight: 200 yuan by a customer of no partner.
    const auto now = std::chrono::system_clock::now();
    const auto shanghai = *utc_offset_of("Asia/Shanghai");
    const auto midnight = day_and_month_start(now, shanghai).day;
    auto c = ok(pos_order(key, unowned, 20000), 201);
    move_order(order_id(c), midnight - 1s);
    execute("UPDATE store_customers SET first_purchase_at = ? WHERE merchant_id = ? AND user_id = ?",
            {format_sql_datetime_utc(midnight - 1s), s.id, unowned.id});
    // B at the store's midnight exactly: still today.
    move_order(order_id(b), midnight);
    // Ten days ago: 80 yuan by a customer who first bought then; inside 30 days, outside 7.
    auto d = ok(pos_order(key, old_customer, 8000), 201);
    move_order(order_id(d), midnight - 24h * 9 - 1h);
    execute("UPDATE store_customers SET first_purchase_at = ? WHERE merchant_id = ? AND user_id = ?",
            {format_sql_datetime_utc(midnight - 24h * 9 - 1h), s.id, old_customer.id});
    // Another store's sale counts only there.
    auto other = open_store();
    ok(pos_order(make_pos_key(other), owned, 99900), 201);

    auto today = ok(call("GET", s.path() + "/dashboard?days=1", s.owner));
    EXPECT_EQ(number(today, {"days"}), 1);
    EXPECT_EQ(text(today, {"time_zone"}), "Asia/Shanghai");
    EXPECT_EQ(text(today, {"from"}), format_rfc3339_seconds(midnight));
    const auto& t = today.at("totals");
    EXPECT_EQ(number(t, {"orders"}), 2);
    EXPECT_EQ(number(t, {"sales_fen"}), 15000);
    EXPECT_EQ(number(t, {"profit_fen"}), 3000 + 1500) << "the store's margin applies to both";
    EXPECT_EQ(number(t, {"refunds_fen"}), 5000);
    EXPECT_EQ(number(t, {"dividends_fen"}), 600 - reversed) << "dividends are net of reversals";
    EXPECT_EQ(number(t, {"dividends_pending_fen"}), 600 - reversed);
    EXPECT_EQ(number(t, {"dividends_settled_fen"}), 0);
    EXPECT_EQ(number(t, {"new_customers"}), 1) << "the unknown front-desk customer is nobody's record";
    ASSERT_EQ(today.at("daily").as_array().size(), 1u);
    ASSERT_EQ(today.at("top_partners").as_array().size(), 1u);
    const auto& top = today.at("top_partners").as_array()[0];
    EXPECT_EQ(text(top, {"partner_id"}), p.id);
    EXPECT_EQ(text(top, {"user_id"}), p.person.id);
    EXPECT_EQ(number(top, {"orders"}), 1);
    EXPECT_EQ(number(top, {"sales_fen"}), 10000);
    EXPECT_EQ(number(top, {"dividends_fen"}), 600 - reversed);

    // Once settled (due now, and settle-dividends run, by this test or another suite's), the same
    // dividend counts as settled, not pending.
    execute("UPDATE dividends SET settles_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE order_id = ?", {order_id(a)});
    run_job("settle-dividends");
    ASSERT_EQ(scalar("SELECT settled_at IS NOT NULL FROM dividends WHERE order_id = ?", {order_id(a)}), 1);
    auto week = ok(call("GET", s.path() + "/dashboard?days=7", s.owner));
    const auto& w = week.at("totals");
    EXPECT_EQ(number(w, {"orders"}), 3);
    EXPECT_EQ(number(w, {"sales_fen"}), 35000);
    EXPECT_EQ(number(w, {"dividends_pending_fen"}), 0);
    EXPECT_EQ(number(w, {"dividends_settled_fen"}), 600 - reversed);
    EXPECT_EQ(number(w, {"new_customers"}), 2);
    const auto& days = week.at("daily").as_array();
    ASSERT_EQ(days.size(), 7u);
    const auto window = last_local_days(now, shanghai, 7);
    for (std::size_t i = 0; i < days.size(); ++i) EXPECT_EQ(text(days[i], {"date"}), window.dates[i]) << "oldest first, every day";
    EXPECT_EQ(number(days[6], {"sales_fen"}), 15000) << "today";
    EXPECT_EQ(number(days[5], {"sales_fen"}), 20000) << "yesterday, a second before midnight";
    EXPECT_EQ(number(days[5], {"profit_fen"}), 6000);
    EXPECT_EQ(number(days[5], {"new_customers"}), 1);
    EXPECT_EQ(number(days[0], {"orders"}), 0) << "a day without sales is there, with zeros";

    auto month = ok(call("GET", s.path() + "/dashboard?days=30", s.owner));
    EXPECT_EQ(month.at("daily").as_array().size(), 30u);
    EXPECT_EQ(number(month, {"totals", "orders"}), 4);
    EXPECT_EQ(number(month, {"totals", "sales_fen"}), 43000);
    EXPECT_EQ(number(month, {"totals", "new_customers"}), 3);
    EXPECT_EQ(number(month.at("daily").as_array()[19], {"sales_fen"}), 8000) << "ten local days ago";
}

TEST_F(dashboard_test, days_is_one_seven_or_thirty_and_only_owner_and_manager_see_the_figures) {
    auto s = open_store();
    const user manager = sign_in(), cashier = sign_in();
    ok(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}));
    ok(call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}));

    auto empty = ok(call("GET", s.path() + "/dashboard", manager));
    EXPECT_EQ(number(empty, {"days"}), 7) << "seven days when not told";
    EXPECT_EQ(number(empty, {"totals", "sales_fen"}), 0);
    EXPECT_TRUE(empty.at("top_partners").as_array().empty());
    for (const char* bad : {"?days=2", "?days=0", "?days=", "?days=7&days=7", "?day=7", "?days=31"}) {
        auto reply = call("GET", s.path() + "/dashboard" + bad, s.owner);
        EXPECT_EQ(reply.status, 400) << bad;
        EXPECT_EQ(error_code(reply), "invalid_query") << bad;
    }
    auto refused = call("GET", s.path() + "/dashboard?days=1", cashier);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(error_code(refused), "forbidden");
    EXPECT_EQ(call("GET", "/api/v1/merchants/999999999/dashboard", s.owner).status, 404);
}

}  // namespace
