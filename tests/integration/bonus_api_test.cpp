// The bonus configuration on the real stack (docs/bonus.md, issue 18): the public counter-example
// of the research note is refused with every reason named at its field; a lawful configuration
// becomes the store's version 1 and any staff reads it; cash to A2 waits for the platform
// operator's sign-off; once a store has a configuration, no tier above its order cap is accepted.
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"

#include <set>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class bonus_api_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

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
        child_process sign_off({SHAREDSTORE_BINARY, "sign-off-level2-cash", "--config", test_config_path(), "--merchant", s.id, "--operator-user", "1",
                                "--reference", "法务意见 2026-17"},
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

}  // namespace
