// The simulator's merchant transfer API without its HTTP face: WeChat's checks of a create, one
// bill per number, and the bill's state machine (every transition the simulator allows, and the
// ones it refuses), with `now` moved by hand instead of waiting 24 hours.
#include "common/random_token.hpp"
#include "tests/support/test_keys.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/pay_notification.hpp"
#include "wechat/simulator/transfer_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::simulator;
using wechat_pay::transfer_state;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string apiv3_key = "0123456789abcdef0123456789abcdef";

// One key pair plays merchant, platform certificate and WeChat Pay public key; serials tell them apart.
class transfer_simulator_test : public ::testing::Test {
protected:
    wechat_pay::private_key key = wechat_pay::private_key::from_pem(test_support::test_private_key);
    wechat_pay::public_key public_key = wechat_pay::public_key::from_pem(test_support::test_public_key);
    pay_simulator pay{pay_config{"wxapp", "1900000001", "MERCHANTSERIAL", public_key, key, "PLATFORMSERIAL", apiv3_key}};
    transfer_simulator transfers{pay, transfer_settings{.confirm_window = 24h, .min_fen = 10, .max_fen = 5000000}};
    wechat_pay::signature_verifier verifier{{{"PLATFORMSERIAL", public_key}}, apiv3_key};
    pay_time_point now = std::chrono::system_clock::now();

    http_request signed_request(const std::string& method, const std::string& target, const std::string& body,
                                const std::string& wechatpay_serial = "") {
        http_request r;
        r.method = method;
        r.target = target;
        r.path = target;
        r.body = body;
        const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
        const auto nonce = random_hex(16);
        wechat_pay::authorization a{"1900000001", nonce, key.sign(wechat_pay::request_message(method, target, timestamp, nonce, body)),
                                    timestamp, "MERCHANTSERIAL"};
        r.headers = {{"authorization", wechat_pay::format_authorization(a)}, {"user-agent", "sharedstore-test"}, {"accept", "application/json"}};
        if (!wechatpay_serial.empty()) r.headers.emplace_back("wechatpay-serial", wechatpay_serial);
        return r;
    }

    static json::object bill_body(const std::string& out_bill_no, std::int64_t amount = 1234) {
        return json::object{{"appid", "wxapp"},
                            {"out_bill_no", out_bill_no},
                            {"transfer_scene_id", "1005"},
                            {"openid", "oPartner"},
                            {"transfer_amount", amount},
                            {"transfer_remark", "门店分红提现"},
                            {"notify_url", "https://shop.example/api/v1/wechat/transfer/notify"},
                            {"user_recv_perception", "劳务报酬"},
                            {"transfer_scene_report_infos", json::array{json::object{{"info_type", "岗位类型"}, {"info_content", "门店合伙人"}},
                                                                        json::object{{"info_type", "报酬说明"}, {"info_content", "11月分红"}}}}};
    }

    transfer_answer create(const json::object& body, const std::string& serial = "") {
        return transfers.create(signed_request("POST", "/v3/fund-app/mch-transfer/transfer-bills", json::serialize(body), serial), now);
    }
    transfer_answer create_text(const std::string& body) {
        return transfers.create(signed_request("POST", "/v3/fund-app/mch-transfer/transfer-bills", body), now);
    }
    json::object query(const std::string& out_bill_no) {
        auto answer = transfers.query(signed_request("GET", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/" + out_bill_no, ""),
                                      out_bill_no, now);
        return json::parse(answer.response.body).as_object();
    }
    transfer_answer cancel(const std::string& out_bill_no) {
        return transfers.cancel(signed_request("POST", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/" + out_bill_no + "/cancel", ""),
                                out_bill_no, now);
    }
    // A waiting bill's package.
    std::string waiting_bill(const std::string& out_bill_no, std::int64_t amount = 1234) {
        auto answer = create(bill_body(out_bill_no, amount));
        EXPECT_EQ(answer.response.status, 200) << answer.response.body;
        return std::string(json::parse(answer.response.body).at("package_info").as_string());
    }
    // The only notification among `events`, opened as the server opens it.
    wechat_pay::transfer_bill notified(const std::vector<transfer_event>& events) {
        EXPECT_EQ(events.size(), 1u);
        if (events.empty()) return {};
        EXPECT_EQ(events[0].notification.url, "https://shop.example/api/v1/wechat/transfer/notify");
        auto opened = verifier.decrypt_transfer_notification(events[0].notification.body);
        EXPECT_TRUE(opened);
        if (!opened) return {};
        EXPECT_EQ(opened.value().event_type, "MCHTRANSFER.BILL.FINISHED");
        auto envelope = json::parse(events[0].notification.body).as_object();
        EXPECT_EQ(envelope.at("resource").at("original_type").as_string(), "mch_payment");
        return opened.value().bill;
    }
    static std::vector<transfer_event> events_of(std::variant<std::vector<transfer_event>, std::string> outcome) {
        EXPECT_TRUE(std::holds_alternative<std::vector<transfer_event>>(outcome)) << std::get<std::string>(outcome);
        return std::holds_alternative<std::vector<transfer_event>>(outcome) ? std::get<0>(std::move(outcome)) : std::vector<transfer_event>{};
    }
    static std::string code_of(const transfer_answer& a) { return std::string(json::parse(a.response.body).at("code").as_string()); }
};

TEST_F(transfer_simulator_test, a_valid_create_waits_for_the_payee_with_a_package_in_a_signed_answer) {
    auto answer = create(bill_body("PB1"));
    ASSERT_EQ(answer.response.status, 200) << answer.response.body;
    EXPECT_TRUE(answer.created);
    auto body = json::parse(answer.response.body).as_object();
    EXPECT_EQ(body.at("out_bill_no").as_string(), "PB1");
    EXPECT_EQ(body.at("state").as_string(), "WAIT_USER_CONFIRM");
    EXPECT_EQ(body.at("transfer_bill_no").as_string().size(), 40u);
    EXPECT_FALSE(body.at("package_info").as_string().empty());
    EXPECT_TRUE(body.contains("create_time"));
    std::map<std::string, std::string> h(answer.response.headers.begin(), answer.response.headers.end());
    EXPECT_EQ(h["Wechatpay-Serial"], "PLATFORMSERIAL");
    EXPECT_TRUE(public_key.verify(wechat_pay::response_message(h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], answer.response.body),
                                  h["Wechatpay-Signature"]));
}

TEST_F(transfer_simulator_test, creates_are_checked_as_wechat_checks_them) {
    struct bad_case {
        const char* what;
        void (*spoil)(json::object&);
        int status;
        const char* code;
    };
    const bad_case cases[] = {
        {"another appid", [](json::object& b) { b["appid"] = "wxother"; }, 400, "INVALID_REQUEST"},
        {"no appid", [](json::object& b) { b.erase("appid"); }, 400, "PARAM_ERROR"},
        {"number with an underscore", [](json::object& b) { b["out_bill_no"] = "PB_1"; }, 400, "PARAM_ERROR"},
        {"33-character number", [](json::object& b) { b["out_bill_no"] = std::string(33, '7'); }, 400, "PARAM_ERROR"},
        {"scene not granted", [](json::object& b) { b["transfer_scene_id"] = "1006"; }, 400, "INVALID_REQUEST"},
        {"no openid", [](json::object& b) { b.erase("openid"); }, 400, "PARAM_ERROR"},
        {"amount as a string", [](json::object& b) { b["transfer_amount"] = "1234"; }, 400, "PARAM_ERROR"},
        {"9 fen", [](json::object& b) { b["transfer_amount"] = 9; }, 400, "INVALID_REQUEST"},
        {"above the scene's range", [](json::object& b) { b["transfer_amount"] = 5000001; }, 400, "INVALID_REQUEST"},
        {"33-character remark", [](json::object& b) { b["transfer_remark"] = std::string(33, 'r'); }, 400, "PARAM_ERROR"},
        {"notify_url with a query", [](json::object& b) { b["notify_url"] = "https://shop.example/notify?x=1"; }, 400, "PARAM_ERROR"},
        {"plain http to another host", [](json::object& b) { b["notify_url"] = "http://shop.example/notify"; }, 400, "PARAM_ERROR"},
        {"a perception the scene does not show", [](json::object& b) { b["user_recv_perception"] = "佣金报酬"; }, 400, "INVALID_REQUEST"},
        {"no report infos", [](json::object& b) { b.erase("transfer_scene_report_infos"); }, 400, "PARAM_ERROR"},
        {"empty report infos", [](json::object& b) { b["transfer_scene_report_infos"] = json::array{}; }, 400, "PARAM_ERROR"},
        {"another scene's report infos",
         [](json::object& b) {
             b["transfer_scene_report_infos"] = json::array{json::object{{"info_type", "活动名称"}, {"info_content", "x"}},
                                                            json::object{{"info_type", "奖励说明"}, {"info_content", "y"}}};
         },
         400, "PARAM_ERROR"},
        {"an unknown field", [](json::object& b) { b["mchid"] = "1900000001"; }, 400, "PARAM_ERROR"},
        {"2,000 yuan without a name", [](json::object& b) { b["transfer_amount"] = 200000; }, 400, "PARAM_ERROR"},
        {"a name below 0.3 yuan", [](json::object& b) { b["transfer_amount"] = 29; b["user_name"] = "x"; }, 400, "PARAM_ERROR"},
        {"a name without Wechatpay-Serial", [](json::object& b) { b["user_name"] = "x"; }, 400, "PARAM_ERROR"},
    };
    for (const auto& c : cases) {
        auto body = bill_body("PBCHECK");
        c.spoil(body);
        auto answer = create(body);
        EXPECT_EQ(answer.response.status, c.status) << c.what << ": " << answer.response.body;
        EXPECT_EQ(code_of(answer), c.code) << c.what;
        EXPECT_FALSE(answer.created) << c.what;
    }
    EXPECT_EQ(create_text(R"({"appid":"wxapp","appid":"wxapp"})").response.status, 400);  // a duplicate key
    EXPECT_EQ(create_text("[]").response.status, 400);
    EXPECT_EQ(transfers.list().size(), 0u) << "no refused create leaves a bill";
    auto local = bill_body("PBLOCAL");
    local["notify_url"] = "http://127.0.0.1:8080/api/v1/wechat/transfer/notify";  // the simulator's merchants listen there
    EXPECT_EQ(create(local).response.status, 200);
}

TEST_F(transfer_simulator_test, the_name_must_open_with_the_key_wechatpay_serial_names) {
    auto body = bill_body("PBNAME", 250000);
    body["user_name"] = *public_key.encrypt_oaep("张三");
    EXPECT_EQ(code_of(create(body, "NOSUCHSERIAL")), "PARAM_ERROR");
    auto garbled = body;
    garbled["user_name"] = "AAAA";
    EXPECT_EQ(code_of(create(garbled, "PLATFORMSERIAL")), "PARAM_ERROR");
    auto accepted = create(body, "platformserial");  // serials match ignoring case, as WeChat's
    ASSERT_EQ(accepted.response.status, 200) << accepted.response.body;
    EXPECT_EQ(transfers.find("PBNAME")->user_name, "张三");
    // In public-key mode only the public key id names a key.
    pay_config public_mode{"wxapp", "1900000001", "MERCHANTSERIAL", public_key, key, "PLATFORMSERIAL", apiv3_key};
    public_mode.signing = signing_mode::public_key;
    public_mode.public_key_signer = key;
    public_mode.public_key_id = "PUB_KEY_ID_0000000001";
    pay_simulator public_pay(public_mode);
    EXPECT_EQ(public_pay.sensitive_field_key("PLATFORMSERIAL"), nullptr);
    EXPECT_NE(public_pay.sensitive_field_key("PUB_KEY_ID_0000000001"), nullptr);
}

TEST_F(transfer_simulator_test, the_same_number_with_the_same_fields_is_the_same_bill_and_with_others_is_refused) {
    auto body = bill_body("PBSAME", 300000);
    body["user_name"] = *public_key.encrypt_oaep("李四");
    auto first = create(body, "PLATFORMSERIAL");
    ASSERT_EQ(first.response.status, 200) << first.response.body;
    // The name sealed again gives another ciphertext: still the same bill.
    body["user_name"] = *public_key.encrypt_oaep("李四");
    auto again = create(body, "PLATFORMSERIAL");
    ASSERT_EQ(again.response.status, 200) << again.response.body;
    EXPECT_FALSE(again.created);
    EXPECT_EQ(json::parse(again.response.body).at("transfer_bill_no"), json::parse(first.response.body).at("transfer_bill_no"));
    EXPECT_EQ(json::parse(again.response.body).at("package_info"), json::parse(first.response.body).at("package_info"));
    body["user_name"] = *public_key.encrypt_oaep("王五");
    auto other_name = create(body, "PLATFORMSERIAL");
    EXPECT_EQ(other_name.response.status, 400);
    EXPECT_EQ(code_of(other_name), "INVALID_REQUEST");
    auto other_amount = bill_body("PBSAME", 300001);
    other_amount["user_name"] = *public_key.encrypt_oaep("李四");
    EXPECT_EQ(code_of(create(other_amount, "PLATFORMSERIAL")), "INVALID_REQUEST");
    EXPECT_EQ(transfers.list().size(), 1u);
}

TEST_F(transfer_simulator_test, a_confirmed_bill_transfers_then_succeeds_and_is_notified) {
    const auto package = waiting_bill("PBOK");
    auto events = events_of(transfers.confirm(package, confirmation{}, now));
    auto bill = notified(events);
    EXPECT_EQ(bill.state, transfer_state::success);
    EXPECT_EQ(bill.out_bill_no, "PBOK");
    EXPECT_EQ(bill.amount_fen, 1234);
    EXPECT_EQ(bill.openid, "oPartner");
    EXPECT_EQ(bill.mch_id, "1900000001");
    EXPECT_EQ(query("PBOK").at("state").as_string(), "SUCCESS");
    // A used package opens nothing, and a paid bill cannot be cancelled or closed.
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.confirm(package, confirmation{}, now)));
    EXPECT_EQ(code_of(cancel("PBOK")), "INVALID_REQUEST");
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.expire("PBOK", now)));
    EXPECT_TRUE(transfers.close_expired(now + 25h).empty());
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.decline("PBOK", now)));
}

TEST_F(transfer_simulator_test, a_bill_can_be_held_transfering_and_can_fail_after_confirmation) {
    waiting_bill("PBHOLD");
    confirmation held;
    held.settle_now = false;
    EXPECT_TRUE(events_of(transfers.confirm("PBHOLD", held, now)).empty());
    EXPECT_EQ(query("PBHOLD").at("state").as_string(), "TRANSFERING");
    EXPECT_EQ(code_of(cancel("PBHOLD")), "INVALID_REQUEST") << "confirmed: too late to cancel";
    EXPECT_TRUE(transfers.close_expired(now + 25h).empty()) << "a confirmed bill is not closed by the 24 h rule";
    auto bill = notified(events_of(transfers.settle("PBHOLD", now)));
    EXPECT_EQ(bill.state, transfer_state::success);
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.settle("PBHOLD", now)));

    waiting_bill("PBFAIL");
    confirmation failing;
    failing.result = transfer_state::fail;
    failing.fail_reason = "NAME_NOT_CORRECT";
    auto failed = notified(events_of(transfers.confirm("PBFAIL", failing, now)));
    EXPECT_EQ(failed.state, transfer_state::fail);
    EXPECT_EQ(failed.fail_reason, "NAME_NOT_CORRECT");
    EXPECT_EQ(query("PBFAIL").at("fail_reason").as_string(), "NAME_NOT_CORRECT");
}

TEST_F(transfer_simulator_test, only_the_payee_can_confirm) {
    waiting_bill("PBWHO");
    confirmation stranger;
    stranger.openid = "oSomeoneElse";
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.confirm("PBWHO", stranger, now)));
    EXPECT_EQ(query("PBWHO").at("state").as_string(), "WAIT_USER_CONFIRM");
    confirmation payee;
    payee.openid = "oPartner";
    EXPECT_EQ(notified(events_of(transfers.confirm("PBWHO", payee, now))).state, transfer_state::success);
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.confirm("PBNOSUCH", payee, now)));
}

TEST_F(transfer_simulator_test, a_declined_bill_keeps_waiting_and_closes_as_fail_after_24_hours) {
    const auto package = waiting_bill("PBDECLINE");
    EXPECT_TRUE(events_of(transfers.decline(package, now)).empty());
    EXPECT_EQ(transfers.find("PBDECLINE")->declines, 1);
    EXPECT_EQ(query("PBDECLINE").at("state").as_string(), "WAIT_USER_CONFIRM");
    EXPECT_TRUE(transfers.close_expired(now + 24h - 1s).empty());
    auto bill = notified(transfers.close_expired(now + 24h));
    EXPECT_EQ(bill.state, transfer_state::fail);
    EXPECT_EQ(bill.fail_reason, "OVERDUE_CLOSE");
    EXPECT_TRUE(transfers.close_expired(now + 48h).empty()) << "closed once";
    // The expired package opens nothing; a cancel of a failed bill is refused.
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.confirm(package, confirmation{}, now + 24h)));
    EXPECT_EQ(code_of(cancel("PBDECLINE")), "INVALID_REQUEST");
}

TEST_F(transfer_simulator_test, a_confirmation_after_the_window_finds_the_bill_closed) {
    const auto package = waiting_bill("PBLATE");
    auto outcome = transfers.confirm(package, confirmation{}, now + 25h);
    ASSERT_TRUE(std::holds_alternative<std::string>(outcome));
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.decline(package, now + 25h)));
    EXPECT_EQ(notified(transfers.close_expired(now + 25h)).state, transfer_state::fail);
}

TEST_F(transfer_simulator_test, the_close_can_be_played_at_once) {
    waiting_bill("PBEXPIRE");
    EXPECT_EQ(notified(events_of(transfers.expire("PBEXPIRE", now))).state, transfer_state::fail);
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.expire("PBEXPIRE", now)));
}

TEST_F(transfer_simulator_test, a_waiting_bill_is_cancelled_through_canceling_and_cancelling_again_changes_nothing) {
    waiting_bill("PBCANCEL");
    auto cancelled = cancel("PBCANCEL");
    ASSERT_EQ(cancelled.response.status, 200) << cancelled.response.body;
    auto answer = json::parse(cancelled.response.body).as_object();
    EXPECT_EQ(answer.at("state").as_string(), "CANCELING");
    EXPECT_EQ(answer.at("out_bill_no").as_string(), "PBCANCEL");
    EXPECT_TRUE(answer.contains("update_time"));
    EXPECT_EQ(notified(cancelled.events).state, transfer_state::cancelled);
    EXPECT_EQ(query("PBCANCEL").at("state").as_string(), "CANCELLED");
    auto again = cancel("PBCANCEL");
    EXPECT_EQ(again.response.status, 200);
    EXPECT_EQ(json::parse(again.response.body).at("state").as_string(), "CANCELLED");
    EXPECT_TRUE(again.events.empty());
    EXPECT_TRUE(std::holds_alternative<std::string>(transfers.confirm("PBCANCEL", confirmation{}, now)));
    EXPECT_TRUE(transfers.close_expired(now + 25h).empty());
    EXPECT_EQ(cancel("PBNOSUCH").response.status, 404);
    auto with_body = transfers.cancel(signed_request("POST", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/PBX/cancel", R"({"x":1})"),
                                      "PBX", now);
    EXPECT_EQ(with_body.response.status, 400);
}

TEST_F(transfer_simulator_test, a_repeat_create_of_a_finished_bill_answers_it_and_makes_no_new_one) {
    waiting_bill("PBDONE");
    events_of(transfers.expire("PBDONE", now));
    auto again = create(bill_body("PBDONE"));
    ASSERT_EQ(again.response.status, 200);
    EXPECT_FALSE(again.created);
    auto body = json::parse(again.response.body).as_object();
    EXPECT_EQ(body.at("state").as_string(), "FAIL");
    EXPECT_EQ(body.at("fail_reason").as_string(), "OVERDUE_CLOSE");
    EXPECT_FALSE(body.contains("package_info"));
}

TEST_F(transfer_simulator_test, queries_find_bills_by_either_number_and_say_not_found_otherwise) {
    waiting_bill("PBQUERY");
    auto bill = query("PBQUERY");
    EXPECT_EQ(bill.at("mch_id").as_string(), "1900000001");
    EXPECT_EQ(bill.at("appid").as_string(), "wxapp");
    EXPECT_EQ(bill.at("transfer_amount").as_int64(), 1234);
    EXPECT_EQ(bill.at("transfer_remark").as_string(), "门店分红提现");
    EXPECT_FALSE(bill.contains("fail_reason"));
    const auto transfer_bill_no = std::string(bill.at("transfer_bill_no").as_string());
    auto by_wechat = transfers.query_by_transfer_bill_no(
        signed_request("GET", "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/" + transfer_bill_no, ""), transfer_bill_no, now);
    EXPECT_EQ(json::parse(by_wechat.response.body).at("out_bill_no").as_string(), "PBQUERY");
    auto missing = transfers.query(signed_request("GET", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/PBNONE", ""), "PBNONE", now);
    EXPECT_EQ(missing.response.status, 404);
    EXPECT_EQ(code_of(missing), "NOT_FOUND");
    auto unsigned_query = signed_request("GET", "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/PBQUERY", "");
    unsigned_query.headers.erase(unsigned_query.headers.begin());
    EXPECT_EQ(transfers.query(unsigned_query, "PBQUERY", now).response.status, 401);
}

TEST_F(transfer_simulator_test, an_accepted_answer_has_no_package_until_the_bill_is_looked_at_again) {
    transfers.set_answer_state(transfer_state::accepted);
    auto answer = create(bill_body("PBACCEPT"));
    ASSERT_EQ(answer.response.status, 200);
    auto body = json::parse(answer.response.body).as_object();
    EXPECT_EQ(body.at("state").as_string(), "ACCEPTED");
    EXPECT_FALSE(body.contains("package_info"));
    EXPECT_EQ(query("PBACCEPT").at("state").as_string(), "WAIT_USER_CONFIRM");
    auto again = json::parse(create(bill_body("PBACCEPT")).response.body).as_object();
    EXPECT_EQ(again.at("state").as_string(), "WAIT_USER_CONFIRM");
    EXPECT_FALSE(again.at("package_info").as_string().empty());
}

TEST_F(transfer_simulator_test, a_bill_without_notify_url_is_never_notified) {
    auto body = bill_body("PBQUIET");
    body.erase("notify_url");
    ASSERT_EQ(create(body).response.status, 200);
    EXPECT_TRUE(events_of(transfers.confirm("PBQUIET", confirmation{}, now)).empty());
    EXPECT_EQ(transfers.find("PBQUIET")->state, transfer_state::success);
}

}  // namespace
