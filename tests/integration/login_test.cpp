// Login and sessions against the real server, the WeChat simulator, Redis and MariaDB.
#include "common/random_token.hpp"
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/integration/support/wechat_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

std::string error_code(const http_reply& r) { return std::string(r.json().at("error").at("code").as_string()); }

http_reply post_json(int port, const std::string& path, const boost::json::object& body, const std::string& token = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return http_call(port, "POST", path, boost::json::serialize(body), headers);
}

http_reply get_me(int port, const std::string& token) { return http_call(port, "GET", "/api/v1/me", "", {{"Authorization", "Bearer " + token}}); }

class login_test : public ::testing::Test {
protected:
    void start(environment_changes extra = {}) {
        auto env = sim.server_environment();
        env.insert(env.end(), extra.begin(), extra.end());
        server = std::make_unique<server_process>(std::move(env));
    }
    http_reply login(const std::string& code) { return post_json(server->port(), "/api/v1/auth/wechat/login", {{"code", code}}); }
    std::string fresh_openid() { return "o" + random_hex(10); }

    simulator_process sim;
    std::unique_ptr<server_process> server;
};

TEST_F(login_test, first_login_creates_the_user_and_the_next_returns_the_same_one) {
    start();
    const auto openid = fresh_openid();
    auto first = login(sim.login_code(openid, "union-" + openid));
    ASSERT_EQ(first.status, 200) << first.body;
    const auto token = std::string(first.json().at("token").as_string());
    EXPECT_EQ(token.size(), 64u);  // 256 random bits, hex
    EXPECT_GT(first.json().at("expires_in").as_int64(), 0);
    const auto user_id = std::string(first.json().at("user").at("id").as_string());
    EXPECT_TRUE(first.json().at("user").at("has_unionid").as_bool());
    // Nothing of WeChat's session (session_key) or the openid reaches the client.
    EXPECT_EQ(first.body.find("session_key"), std::string::npos);
    EXPECT_EQ(first.body.find(openid), std::string::npos);

    auto second = login(sim.login_code(openid));
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(second.json().at("user").at("id").as_string(), user_id);
    EXPECT_NE(second.json().at("token").as_string(), token);
    EXPECT_TRUE(second.json().at("user").at("has_unionid").as_bool()) << "a known unionid is kept when WeChat omits it";

    auto me = get_me(server->port(), token);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json().at("user").at("id").as_string(), user_id);
}

TEST_F(login_test, a_used_or_unknown_code_is_refused) {
    start();
    const auto code = sim.login_code(fresh_openid());
    ASSERT_EQ(login(code).status, 200);
    auto reused = login(code);
    EXPECT_EQ(reused.status, 401);
    EXPECT_EQ(error_code(reused), "wechat_code_invalid");
    auto unknown = login("not-a-code-we-issued");
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(error_code(unknown), "wechat_code_invalid");
}

TEST_F(login_test, wechat_errcodes_map_to_statuses_a_client_can_act_on) {
    start();
    struct expectation {
        int errcode;
        int faults;
        int status;
        const char* code;
    };
    for (auto e : {expectation{45011, 1, 429, "wechat_rate_limited"}, expectation{40226, 1, 403, "wechat_risky_user"},
                   expectation{-1, 3, 503, "wechat_unavailable"}, expectation{40125, 1, 502, "wechat_error"}}) {
        sim.fault("jscode2session", e.errcode, e.faults);
        auto reply = login(sim.login_code(fresh_openid()));
        EXPECT_EQ(reply.status, e.status) << "errcode " << e.errcode << ": " << reply.body;
        EXPECT_EQ(error_code(reply), e.code) << "errcode " << e.errcode;
        if (e.status == 429 || e.status == 503) {
            EXPECT_FALSE(reply.header("retry-after").empty()) << e.errcode;
        }
    }
}

TEST_F(login_test, busy_once_is_retried_and_succeeds) {
    start();
    sim.fault("jscode2session", -1, 1);
    const auto before = sim.calls("jscode2session");
    auto reply = login(sim.login_code(fresh_openid()));
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(sim.calls("jscode2session") - before, 2);
}

TEST_F(login_test, an_unreachable_wechat_is_503_within_the_configured_time) {
    start({{"SHAREDSTORE_WECHAT_TOTAL_TIMEOUT_MS", std::string("2000")},
           {"SHAREDSTORE_WECHAT_CONNECT_TIMEOUT_MS", std::string("1000")}});
    const auto code = sim.login_code(fresh_openid());
    sim.kill();
    const auto started = std::chrono::steady_clock::now();
    auto reply = login(code);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(error_code(reply), "wechat_unavailable");
    // Not a latency measurement: a bound far above the 2 s budget that only a hang would break.
    EXPECT_LT(waited, 20s);
}

TEST_F(login_test, a_silent_wechat_times_out_as_503) {
    start({{"SHAREDSTORE_WECHAT_REQUEST_TIMEOUT_MS", std::string("500")},
           {"SHAREDSTORE_WECHAT_MAX_ATTEMPTS", std::string("2")}});
    sim.fault("jscode2session", 0, 2, 3000);  // answers only after 3 s, twice
    auto reply = login(sim.login_code(fresh_openid()));
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(error_code(reply), "wechat_unavailable");
}

TEST_F(login_test, missing_forged_and_signed_out_tokens_are_401) {
    start();
    auto missing = http_call(server->port(), "GET", "/api/v1/me");
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(error_code(missing), "unauthenticated");

    auto forged = get_me(server->port(), random_hex(32));
    EXPECT_EQ(forged.status, 401);
    EXPECT_EQ(error_code(forged), "invalid_session");
    EXPECT_EQ(get_me(server->port(), "not hex at all").status, 401);

    auto ok = login(sim.login_code(fresh_openid()));
    const auto token = std::string(ok.json().at("token").as_string());
    ASSERT_EQ(get_me(server->port(), token).status, 200);
    auto logout = http_call(server->port(), "POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(logout.status, 204);
    auto after = get_me(server->port(), token);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(error_code(after), "invalid_session");
}

TEST_F(login_test, the_phone_is_bound_and_shown_masked) {
    start();
    const auto openid = fresh_openid();
    auto ok = login(sim.login_code(openid));
    const auto token = std::string(ok.json().at("token").as_string());
    EXPECT_TRUE(ok.json().at("user").at("phone").is_null());

    auto bound = post_json(server->port(), "/api/v1/me/phone", {{"code", sim.phone_code(openid, "13812345678")}}, token);
    ASSERT_EQ(bound.status, 200) << bound.body;
    EXPECT_EQ(bound.json().at("user").at("phone").as_string(), "138****5678");
    EXPECT_EQ(bound.body.find("13812345678"), std::string::npos);
    EXPECT_EQ(get_me(server->port(), token).json().at("user").at("phone").as_string(), "138****5678");

    const auto code = sim.phone_code(openid, "13900000000");
    ASSERT_EQ(post_json(server->port(), "/api/v1/me/phone", {{"code", code}}, token).status, 200);
    auto reused = post_json(server->port(), "/api/v1/me/phone", {{"code", code}}, token);
    EXPECT_EQ(reused.status, 400);
    EXPECT_EQ(error_code(reused), "phone_code_invalid");
}

TEST_F(login_test, two_instances_share_one_access_token) {
    start();
    server_process other(sim.server_environment());
    const int ports[] = {server->port(), other.port(), server->port(), other.port()};
    for (int port : ports) {
        const auto openid = fresh_openid();
        auto ok = post_json(port, "/api/v1/auth/wechat/login", {{"code", sim.login_code(openid)}});
        const auto token = std::string(ok.json().at("token").as_string());
        auto bound = post_json(port, "/api/v1/me/phone", {{"code", sim.phone_code(openid, "13700001111")}}, token);
        ASSERT_EQ(bound.status, 200) << bound.body;
    }
    EXPECT_EQ(sim.calls("stable_token"), 1);
    EXPECT_EQ(sim.calls("getuserphonenumber"), 4);
}

TEST_F(login_test, a_rejected_access_token_is_replaced_and_the_call_retried) {
    start();
    const auto openid = fresh_openid();
    auto ok = login(sim.login_code(openid));
    const auto token = std::string(ok.json().at("token").as_string());
    ASSERT_EQ(post_json(server->port(), "/api/v1/me/phone", {{"code", sim.phone_code(openid, "13600000001")}}, token).status, 200);
    sim.revoke_access_token();  // as if another system force-refreshed it
    auto again = post_json(server->port(), "/api/v1/me/phone", {{"code", sim.phone_code(openid, "13600000002")}}, token);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(sim.calls("stable_token"), 2);
    EXPECT_EQ(sim.calls("getuserphonenumber"), 3);  // first, refused with 40001, retried
}

TEST_F(login_test, logins_are_rate_limited_per_openid) {
    start({{"SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_OPENID", std::string("2")}});
    const auto openid = fresh_openid();
    EXPECT_EQ(login(sim.login_code(openid)).status, 200);
    EXPECT_EQ(login(sim.login_code(openid)).status, 200);
    auto third = login(sim.login_code(openid));
    EXPECT_EQ(third.status, 429) << third.body;
    EXPECT_EQ(error_code(third), "rate_limited");
    EXPECT_FALSE(third.header("retry-after").empty());
    EXPECT_EQ(login(sim.login_code(fresh_openid())).status, 200) << "another user is not limited";
}

TEST_F(login_test, logins_are_rate_limited_per_address) {
    auto env = sim.server_environment();
    env.push_back({"SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_IP", std::string("1")});
    // A scratch Redis database keeps this address's counter away from the other tests'.
    env.push_back({"SHAREDSTORE_REDIS_DATABASE", std::string("7")});
    server = std::make_unique<server_process>(std::move(env));
    // The fixed window may turn between two logins; within three, one must be refused.
    int allowed = 0;
    http_reply refused;
    for (int i = 0; i < 3 && refused.status == 0; ++i) {
        auto reply = login(sim.login_code(fresh_openid()));
        if (reply.status == 200) ++allowed;
        else refused = reply;
    }
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    EXPECT_EQ(sim.calls("jscode2session"), allowed) << "a refused address never reaches WeChat";
}

TEST_F(login_test, the_login_body_is_strict) {
    start();
    auto unknown = post_json(server->port(), "/api/v1/auth/wechat/login", {{"code", "x"}, {"extra", 1}});
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(error_code(unknown), "unknown_field");
    auto missing = post_json(server->port(), "/api/v1/auth/wechat/login", {{"js_code", "x"}});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(error_code(missing), "missing_field");
    auto wrong_type = post_json(server->port(), "/api/v1/auth/wechat/login", {{"code", 12}});
    EXPECT_EQ(wrong_type.status, 400);
    EXPECT_EQ(error_code(wrong_type), "invalid_field");
    auto not_json = http_call(server->port(), "POST", "/api/v1/auth/wechat/login", "code=x", {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(not_json.status, 415);
}

}  // namespace
