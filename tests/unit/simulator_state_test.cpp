#include "common/utf8.hpp"
#include "wechat/simulator/qr_image.hpp"
#include "wechat/simulator/simulator_state.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace sharedstore::simulator;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

int errcode_of(const json::object& answer) {
    auto it = answer.find("errcode");
    return it == answer.end() ? 0 : static_cast<int>(it->value().as_int64());
}

class simulator_state_test : public ::testing::Test {
protected:
    simulator_state state{simulator_config{"wxapp", "secret", 7200s}};
    time_point t0 = std::chrono::system_clock::now();

    std::string token_at(time_point now, bool force = false) {
        auto answer = state.stable_token({{"grant_type", "client_credential"}, {"appid", "wxapp"}, {"secret", "secret"}, {"force_refresh", force}}, now);
        EXPECT_EQ(errcode_of(answer), 0) << json::serialize(answer);
        return answer.contains("access_token") ? std::string(answer.at("access_token").as_string()) : "";
    }
};

TEST_F(simulator_state_test, login_codes_work_once_and_expire_after_five_minutes) {
    auto code = state.issue_login_code("o1", "u1", t0);
    auto ok = state.jscode2session("wxapp", "secret", code, "authorization_code", t0 + 1s);
    EXPECT_EQ(errcode_of(ok), 0);
    EXPECT_FALSE(ok.contains("errcode")) << "like WeChat, success has no errcode";
    EXPECT_EQ(ok.at("openid").as_string(), "o1");
    EXPECT_EQ(ok.at("unionid").as_string(), "u1");
    EXPECT_EQ(errcode_of(state.jscode2session("wxapp", "secret", code, "authorization_code", t0 + 2s)), 40163);
    auto late = state.issue_login_code("o2", "", t0);
    EXPECT_EQ(errcode_of(state.jscode2session("wxapp", "secret", late, "authorization_code", t0 + 301s)), 40029);
    auto no_union = state.jscode2session("wxapp", "secret", state.issue_login_code("o3", "", t0), "authorization_code", t0);
    EXPECT_FALSE(no_union.contains("unionid"));
}

TEST_F(simulator_state_test, jscode2session_checks_appid_secret_and_grant_type) {
    auto code = state.issue_login_code("o1", "", t0);
    EXPECT_EQ(errcode_of(state.jscode2session("wxother", "secret", code, "authorization_code", t0)), 40013);
    EXPECT_EQ(errcode_of(state.jscode2session("wxapp", "wrong", code, "authorization_code", t0)), 40125);
    EXPECT_EQ(errcode_of(state.jscode2session("wxapp", "secret", code, "client_credential", t0)), 40002);
}

TEST_F(simulator_state_test, stable_token_is_stable_until_its_last_five_minutes) {
    auto first = token_at(t0);
    EXPECT_EQ(token_at(t0 + 1h), first);
    auto next = token_at(t0 + 7200s - 4min);  // inside the last 5 minutes: a new token ...
    EXPECT_NE(next, first);
    EXPECT_EQ(state.check_access_token(first, t0 + 7200s - 1min), 0);  // ... and the old one still works
    EXPECT_NE(state.check_access_token(first, t0 + 7201s), 0);
    EXPECT_EQ(state.check_access_token(next, t0 + 7201s), 0);
    EXPECT_EQ(state.check_access_token("forged", t0), 40001);
    EXPECT_EQ(state.check_access_token("", t0), 41001);
}

TEST_F(simulator_state_test, force_refresh_invalidates_and_is_spaced_30_seconds) {
    auto first = token_at(t0);
    auto forced = token_at(t0 + 1s, true);
    EXPECT_NE(forced, first);
    EXPECT_NE(state.check_access_token(first, t0 + 2s), 0);
    auto too_soon = state.stable_token({{"grant_type", "client_credential"}, {"appid", "wxapp"}, {"secret", "secret"}, {"force_refresh", true}}, t0 + 10s);
    EXPECT_EQ(errcode_of(too_soon), 45009);
}

TEST_F(simulator_state_test, phone_codes_return_watermarked_phone_info_once) {
    auto token = token_at(t0);
    auto code = state.issue_phone_code("o1", "13812345678", "86", t0);
    auto ok = state.get_user_phone_number(token, {{"code", code}}, t0);
    ASSERT_EQ(errcode_of(ok), 0);
    const auto& info = ok.at("phone_info").as_object();
    EXPECT_EQ(info.at("purePhoneNumber").as_string(), "13812345678");
    EXPECT_EQ(info.at("countryCode").as_string(), "86");
    EXPECT_EQ(info.at("watermark").at("appid").as_string(), "wxapp");
    EXPECT_EQ(errcode_of(state.get_user_phone_number(token, {{"code", code}}, t0)), 40029);
    EXPECT_EQ(errcode_of(state.get_user_phone_number("bad", {{"code", code}}, t0)), 40001);
}

TEST_F(simulator_state_test, wxacode_checks_scene_and_page) {
    auto token = token_at(t0);
    EXPECT_FALSE(state.check_wxacode(token, {{"scene", "s=AbC123"}, {"page", "pages/card/index"}}, t0));
    EXPECT_EQ(errcode_of(*state.check_wxacode(token, {{"scene", std::string(33, 'a')}, {"page", "pages/a"}}, t0)), 40129);
    EXPECT_EQ(errcode_of(*state.check_wxacode(token, {{"scene", "has space"}, {"page", "pages/a"}}, t0)), 40129);
    EXPECT_EQ(errcode_of(*state.check_wxacode(token, {{"scene", "x"}, {"page", "/pages/a"}}, t0)), 41030);
    EXPECT_EQ(errcode_of(*state.check_wxacode(token, {{"scene", "x"}, {"page", "pages/a?x=1"}}, t0)), 41030);
    EXPECT_EQ(errcode_of(*state.check_wxacode(token, {{"scene", "x"}, {"page", "other/a"}}, t0)), 41030);
    EXPECT_FALSE(state.check_wxacode(token, {{"scene", "x"}, {"page", "other/a"}, {"check_path", false}}, t0));
}

TEST_F(simulator_state_test, subscribe_messages_need_quota_and_respect_value_limits) {
    auto token = token_at(t0);
    state.issue_login_code("o1", "", t0);
    auto message = [](std::string thing) {
        return json::object{{"touser", "o1"}, {"template_id", "T1"}, {"page", "pages/index"},
                            {"data", json::object{{"thing1", json::object{{"value", thing}}}, {"amount2", json::object{{"value", "¥12.50"}}}}}};
    };
    EXPECT_EQ(errcode_of(state.send_subscribe_message(token, message("ok"), t0)), 43101);
    state.grant_subscription("o1", "T1", 1);
    EXPECT_EQ(errcode_of(state.send_subscribe_message(token, message(std::string(21, 'x')), t0)), 47003);
    EXPECT_EQ(errcode_of(state.send_subscribe_message(token, message("二十个字以内的中文事项说明可以通过"), t0)), 0);
    EXPECT_EQ(errcode_of(state.send_subscribe_message(token, message("again"), t0)), 43101) << "one send per acceptance";
    ASSERT_EQ(state.messages_to("o1").size(), 1u);
    EXPECT_EQ(state.messages_to("o1")[0].data.at("amount2"), "¥12.50");
    json::object unknown_user = message("x");
    unknown_user["touser"] = "nobody";
    EXPECT_EQ(errcode_of(state.send_subscribe_message(token, unknown_user, t0)), 40003);
}

TEST_F(simulator_state_test, faults_are_taken_in_order_then_gone) {
    fault rate_limited;
    rate_limited.errcode = 45011;
    state.add_faults("jscode2session", rate_limited, 2);
    EXPECT_EQ(state.take_fault("jscode2session")->errcode, 45011);
    EXPECT_EQ(state.take_fault("jscode2session")->errcode, 45011);
    EXPECT_FALSE(state.take_fault("jscode2session"));
    EXPECT_FALSE(state.take_fault("stable_token"));
}

TEST(simulator_helpers, utf8_length_and_scene_alphabet) {
    EXPECT_EQ(sharedstore::utf8_length("abc"), 3u);
    EXPECT_EQ(sharedstore::utf8_length("分红提醒"), 4u);
    EXPECT_TRUE(valid_scene("s=A1&p=2~x"));
    EXPECT_FALSE(valid_scene(""));
    EXPECT_FALSE(valid_scene("中文"));
}

TEST(simulator_helpers, qr_png_is_a_png_carrying_scene_and_page) {
    auto png = make_qr_png("s=abc", "pages/card/index");
    ASSERT_GT(png.size(), 100u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_NE(png.find(std::string("scene") + '\0' + "s=abc"), std::string::npos);
    EXPECT_NE(png.find(std::string("page") + '\0' + "pages/card/index"), std::string::npos);
    EXPECT_NE(make_qr_png("s=abd", "pages/card/index"), png);
}

}  // namespace
