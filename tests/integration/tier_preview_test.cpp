// The what-if of a proposed tier table over real orders: partners enrolled and customers claimed
// through the API, POS orders paid and refunded, then POST .../tier-versions/preview answers what
// the store's dividends would have been under the proposed table beside what they were, and
// writes nothing. Every expected figure is worked out in the comments from the rules
// (docs/business-rules.md section 1): profit = the POS's or amount x margin, dividend =
// floor(profit x ratio), a refund of R out of A takes back floor(x x R / A).
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/tier_preview_service.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/run_awaitable.hpp"

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// 银卡 10,000 yuan at 25 %, 金卡 from 20,000 yuan at 40 %; margin 40 %, drinks 60 %.
json::object proposed_table() {
    return json::object{{"tiers", json::array{json::object{{"name", "银卡"}, {"buy_in_fen", 1000000}, {"ratio_bp", 2500}},
                                              json::object{{"name", "金卡"}, {"buy_in_fen", 2000000}, {"ratio_bp", 4000}}}},
                        {"profit_margin_bp", 4000},
                        {"category_margins", json::object{{"drinks", 6000}}}};
}

class tier_preview_test : public store_api_test {
protected:
    static void SetUpTestSuite() {
        mysql_driver_init();
        start();
        scene_ = new scene(make_scene());
    }
    static void TearDownTestSuite() {
        delete scene_;
        stop();
    }

    // The store of open_store (银卡 / 金卡 / 钻石 at 10,000 / 30,000 / 50,000 yuan, 20 / 30 / 50 %,
    // margin 30 %): A at 10,000 yuan (银卡) owns c1 and c2; B at 30,000 yuan (金卡) owns c3;
    // C at 25,000 yuan (银卡 now, 金卡 proposed) owns nobody; c4 is nobody's. A manager and a
    // cashier besides the owner.
    struct scene {
        store s;
        partner a, b, c;
        user c1, c2, c3, c4, manager, cashier;
        pos_key key;
        std::string o1;
    };
    static scene make_scene() {
        scene sc;
        sc.s = open_store();
        sc.a = enrol(sc.s);
        sc.b = enrol(sc.s);
        ok(call("POST", sc.s.path() + "/partners/" + sc.b.id + "/buy-ins", sc.s.owner, json::object{{"amount_fen", 2000000}}), 201);
        const auto person_c = sign_in();
        sc.c.id = text(ok(call("POST", sc.s.path() + "/partners", sc.s.owner, json::object{{"user_id", person_c.id}, {"amount_fen", 2500000}}), 201),
                       {"partner", "id"});
        sc.c1 = sign_in(), sc.c2 = sign_in(), sc.c3 = sign_in(), sc.c4 = sign_in();
        for (auto [customer, code] : {std::pair{&sc.c1, sc.a.share_code}, {&sc.c2, sc.a.share_code}, {&sc.c3, sc.b.share_code}})
            if (claim(*customer, code) != "claimed") throw std::runtime_error("claim failed");
        sc.manager = sign_in(), sc.cashier = sign_in();
        ok(call("PUT", sc.s.path() + "/staff/" + sc.manager.id, sc.s.owner, json::object{{"role", "manager"}}));
        ok(call("PUT", sc.s.path() + "/staff/" + sc.cashier.id, sc.s.owner, json::object{{"role", "cashier"}}));
        sc.key = make_pos_key(sc.s);
        const auto now = format_rfc3339_utc(std::chrono::system_clock::now());
        auto order = [&](const std::string& id, const user& who, std::int64_t amount, json::object extra, const std::string& paid_at) {
            json::object body{{"merchant_order_id", id}, {"user_id", who.id}, {"amount_fen", amount}, {"paid_at", paid_at}};
            for (auto& [k, v] : extra) body[k] = v;
            return ok(pos_call(sc.key, "/api/v1/pos/orders", body), 201);
        };
        const auto run = random_hex(4);
        sc.o1 = text(order("o1-" + run, sc.c1, 100000, {}, now), {"order", "id"});
        order("o2-" + run, sc.c2, 50000, {{"profit_fen", 20000}, {"category", "drinks"}}, now);
        order("o3-" + run, sc.c3, 80000, {}, now);
        order("o4-" + run, sc.c4, 10000, {}, now);
        ok(pos_call(sc.key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "o3-" + run}, {"merchant_refund_id", "r1"}, {"amount_fen", 20000}}),
           201);
        // Paid 100 days ago, before the store had tiers and before c1 was A's: outside the default window.
        order("o5-" + run, sc.c1, 60000, {}, format_rfc3339_utc(std::chrono::system_clock::now() - std::chrono::hours(24 * 100)));
        return sc;
    }

    static http_reply preview(const user& who, json::object body) { return call("POST", scene_->s.path() + "/tier-versions/preview", who, body); }

    static const json::object& line_of(const json::value& answer, const std::string& partner_id) {
        for (const auto& line : answer.at("partners").as_array())
            if (line.at("partner_id").as_string() == partner_id) return line.as_object();
        throw std::runtime_error("no line for partner " + partner_id + ": " + json::serialize(answer));
    }

    static inline scene* scene_ = nullptr;
};

TEST_F(tier_preview_test, the_last_90_days_under_the_proposed_table_beside_the_versions_in_force) {
    const auto r = ok(preview(scene_->s.owner, proposed_table()));
    EXPECT_EQ(r.at("orders").as_int64(), 4) << "o5 was paid 100 days ago";
    // In force: o1 profit 30,000 at 银卡 20 % = 6,000; o2 the POS's 20,000 at 20 % = 4,000;
    // o3 24,000 at 金卡 30 % = 7,200, a quarter refunded: 7,200 - 1,800 = 5,400, profit 24,000 -
    // 6,000 = 18,000; o4 profit 3,000, nobody's.
    EXPECT_EQ(r.at("current").at("profit_fen").as_int64(), 71000);
    EXPECT_EQ(r.at("current").at("dividends_fen").as_int64(), 15400);
    EXPECT_EQ(r.at("current").at("share_of_profit_bp").as_int64(), 2169) << "floor(15,400 x 10,000 / 71,000)";
    EXPECT_EQ(r.at("recorded_dividends_fen").as_int64(), 15400) << "the replay of the versions in force is what the payments recorded";
    // Proposed: o1 40,000 at 25 % = 10,000; o2 20,000 at 25 % = 5,000; o3 32,000 at 金卡 40 % =
    // 12,800 - 3,200 = 9,600, profit 32,000 - 8,000 = 24,000; o4 4,000.
    EXPECT_EQ(r.at("proposed").at("profit_fen").as_int64(), 88000);
    EXPECT_EQ(r.at("proposed").at("dividends_fen").as_int64(), 24600);
    EXPECT_EQ(r.at("proposed").at("share_of_profit_bp").as_int64(), 2795) << "floor(24,600 x 10,000 / 88,000)";

    EXPECT_EQ(r.at("tier_changes").as_int64(), 1) << "C: 银卡 now, 金卡 proposed";
    EXPECT_EQ(r.at("partners_total").as_int64(), 3);
    const auto& partners = r.at("partners").as_array();
    ASSERT_EQ(partners.size(), 3u);
    EXPECT_EQ(partners[0].at("partner_id").as_string(), scene_->a.id) << "most dividends first";
    const auto& a = line_of(r, scene_->a.id);
    EXPECT_EQ(a.at("orders").as_int64(), 2);
    EXPECT_EQ(a.at("current").at("dividends_fen").as_int64(), 10000);
    EXPECT_EQ(a.at("proposed").at("dividends_fen").as_int64(), 15000);
    EXPECT_EQ(a.at("current").at("tier").at("ratio_bp").as_int64(), 2000);
    EXPECT_EQ(a.at("proposed").at("tier").at("ratio_bp").as_int64(), 2500);
    EXPECT_FALSE(a.at("tier_changes").as_bool());
    EXPECT_EQ(a.at("total_buy_in_fen").as_int64(), 1000000);
    EXPECT_EQ(a.at("status").as_string(), "active");
    const auto& b = line_of(r, scene_->b.id);
    EXPECT_EQ(b.at("current").at("dividends_fen").as_int64(), 5400);
    EXPECT_EQ(b.at("proposed").at("dividends_fen").as_int64(), 9600);
    EXPECT_EQ(b.at("current").at("tier").at("name").as_string(), "金卡");
    const auto& c = line_of(r, scene_->c.id);
    EXPECT_EQ(c.at("orders").as_int64(), 0);
    EXPECT_EQ(c.at("current").at("tier").at("name").as_string(), "银卡");
    EXPECT_EQ(c.at("proposed").at("tier").at("name").as_string(), "金卡");
    EXPECT_TRUE(c.at("tier_changes").as_bool());
}

TEST_F(tier_preview_test, a_window_reaching_back_replays_orders_with_what_was_true_when_they_were_paid) {
    const auto now = std::chrono::system_clock::now();
    auto body = proposed_table();
    body["from"] = format_rfc3339_utc(now - std::chrono::hours(24 * 120));
    body["to"] = format_rfc3339_utc(now + 1h);
    const auto r = ok(preview(scene_->s.owner, body));
    EXPECT_EQ(r.at("orders").as_int64(), 5);
    // o5: no tiers then (no profit, no dividend in force), and c1 was nobody's yet: proposed
    // profit 24,000, no dividend.
    EXPECT_EQ(r.at("current").at("profit_fen").as_int64(), 71000);
    EXPECT_EQ(r.at("proposed").at("profit_fen").as_int64(), 88000 + 24000);
    EXPECT_EQ(r.at("proposed").at("dividends_fen").as_int64(), 24600);
    EXPECT_EQ(line_of(r, scene_->a.id).at("orders").as_int64(), 2);

    // A window before every order: nothing to replay, no share of no profit.
    body["from"] = format_rfc3339_utc(now - std::chrono::hours(24 * 300));
    body["to"] = format_rfc3339_utc(now - std::chrono::hours(24 * 200));
    const auto empty = ok(preview(scene_->s.owner, body));
    EXPECT_EQ(empty.at("orders").as_int64(), 0);
    EXPECT_TRUE(empty.at("current").at("share_of_profit_bp").is_null());
    EXPECT_EQ(empty.at("tier_changes").as_int64(), 1) << "tier changes are today's partners under today's version";
}

TEST_F(tier_preview_test, nothing_is_written) {
    // This store's rows only: other suites write to the same database meanwhile.
    auto fingerprint = [] {
        const std::string m = scene_->s.id;
        return std::vector<long long>{
            scalar("SELECT COUNT(*) FROM tier_versions WHERE merchant_id = ?", {m}),
            scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ?", {m}),
            scalar("SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.merchant_id = ?", {m}),
            scalar("SELECT CAST(COALESCE(SUM(CAST(a.balance AS SIGNED) * CAST(a.id AS SIGNED)), 0) AS SIGNED) FROM ledger_accounts a JOIN ledger_books b ON b.id = a.book_id "
                   "WHERE b.merchant_id = ?", {m}),
            scalar("SELECT COUNT(*) FROM dividends WHERE merchant_id = ?", {m}),
            scalar("SELECT CAST(COALESCE(SUM(amount_fen - reversed_fen), 0) AS SIGNED) FROM dividends WHERE merchant_id = ?", {m}),
            scalar("SELECT COUNT(*) FROM orders WHERE merchant_id = ?", {m}),
            scalar("SELECT CAST(COALESCE(SUM(profit_fen), 0) AS SIGNED) FROM orders WHERE merchant_id = ?", {m}),
            scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id IN (?, ?)", {scene_->a.person.id, scene_->b.person.id}),
            scalar("SELECT CAST(COALESCE(SUM(total_buy_in_fen), 0) AS SIGNED) FROM partners WHERE merchant_id = ?", {m}),
        };
    };
    const auto before = fingerprint();
    const auto tiers_before = ok(call("GET", scene_->s.path() + "/tiers", scene_->s.owner));
    for (int i = 0; i < 3; ++i) ok(preview(i == 1 ? scene_->manager : scene_->s.owner, proposed_table()));
    EXPECT_EQ(fingerprint(), before);
    EXPECT_EQ(json::serialize(ok(call("GET", scene_->s.path() + "/tiers", scene_->s.owner))), json::serialize(tiers_before));
}

TEST_F(tier_preview_test, a_bad_table_is_refused_with_the_problems_put_tiers_gives) {
    auto bad = json::object{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 100}, {"ratio_bp", 6000}},
                                                  json::object{{"name", "a"}, {"buy_in_fen", 200}, {"ratio_bp", 500}},
                                                  json::object{{"name", ""}, {"buy_in_fen", 0}, {"ratio_bp", 0}}}},
                            {"profit_margin_bp", 12000},
                            {"category_margins", json::object{{"drinks", -1}}}};
    const auto refused = preview(scene_->s.owner, bad);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(error_code(refused), "invalid_tiers");
    const auto put = call("PUT", scene_->s.path() + "/tiers", scene_->s.owner, bad);
    ASSERT_EQ(put.status, 400);
    EXPECT_EQ(json::serialize(refused.json().at("error").at("details")), json::serialize(put.json().at("error").at("details")));
    EXPECT_GE(refused.json().at("error").at("details").at("problems").as_array().size(), 6u);

    // The body is the PUT's, plus the window: anything else is refused like any strict body.
    auto extra = proposed_table();
    extra["publish"] = true;
    EXPECT_EQ(error_code(preview(scene_->s.owner, extra)), "unknown_field");
}

TEST_F(tier_preview_test, the_window_is_checked) {
    const auto now = std::chrono::system_clock::now();
    auto body = proposed_table();
    body["from"] = format_rfc3339_utc(now);
    body["to"] = format_rfc3339_utc(now - 1h);
    auto reply = preview(scene_->s.owner, body);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "invalid_field");
    body["from"] = format_rfc3339_utc(now - std::chrono::hours(24 * 367));
    body["to"] = format_rfc3339_utc(now);
    EXPECT_EQ(error_code(preview(scene_->s.owner, body)), "invalid_field") << "more than 366 days";
    body["from"] = "2026-13-01T00:00:00Z";
    EXPECT_EQ(error_code(preview(scene_->s.owner, body)), "invalid_field");
    // A window given by its start alone ends now.
    body.erase("to");
    body["from"] = format_rfc3339_utc(now - std::chrono::hours(24 * 120));
    EXPECT_EQ(ok(preview(scene_->s.owner, body)).at("orders").as_int64(), 5);
}

TEST_F(tier_preview_test, owners_and_managers_may_cashiers_and_strangers_may_not) {
    EXPECT_EQ(preview(scene_->manager, proposed_table()).status, 200);
    const auto cashier = preview(scene_->cashier, proposed_table());
    EXPECT_EQ(cashier.status, 403);
    EXPECT_EQ(error_code(cashier), "forbidden");
    EXPECT_EQ(preview(sign_in(), proposed_table()).status, 403);
    EXPECT_EQ(preview(user{}, proposed_table()).status, 401);
    EXPECT_EQ(error_code(call("POST", "/api/v1/merchants/999999999/tier-versions/preview", scene_->s.owner, proposed_table())),
              "merchant_not_found");
}

// The service itself on the same database, with limits small enough to reach: chunks of two
// orders give the answer one read gives, and a window past the order limit is refused.
TEST_F(tier_preview_test, chunks_add_up_to_the_whole_and_the_order_limit_refuses) {
    captured_log log;
    mysql_pool pool(test_config().mysql, log.log());
    const auto owner = std::stoull(scene_->s.owner.id);
    const auto merchant = std::stoull(scene_->s.id);
    const auto now = std::chrono::system_clock::now();
    tier_change table{.tiers = {{"银卡", 1000000, 2500}, {"金卡", 2000000, 4000}}, .profit_margin_bp = 4000, .category_margins_bp = {{"drinks", 6000}}};
    auto run = [&](tier_preview_limits limits) {
        tier_preview_service service(pool, limits);
        auto work = [&]() -> boost::asio::awaitable<std::optional<service_result<tier_preview_answer>>> {
            tier_preview_request request{.table = table, .from = now - std::chrono::hours(24 * 120), .to = now + 1h};  // named: docs/coroutines.md
            co_return co_await service.preview(owner, merchant, std::move(request));
        };
        return *run_awaitable(work());
    };
    auto whole = run({});
    ASSERT_TRUE(whole) << static_cast<int>(whole.error().kind);
    auto chunked = run({.chunk_orders = 2});
    ASSERT_TRUE(chunked);
    EXPECT_EQ(chunked.value().figures.orders, 5);
    EXPECT_EQ(chunked.value().figures.proposed.dividends_fen, whole.value().figures.proposed.dividends_fen);
    EXPECT_EQ(chunked.value().figures.current.profit_fen, whole.value().figures.current.profit_fen);
    EXPECT_EQ(chunked.value().figures.partners.size(), whole.value().figures.partners.size());
    auto exactly = run({.max_orders = 5, .chunk_orders = 2});
    EXPECT_TRUE(exactly) << "five orders are within a limit of five";
    auto refused = run({.max_orders = 4, .chunk_orders = 2});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, service_failure::preview_too_large);
    auto few_partners = run({.max_partners = 2});
    ASSERT_FALSE(few_partners);
    EXPECT_EQ(few_partners.error().kind, service_failure::preview_too_large);
    pool.stop();
}

}  // namespace
