// Stores, staff roles and versioned share tiers against the real server and MariaDB.
#include "common/random_token.hpp"
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/integration/support/wechat_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

struct signed_in {
    std::string token;
    std::string user_id;
};

class merchant_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        sim = new simulator_process();
        server = new server_process(sim->server_environment());
    }
    static void TearDownTestSuite() {
        delete server;
        delete sim;
    }

    static signed_in sign_in() {
        auto reply = http_call(server->port(), "POST", "/api/v1/auth/wechat/login",
                               json::serialize(json::object{{"code", sim->login_code("o" + random_hex(10))}}), {{"Content-Type", "application/json"}});
        EXPECT_EQ(reply.status, 200) << reply.body;
        return {std::string(reply.json().at("token").as_string()), std::string(reply.json().at("user").at("id").as_string())};
    }
    static http_reply call(const std::string& method, const std::string& path, const signed_in& who, const json::value& body = nullptr) {
        std::vector<std::pair<std::string, std::string>> headers{{"Authorization", "Bearer " + who.token}};
        std::string text;
        if (!body.is_null()) {
            headers.emplace_back("Content-Type", "application/json");
            text = json::serialize(body);
        }
        return http_call(server->port(), method, path, text, headers);
    }
    static std::string create_store(const signed_in& owner) {
        auto reply = call("POST", "/api/v1/merchants", owner, json::object{{"name", "茶饮小店"}});
        EXPECT_EQ(reply.status, 201) << reply.body;
        return std::string(reply.json().at("merchant").at("id").as_string());
    }
    static json::object seed_tiers() {
        return json::object{{"tiers", json::array{json::object{{"name", "银卡"}, {"buy_in_fen", 1000000}, {"ratio_bp", 2000}},
                                                  json::object{{"name", "金卡"}, {"buy_in_fen", 3000000}, {"ratio_bp", 3000}},
                                                  json::object{{"name", "钻石"}, {"buy_in_fen", 5000000}, {"ratio_bp", 5000}}}},
                            {"profit_margin_bp", 3500},
                            {"category_margins", json::object{{"drinks", 6000}}}};
    }
    static std::string code_of(const http_reply& r) { return std::string(r.json().at("error").at("code").as_string()); }

    static simulator_process* sim;
    static server_process* server;
};
simulator_process* merchant_test::sim = nullptr;
server_process* merchant_test::server = nullptr;

TEST_F(merchant_test, the_creator_owns_the_store_and_strangers_are_refused) {
    auto owner = sign_in(), stranger = sign_in();
    const auto id = create_store(owner);
    auto mine = call("GET", "/api/v1/merchants/" + id, owner);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.json().at("role").as_string(), "owner");
    EXPECT_EQ(mine.json().at("merchant").at("owner_user_id").as_string(), owner.user_id);

    auto other = call("GET", "/api/v1/merchants/" + id, stranger);
    EXPECT_EQ(other.status, 403);
    EXPECT_EQ(code_of(other), "forbidden");
    EXPECT_EQ(call("GET", "/api/v1/merchants/999999999", owner).status, 404);
    EXPECT_EQ(call("GET", "/api/v1/merchants/abc", owner).status, 404);
    EXPECT_EQ(http_call(server->port(), "GET", "/api/v1/merchants/" + id).status, 401);
}

// A name shows in other people's lists, a partner's phone and exported reports: it is one line of
// text, without control characters or bidi overrides (docs/api.md, "Text fields").
TEST_F(merchant_test, names_with_control_characters_or_bidi_overrides_are_refused) {
    auto owner = sign_in();
    for (const auto& name : {std::string("tea\0shop", 8), std::string("tea\r\nshop"), std::string("\xe2\x80\xae" "pohs aet")}) {
        auto refused = call("POST", "/api/v1/merchants", owner, json::object{{"name", name}});
        EXPECT_EQ(refused.status, 400) << refused.body;
        EXPECT_EQ(code_of(refused), "invalid_field");
    }
    EXPECT_EQ(call("POST", "/api/v1/merchants", owner, json::object{{"name", "茶饮 · 二号店"}}).status, 201);
}

TEST_F(merchant_test, tier_changes_make_versions_and_never_rewrite_old_ones) {
    auto owner = sign_in();
    const auto id = create_store(owner);
    auto empty = call("GET", "/api/v1/merchants/" + id + "/tiers", owner);
    ASSERT_EQ(empty.status, 200);
    EXPECT_TRUE(empty.json().at("current").is_null());

    auto first = call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, seed_tiers());
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json().at("current").at("version").as_int64(), 1);
    EXPECT_EQ(first.json().at("current").at("category_margins").at("drinks").as_int64(), 6000);

    auto changed = seed_tiers();
    changed["tiers"].as_array()[0].as_object()["ratio_bp"] = 2500;
    auto second = call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, changed);
    ASSERT_EQ(second.status, 200) << second.body;
    const auto answer = second.json();
    const auto& history = answer.at("history").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(second.json().at("current").at("version").as_int64(), 2) << second.body;
    EXPECT_EQ(second.json().at("current").at("tiers").as_array()[0].at("ratio_bp").as_int64(), 2500);
    EXPECT_EQ(history[1].at("version").as_int64(), 1);
    EXPECT_EQ(history[1].at("tiers").as_array()[0].at("ratio_bp").as_int64(), 2000) << "version 1 is untouched";
}

TEST_F(merchant_test, invalid_tiers_are_refused_with_every_problem) {
    auto owner = sign_in();
    const auto id = create_store(owner);
    auto bad = json::object{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 1000}, {"ratio_bp", 5000}},
                                                  json::object{{"name", "b"}, {"buy_in_fen", 2000}, {"ratio_bp", 4000}},
                                                  json::object{{"name", "c"}, {"buy_in_fen", 0}, {"ratio_bp", 20000}}}},
                            {"profit_margin_bp", 12000}};
    auto reply = call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, bad);
    ASSERT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(code_of(reply), "invalid_tiers");
    std::set<std::string> codes;
    const auto answer = reply.json();  // keep the document alive while iterating into it
    for (const auto& p : answer.at("error").at("details").at("problems").as_array()) codes.insert(std::string(p.at("code").as_string()));
    EXPECT_TRUE(codes.count("ratio_decreases"));
    EXPECT_TRUE(codes.count("buy_in_not_positive"));
    EXPECT_TRUE(codes.count("ratio_out_of_range"));
    EXPECT_TRUE(codes.count("margin_out_of_range"));
    EXPECT_TRUE(call("GET", "/api/v1/merchants/" + id + "/tiers", owner).json().at("current").is_null()) << "nothing half-written";

    auto fractional = seed_tiers();
    fractional["tiers"].as_array()[0].as_object()["buy_in_fen"] = 100.5;
    auto money_as_double = call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, fractional);
    EXPECT_EQ(money_as_double.status, 400);
    EXPECT_EQ(code_of(money_as_double), "invalid_field");
    auto extra = seed_tiers();
    extra["tiers"].as_array()[0].as_object()["bonus"] = 1;
    EXPECT_EQ(code_of(call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, extra)), "unknown_field");
}

TEST_F(merchant_test, roles_decide_who_may_change_what) {
    auto owner = sign_in(), manager = sign_in(), cashier = sign_in();
    const auto id = create_store(owner);
    ASSERT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/" + manager.user_id, owner, json::object{{"role", "manager"}}).status, 200);
    ASSERT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/" + cashier.user_id, owner, json::object{{"role", "cashier"}}).status, 200);

    EXPECT_EQ(call("GET", "/api/v1/merchants/" + id, cashier).json().at("role").as_string(), "cashier");
    EXPECT_EQ(call("GET", "/api/v1/merchants/" + id + "/tiers", cashier).status, 200);
    EXPECT_EQ(call("PUT", "/api/v1/merchants/" + id + "/tiers", cashier, seed_tiers()).status, 403);
    EXPECT_EQ(call("GET", "/api/v1/merchants/" + id + "/staff", cashier).status, 403);
    EXPECT_EQ(call("PUT", "/api/v1/merchants/" + id + "/tiers", manager, seed_tiers()).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/merchants/" + id + "/staff", manager).json().at("items").as_array().size(), 3u);
    EXPECT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/" + cashier.user_id, manager, json::object{{"role", "manager"}}).status, 403);

    auto owner_change = call("PUT", "/api/v1/merchants/" + id + "/staff/" + owner.user_id, owner, json::object{{"role", "cashier"}});
    EXPECT_EQ(owner_change.status, 409);
    EXPECT_EQ(call("DELETE", "/api/v1/merchants/" + id + "/staff/" + owner.user_id, owner).status, 409);
    EXPECT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/999999999", owner, json::object{{"role", "cashier"}}).status, 404);
    EXPECT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/" + cashier.user_id, owner, json::object{{"role", "king"}}).status, 400);

    ASSERT_EQ(call("DELETE", "/api/v1/merchants/" + id + "/staff/" + cashier.user_id, owner).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/merchants/" + id, cashier).status, 403) << "a removed cashier loses access at once";
}

TEST_F(merchant_test, settings_change_partially_and_only_by_owner_or_manager) {
    auto owner = sign_in(), cashier = sign_in();
    const auto id = create_store(owner);
    ASSERT_EQ(call("PUT", "/api/v1/merchants/" + id + "/staff/" + cashier.user_id, owner, json::object{{"role", "cashier"}}).status, 200);
    auto fresh = call("GET", "/api/v1/merchants/" + id, owner).json().at("merchant").as_object();
    EXPECT_FALSE(fresh.at("allow_existing_customers").as_bool()) << "existing customers are not claimable by default";
    EXPECT_TRUE(fresh.at("protection_days").is_null()) << "no protection period by default";

    auto set = call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"protection_days", 90}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(set.json().at("merchant").at("protection_days").as_int64(), 90);
    auto partial = call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"allow_existing_customers", true}});
    EXPECT_TRUE(partial.json().at("merchant").at("allow_existing_customers").as_bool());
    EXPECT_EQ(partial.json().at("merchant").at("protection_days").as_int64(), 90) << "absent fields keep their value";
    auto cleared = call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"protection_days", nullptr}});
    EXPECT_TRUE(cleared.json().at("merchant").at("protection_days").is_null());

    EXPECT_EQ(call("PATCH", "/api/v1/merchants/" + id + "/settings", cashier, json::object{{"protection_days", 30}}).status, 403);
    EXPECT_EQ(call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"protection_days", 0}}).status, 400);
    EXPECT_EQ(call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"allow_existing_customers", "yes"}}).status, 400);
    EXPECT_EQ(call("PATCH", "/api/v1/merchants/" + id + "/settings", owner, json::object{{"surprise", true}}).status, 400);
}

TEST_F(merchant_test, card_templates_are_validated_stored_and_paged) {
    auto owner = sign_in();
    const auto id = create_store(owner);
    const auto path = "/api/v1/merchants/" + id + "/card-templates";
    auto card = [](int n) {
        return json::object{{"kind", "treat"}, {"title", "体验券 " + std::to_string(n)}, {"benefit", "第一杯半价"},
                            {"valid_from", "2026-12-01T00:00:00+08:00"}, {"valid_until", "2027-03-01T00:00:00+08:00"}};
    };
    auto created = call("POST", path, owner, card(0));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto answer = created.json();
    const auto& stored = answer.at("card_template");
    EXPECT_EQ(stored.at("valid_from").as_string(), "2026-11-30T16:00:00Z") << "stored and shown in UTC";
    EXPECT_TRUE(stored.at("cover_url").is_null());

    auto bad = card(1);
    bad["kind"] = "coupon";
    bad["valid_until"] = "2026-11-01T00:00:00+08:00";
    auto refused = call("POST", path, owner, bad);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(code_of(refused), "invalid_card");
    const auto problems = refused.json().at("error").at("details").at("problems").as_array();
    EXPECT_EQ(problems.size(), 2u);

    for (int n = 1; n <= 4; ++n) ASSERT_EQ(call("POST", path, owner, card(n)).status, 201);
    std::vector<std::string> titles;
    std::string cursor;
    for (int pages = 0; pages < 5; ++pages) {
        auto page = call("GET", path + "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), owner);
        ASSERT_EQ(page.status, 200) << page.body;
        const auto body = page.json();
        for (const auto& item : body.at("items").as_array()) titles.push_back(std::string(item.at("title").as_string()));
        if (body.at("next_cursor").is_null()) break;
        cursor = std::string(body.at("next_cursor").as_string());
    }
    ASSERT_EQ(titles.size(), 5u);
    EXPECT_EQ(titles.front(), "体验券 4") << "newest first";
    EXPECT_EQ(titles.back(), "体验券 0");
    EXPECT_EQ(call("GET", path + "?limit=101", owner).status, 400);
    EXPECT_EQ(call("GET", path + "?cursor=abc", owner).status, 400);
    EXPECT_EQ(call("GET", path + "?sort=asc", owner).status, 400);
}

TEST_F(merchant_test, concurrent_tier_changes_get_distinct_consecutive_versions) {
    auto owner = sign_in();
    const auto id = create_store(owner);
    constexpr int writers = 8;
    std::vector<std::thread> threads;
    std::vector<int> statuses(writers);
    for (int i = 0; i < writers; ++i)
        threads.emplace_back([&, i] { statuses[i] = call("PUT", "/api/v1/merchants/" + id + "/tiers", owner, seed_tiers()).status; });
    for (auto& t : threads) t.join();
    for (int s : statuses) EXPECT_EQ(s, 200);
    auto history = call("GET", "/api/v1/merchants/" + id + "/tiers", owner).json().at("history").as_array();
    ASSERT_EQ(history.size(), static_cast<std::size_t>(writers));
    std::set<std::int64_t> versions;
    for (const auto& v : history) versions.insert(v.at("version").as_int64());
    EXPECT_EQ(versions.size(), static_cast<std::size_t>(writers));
    EXPECT_EQ(*versions.begin(), 1);
    EXPECT_EQ(*versions.rbegin(), writers);
}

}  // namespace
