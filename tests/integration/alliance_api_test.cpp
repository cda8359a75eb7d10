// The alliance's set-up on the real stack (docs/alliance.md, issue 20): a platform operator, granted
// from the command line, configures the pool (a configuration breaking the sustainability bounds is
// refused with every reason at its field) and admits stores; an admitted store's owner sets its
// concession, versioned; a concession leaving the fan-lock reward unfunded is refused. Nobody else
// reaches the platform routes (access_control_test walks every role; this suite adds the operator).
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/console_api.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/serialize.hpp>

#include <set>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class alliance_api_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

    static int grant(const std::string& user_id, const std::string& by = "ops-oncall") {
        child_process process({SHAREDSTORE_BINARY, "grant-platform-operator", "--config", test_config_path(), "--user", user_id, "--by", by}, {},
                              make_temp_dir("grant-operator") + "/out.log");
        return process.wait_exit(std::chrono::seconds(60)).value_or(-1);
    }
    static user make_operator() {
        auto person = sign_in();
        if (grant(person.id) != 0) throw std::runtime_error("grant-platform-operator failed");
        return person;
    }
    // The defaults of docs/business-rules.md section 3.1.
    static json::object defaults() {
        return json::object{{"initial_value_cp", 10'000'000}, {"min_holders", 20},      {"growth_bp", 1500},       {"first_rate_bp", 50},
                            {"rate_step_bp", 10},             {"rate_cap_bp", 300},     {"fund_share_bp", 5000},   {"quota_bp", 2500},
                            {"advance_periods", 3},           {"advance_budget_bp", 2000}, {"lock_bp", 100},       {"voucher_validity_days", 365},
                            {"vest_days", 7},                 {"supply_voucher_max_bp", 3000}};
    }
    static std::set<std::string> problems_of(const http_reply& r) {
        std::set<std::string> out;
        const auto body = r.json();  // held: the loop reads into it
        for (const auto& p : body.at("error").at("details").at("problems").as_array())
            out.insert(std::string(p.at("field").as_string()) + ":" + std::string(p.at("code").as_string()));
        return out;
    }
};

// One test: the pool configuration is platform-wide, and ctest runs tests in parallel processes.
TEST_F(alliance_api_test, operator_pool_configuration_admission_and_concessions) {
  {
    SCOPED_TRACE("the operator role");
    auto person = sign_in();
    auto before = call("GET", "/api/v1/platform/alliance/config", person);
    EXPECT_EQ(before.status, 403) << before.body;
    EXPECT_EQ(error_code(before), "forbidden");
    ASSERT_EQ(grant(person.id), 0);
    ASSERT_EQ(grant(person.id), 0) << "a grant run twice is one grant";
    auto config = ok(call("GET", "/api/v1/platform/alliance/config", person));
    EXPECT_TRUE(config.at("current").at("config").is_object());
    // Other suites (the contract test) may set the pool meanwhile: the bound is checked against the config it came with.
    const auto& in_force = config.at("current").at("config");
    const auto fund = in_force.at("fund_share_bp").as_int64(), growth = in_force.at("growth_bp").as_int64();
    EXPECT_EQ(config.at("bounds").at("rate_cap_bp_max").as_int64(), fund * growth / (2 * (10000 + growth)));
    EXPECT_EQ(grant("999999999"), 1) << "no such user";
    EXPECT_EQ(grant(person.id, ""), 2) << "the grant names who made it";

    // The console: an operator with no store may sign in, and is told it is an operator.
    auto session = console_login(server->port(), person.token);
    auto me = console_call(server->port(), "GET", "/api/v1/console/me", session);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_TRUE(me.json().at("platform_operator").as_bool());
    auto read = console_call(server->port(), "GET", "/api/v1/platform/alliance/config", session);
    EXPECT_EQ(read.status, 200) << read.body;
    auto owner = open_store().owner;
    auto owner_session = console_login(server->port(), owner.token);
    EXPECT_FALSE(console_call(server->port(), "GET", "/api/v1/console/me", owner_session).json().at("platform_operator").as_bool());
  }
    const auto op = make_operator();
  {
    SCOPED_TRACE("the pool configuration");
    // The refusals the issue names: r_cap 400 at fund share 5000; quota 50000. Its third, lock_bp 200
    // at the lowest concession 300, depends on the members of this database (other suites admit
    // stores; alliance_pool_test has it exactly): 1001 bp is unfunded at any concession (at most
    // 5000 x 2000 / 10000 = 1000 bp of the order is the platform's).
    auto bad = defaults();
    bad["rate_cap_bp"] = 400;
    bad["quota_bp"] = 50000;
    bad["lock_bp"] = 1001;
    bad["vest_days"] = 3;
    auto refused = call("PUT", "/api/v1/platform/alliance/config", op, bad);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(error_code(refused), "alliance_config_refused");
    const auto problems = problems_of(refused);
    for (const auto* expected : {"rate_cap_bp:rate_cap_unfunded", "quota_bp:quota_unfunded", "lock_bp:lock_unfunded", "vest_days:out_of_range"})
        EXPECT_TRUE(problems.count(expected)) << expected << " missing from " << refused.body;
    // A whole configuration: a field left out is a 400, nothing written.
    auto partial = defaults();
    partial.erase("lock_bp");
    EXPECT_EQ(call("PUT", "/api/v1/platform/alliance/config", op, partial).status, 400);
    auto extra = defaults();
    extra["rebate_multiple"] = 5;
    EXPECT_EQ(call("PUT", "/api/v1/platform/alliance/config", op, extra).status, 400);

    const auto version_before = ok(call("GET", "/api/v1/platform/alliance/config", op)).at("current").at("version").as_int64();
    auto good = defaults();
    good["growth_bp"] = 2000;
    good["rate_cap_bp"] = 416;  // 5000 x 2000 / 24000 = 416.67, floored: the highest funded cap at this growth
    auto saved = ok(call("PUT", "/api/v1/platform/alliance/config", op, good));
    EXPECT_EQ(saved.at("current").at("version").as_int64(), version_before + 1);
    EXPECT_EQ(saved.at("current").at("config").at("rate_cap_bp").as_int64(), 416);
    EXPECT_EQ(saved.at("current").at("created_by_user_id").as_string(), op.id);
    EXPECT_EQ(saved.at("bounds").at("rate_cap_bp_max").as_int64(), 416);
    ok(call("PUT", "/api/v1/platform/alliance/config", op, defaults()));
  }
    auto s = open_store();
  {
    SCOPED_TRACE("admission and concession versions");
    auto not_yet = call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 1000}, {"voucher_max_bp", 5000}});
    EXPECT_EQ(not_yet.status, 409) << not_yet.body;
    EXPECT_EQ(error_code(not_yet), "not_in_alliance");
    EXPECT_FALSE(ok(call("GET", s.path() + "/alliance", s.owner)).at("admitted").as_bool());

    auto admitted = call("POST", "/api/v1/platform/alliance/merchants", op, json::object{{"merchant_id", s.id}});
    ASSERT_EQ(admitted.status, 201) << admitted.body;
    EXPECT_TRUE(admitted.json().at("member").at("concession").is_null());
    EXPECT_EQ(call("POST", "/api/v1/platform/alliance/merchants", op, json::object{{"merchant_id", s.id}}).status, 200) << "a retry admits once";
    EXPECT_EQ(call("POST", "/api/v1/platform/alliance/merchants", op, json::object{{"merchant_id", "999999999"}}).status, 404);

    // Out of range, every reason at its field; nothing written.
    auto refused = call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 2500}, {"voucher_max_bp", 12000}});
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(error_code(refused), "alliance_concession_refused");
    EXPECT_EQ(problems_of(refused), (std::set<std::string>{"concession_bp:out_of_range", "voucher_max_bp:out_of_range"}));

    auto first = ok(call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 2000}, {"voucher_max_bp", 5000}}));
    EXPECT_EQ(first.at("concession").at("version").as_int64(), 1);
    auto second = ok(call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 1000}, {"voucher_max_bp", 3000}}));
    EXPECT_EQ(second.at("concession").at("version").as_int64(), 2);
    EXPECT_EQ(second.at("concession").at("concession_bp").as_int64(), 1000);
    ASSERT_EQ(second.at("history").as_array().size(), 2u);
    EXPECT_EQ(second.at("history").as_array()[1].at("concession_bp").as_int64(), 2000) << "the earlier version stays, for orders paid under it";

    // The operator sees the member with its concession in force.
    auto members = ok(call("GET", "/api/v1/platform/alliance/merchants?limit=100", op));
    bool found = false;
    for (const auto& m : members.at("items").as_array())
        if (m.at("merchant").at("id").as_string() == s.id) {
            found = true;
            EXPECT_EQ(m.at("concession").at("concession_bp").as_int64(), 1000);
        }
    EXPECT_TRUE(found) << members;

    // A manager reads; only the owner sets.
    auto manager = sign_in();
    ok(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}));
    EXPECT_EQ(ok(call("GET", s.path() + "/alliance", manager)).at("concession").at("version").as_int64(), 2);
    EXPECT_EQ(call("PUT", s.path() + "/alliance", manager, json::object{{"concession_bp", 900}, {"voucher_max_bp", 3000}}).status, 403);
  }
  {
    SCOPED_TRACE("a concession too low for the pool's lock reward");
    // The lowest concession among members bounds lock_bp (the platform's part of K pays it). With
    // this store the lowest at 1000 bp (this suite sets no lower one), a lock of 500 bp at fund share
    // 5000 is funded; the store dropping to 900 would leave it 450: refused, with the reason.
    const auto lowest = ok(call("GET", "/api/v1/platform/alliance/config", op)).at("lowest_concession_bp");
    ASSERT_TRUE(lowest.is_int64()) << lowest;
    ASSERT_GE(lowest.as_int64(), 1000) << "a member below 1000 bp: this suite sets none";
    auto high_lock = defaults();
    high_lock["lock_bp"] = 500;
    ok(call("PUT", "/api/v1/platform/alliance/config", op, high_lock));
    auto lower = call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 900}, {"voucher_max_bp", 3000}});
    ASSERT_EQ(lower.status, 422) << lower.body;
    EXPECT_EQ(problems_of(lower), (std::set<std::string>{"concession_bp:lock_unfunded"}));
    high_lock["lock_bp"] = 501;
    auto over = call("PUT", "/api/v1/platform/alliance/config", op, high_lock);
    ASSERT_EQ(over.status, 422) << over.body;
    EXPECT_EQ(problems_of(over), (std::set<std::string>{"lock_bp:lock_unfunded"}));
    // Back to the defaults: 900 bp is allowed again (it stays at 1000, for a later run on this database).
    ok(call("PUT", "/api/v1/platform/alliance/config", op, defaults()));
    EXPECT_EQ(call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", 1000}, {"voucher_max_bp", 3000}}).status, 200);
  }
}

}  // namespace
