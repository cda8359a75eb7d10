#include "wechat/simulator/transfer_simulator.hpp"

#include "common/json_duplicates.hpp"
#include "common/random_token.hpp"
#include "common/utf8.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace sharedstore::simulator {

namespace json = boost::json;
using wechat_pay::transfer_state;

namespace {

// WeChat's reason of the 24 h close is not documented for this API; this one is the batch
// transfer API's "closed after the retry period" (docs/simulator.md).
constexpr const char* expired_reason = "OVERDUE_CLOSE";

bool letters_and_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

// https, or http to this machine (the simulator's merchants listen on loopback without TLS).
bool acceptable_notify_url(const std::string& url) {
    if (url.size() > 256 || url.find('?') != std::string::npos || url.find('#') != std::string::npos) return false;
    if (url.rfind("https://", 0) == 0) return url.size() > 8;
    for (const char* local : {"http://127.0.0.1", "http://localhost", "http://[::1]"})
        if (url.rfind(local, 0) == 0 && (url.size() == std::string_view(local).size() || url[std::string_view(local).size()] == ':' ||
                                         url[std::string_view(local).size()] == '/'))
            return true;
    return false;
}

std::string digits(std::size_t n) {
    std::string out;
    while (out.size() < n)
        for (char c : random_hex(16))
            if (out.size() < n) out += static_cast<char>('0' + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a') % 10);
    return out;
}

}  // namespace

const transfer_scene* granted_scene(const std::string& scene_id) {
    static const std::map<std::string, transfer_scene> scenes{
        {"1000", {{"活动名称", "奖励说明"}, {"活动奖励", "现金奖励"}}},
        {"1005", {{"岗位类型", "报酬说明"}, {"劳务报酬"}}},
    };
    auto it = scenes.find(scene_id);
    return it == scenes.end() ? nullptr : &it->second;
}

transfer_simulator::transfer_simulator(pay_simulator& pay, transfer_settings settings) : pay_(pay), settings_(settings) {}

std::optional<http_response> transfer_simulator::check_create(const http_request& request, pay_time_point now, transfer_record& r) {
    auto refuse = [&](const std::string& field, const std::string& issue) { return pay_.param_error(field, issue, now, request); };
    auto invalid = [&](const std::string& message) { return pay_.error(400, "INVALID_REQUEST", message, now, request); };
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return refuse("/", "body is not a JSON object");
    if (auto duplicate = first_duplicate_key(request.body)) return refuse("/" + *duplicate, "appears twice");
    const auto& body = value.as_object();
    static const std::set<std::string, std::less<>> known{"appid", "out_bill_no", "transfer_scene_id", "openid", "user_name",
                                                          "transfer_amount", "transfer_remark", "notify_url", "user_recv_perception",
                                                          "transfer_scene_report_infos"};
    for (const auto& field : body)
        if (!known.count(field.key())) return refuse("/" + std::string(field.key()), "unknown field");
    for (const char* field : {"appid", "out_bill_no", "transfer_scene_id", "openid", "user_name", "transfer_remark", "notify_url",
                              "user_recv_perception"})
        if (body.contains(field) && !body.at(field).is_string()) return refuse(std::string("/") + field, "must be a string");

    if (string_of(body, "appid").empty()) return refuse("/appid", "is required");
    if (string_of(body, "appid") != pay_.config().appid) return invalid("appid与商户号不匹配");
    r.out_bill_no = string_of(body, "out_bill_no");
    if (r.out_bill_no.empty() || r.out_bill_no.size() > 32 || !letters_and_digits(r.out_bill_no))
        return refuse("/out_bill_no", "must be 1-32 digits and letters");
    r.scene_id = string_of(body, "transfer_scene_id");
    if (r.scene_id.empty()) return refuse("/transfer_scene_id", "is required");
    const auto* scene = granted_scene(r.scene_id);
    if (!scene) return invalid("你尚未获取该转账场景");
    r.openid = string_of(body, "openid");
    if (r.openid.empty() || r.openid.size() > 64) return refuse("/openid", "must be 1-64 characters");
    auto amount = body.find("transfer_amount");
    if (amount == body.end() || !amount->value().is_int64()) return refuse("/transfer_amount", "must be an integer (fen)");
    r.amount = amount->value().as_int64();
    if (r.amount < settings_.min_fen || r.amount > settings_.max_fen) return invalid("超过单笔转账上下限");
    r.remark = string_of(body, "transfer_remark");
    if (r.remark.empty() || utf8_length(r.remark) > 32) return refuse("/transfer_remark", "must be 1-32 characters");
    r.notify_url = string_of(body, "notify_url");
    if (body.contains("notify_url") && !acceptable_notify_url(r.notify_url))
        return refuse("/notify_url", "must be an https URL without a query");
    if (body.contains("user_recv_perception")) {
        const auto perception = string_of(body, "user_recv_perception");
        if (std::find(scene->perceptions.begin(), scene->perceptions.end(), perception) == scene->perceptions.end())
            return invalid("暂不支持展示当前传入的用户收款感知");
    }
    // Each of the scene's info types exactly once, each with content.
    auto infos = body.find("transfer_scene_report_infos");
    if (infos == body.end() || !infos->value().is_array() || infos->value().as_array().empty())
        return refuse("/transfer_scene_report_infos", "需传入转账场景报备信息，请检查");
    std::vector<std::string> types;
    for (const auto& info : infos->value().as_array()) {
        if (!info.is_object() || info.as_object().size() != 2 || string_of(info.as_object(), "info_type").empty() ||
            string_of(info.as_object(), "info_content").empty())
            return refuse("/transfer_scene_report_infos", "each entry is {info_type, info_content}");
        types.push_back(string_of(info.as_object(), "info_type"));
    }
    auto expected = scene->report_info_types;
    std::sort(types.begin(), types.end());
    std::sort(expected.begin(), expected.end());
    if (types != expected) return refuse("/transfer_scene_report_infos", "需传入转账场景报备信息，请检查 (this scene reports its own info_type values)");

    // The payee's name: required from 2,000 yuan, not accepted below 0.3 yuan, sealed with the key
    // the Wechatpay-Serial header names.
    json::object comparable = body;
    if (body.contains("user_name")) {
        if (r.amount < wechat_pay::user_name_allowed_fen) return refuse("/user_name", "转账金额小于0.3元时不允许填写收款用户姓名");
        const auto serial = std::string(request.header("wechatpay-serial").value_or(""));
        if (serial.empty()) return pay_.param_error("Wechatpay-Serial", "an encrypted field needs the Wechatpay-Serial header", now, request, "header");
        const auto* key = pay_.sensitive_field_key(serial);
        if (!key) return pay_.param_error("Wechatpay-Serial", "names no key of this merchant's WeChat Pay", now, request, "header");
        auto name = key->decrypt_oaep(string_of(body, "user_name"));
        if (!name || name->empty()) return refuse("/user_name", "does not decrypt with the key Wechatpay-Serial names");
        r.user_name = *name;
        comparable["user_name"] = *name;  // ciphertexts differ on every encryption; the name does not
    } else if (r.amount >= wechat_pay::user_name_required_fen) {
        return refuse("/user_name", "转账金额>=2000元时，收款用户姓名必填");
    }
    r.request = std::move(comparable);
    return std::nullopt;
}

json::object transfer_simulator::create_json(const transfer_record& r) const {
    json::object o{{"out_bill_no", r.out_bill_no},
                   {"transfer_bill_no", r.transfer_bill_no},
                   {"create_time", r.create_time},
                   {"state", wechat_pay::to_string(r.state)}};
    if (r.state == transfer_state::wait_user_confirm) o["package_info"] = r.package_info;
    if (r.state == transfer_state::fail) o["fail_reason"] = r.fail_reason;
    return o;
}

json::object transfer_simulator::bill_json(const transfer_record& r) const {
    json::object o{{"mch_id", pay_.config().mchid},
                   {"out_bill_no", r.out_bill_no},
                   {"transfer_bill_no", r.transfer_bill_no},
                   {"appid", pay_.config().appid},
                   {"state", wechat_pay::to_string(r.state)},
                   {"transfer_amount", r.amount},
                   {"transfer_remark", r.remark},
                   {"openid", r.openid},
                   {"create_time", r.create_time},
                   {"update_time", r.update_time}};
    if (r.state == transfer_state::fail) o["fail_reason"] = r.fail_reason;
    return o;
}

void transfer_simulator::promote(transfer_record& r) {
    if (r.state == transfer_state::accepted) r.state = transfer_state::wait_user_confirm;
}

std::vector<transfer_event> transfer_simulator::finish(transfer_record& r, transfer_state state, const std::string& fail_reason,
                                                       pay_time_point now) {
    r.state = state;
    r.fail_reason = state == transfer_state::fail ? fail_reason : std::string();
    r.update_time = china_time(now);
    if (r.notify_url.empty()) return {};
    json::object resource{{"mch_id", pay_.config().mchid},
                          {"out_bill_no", r.out_bill_no},
                          {"transfer_bill_no", r.transfer_bill_no},
                          {"state", wechat_pay::to_string(state)},
                          {"transfer_amount", r.amount},
                          {"openid", r.openid},
                          {"create_time", r.create_time},
                          {"update_time", r.update_time}};
    if (state == transfer_state::fail) resource["fail_reason"] = r.fail_reason;
    auto n = pay_.notification(r.notify_url, "MCHTRANSFER.BILL.FINISHED", "商家转账单据终态通知", "mch_payment", resource, now);
    n.subject_field = "out_bill_no";
    return {transfer_event{std::move(n), r.out_bill_no}};
}

transfer_answer transfer_simulator::create(const http_request& request, pay_time_point now) {
    transfer_answer answer;
    if (auto refused = pay_.admit(request, now)) {
        answer.response = *refused;
        return answer;
    }
    answer.events = close_expired(now);
    transfer_record r;
    if (auto refused = check_create(request, now, r)) {
        answer.response = *refused;
        return answer;
    }
    answer.out_bill_no = r.out_bill_no;
    // One bill per number. The simulator runs on one thread and nothing here waits, so two
    // concurrent creates of one number meet this check one after the other.
    if (auto it = bills_.find(r.out_bill_no); it != bills_.end()) {
        if (it->second.request != r.request) {
            answer.response = pay_.error(400, "INVALID_REQUEST", "商户单号已存在，且与原单参数不一致", now, request);
            return answer;
        }
        promote(it->second);
        answer.response = pay_.signed_json(200, create_json(it->second), now, request);
        return answer;
    }
    char sequence[16];
    std::snprintf(sequence, sizeof sequence, "%08lld", static_cast<long long>(sequence_++ % 100000000));
    r.transfer_bill_no = "1330" + std::string(sequence) + digits(28);  // 40 digits, as WeChat's
    r.package_info = wechat_pay::base64_encode(random_hex(24) + random_hex(24));
    r.create_time = r.update_time = china_time(now);
    r.expires_at = now + settings_.confirm_window;
    r.state = answer_state_;
    by_package_[r.package_info] = r.out_bill_no;
    by_transfer_bill_no_[r.transfer_bill_no] = r.out_bill_no;
    auto& stored = bills_[r.out_bill_no] = std::move(r);
    answer.created = true;
    answer.response = pay_.signed_json(200, create_json(stored), now, request);
    return answer;
}

transfer_answer transfer_simulator::query(const http_request& request, const std::string& out_bill_no, pay_time_point now) {
    transfer_answer answer;
    answer.out_bill_no = out_bill_no;
    if (auto refused = pay_.admit(request, now)) {
        answer.response = *refused;
        return answer;
    }
    answer.events = close_expired(now);
    auto it = bills_.find(out_bill_no);
    if (it == bills_.end()) {
        answer.response = pay_.error(404, "NOT_FOUND", "记录不存在", now, request);
        return answer;
    }
    promote(it->second);
    answer.response = pay_.signed_json(200, bill_json(it->second), now, request);
    return answer;
}

transfer_answer transfer_simulator::query_by_transfer_bill_no(const http_request& request, const std::string& transfer_bill_no,
                                                              pay_time_point now) {
    auto it = by_transfer_bill_no_.find(transfer_bill_no);
    return query(request, it == by_transfer_bill_no_.end() ? std::string() : it->second, now);
}

transfer_answer transfer_simulator::cancel(const http_request& request, const std::string& out_bill_no, pay_time_point now) {
    transfer_answer answer;
    answer.out_bill_no = out_bill_no;
    if (auto refused = pay_.admit(request, now)) {
        answer.response = *refused;
        return answer;
    }
    if (!request.body.empty() && request.body != "{}") {
        answer.response = pay_.param_error("/", "the cancel takes no body", now, request);
        return answer;
    }
    answer.events = close_expired(now);
    auto it = bills_.find(out_bill_no);
    if (it == bills_.end()) {
        answer.response = pay_.error(404, "NOT_FOUND", "记录不存在", now, request);
        return answer;
    }
    auto& r = it->second;
    json::object accepted{{"out_bill_no", r.out_bill_no}, {"transfer_bill_no", r.transfer_bill_no}};
    switch (r.state) {
    case transfer_state::accepted:
    case transfer_state::processing:
    case transfer_state::wait_user_confirm: {
        // Accepted as CANCELING; the simulator completes it at once (a query after the answer
        // sees CANCELLED) and notifies.
        accepted["state"] = "CANCELING";
        accepted["update_time"] = china_time(now);
        auto events = finish(r, transfer_state::cancelled, "", now);
        answer.events.insert(answer.events.end(), events.begin(), events.end());
        answer.response = pay_.signed_json(200, accepted, now, request);
        return answer;
    }
    case transfer_state::canceling:
    case transfer_state::cancelled:  // cancelling again changes nothing
        accepted["state"] = wechat_pay::to_string(r.state);
        accepted["update_time"] = r.update_time;
        answer.response = pay_.signed_json(200, accepted, now, request);
        return answer;
    case transfer_state::transfering:
    case transfer_state::success: answer.response = pay_.error(400, "INVALID_REQUEST", "用户已确认收款，不允许撤销", now, request); return answer;
    case transfer_state::fail: answer.response = pay_.error(400, "INVALID_REQUEST", "转账已失败，不允许撤销", now, request); return answer;
    }
    return answer;
}

transfer_record* transfer_simulator::locate(const std::string& locator) {
    auto it = bills_.find(locator);
    if (it != bills_.end()) return &it->second;
    auto by_package = by_package_.find(locator);
    if (by_package != by_package_.end()) return &bills_.at(by_package->second);
    return nullptr;
}

const transfer_record* transfer_simulator::find(const std::string& locator) const {
    return const_cast<transfer_simulator*>(this)->locate(locator);
}

std::variant<std::vector<transfer_event>, std::string> transfer_simulator::confirm(const std::string& locator, const confirmation& c,
                                                                                   pay_time_point now) {
    std::vector<transfer_event> events;
    auto* r = locate(locator);
    if (!r) return std::string("no such bill");
    promote(*r);
    // An expired, used or cancelled package makes the confirm page fail. (The close itself, with
    // its notification, is close_expired's.)
    if (r->state != transfer_state::wait_user_confirm) return "the bill is " + std::string(wechat_pay::to_string(r->state));
    if (now >= r->expires_at) return std::string("the package has expired");
    if (!c.openid.empty() && c.openid != r->openid) return std::string("你的微信号与商家指定的微信号不一致");
    if (c.result != transfer_state::success && c.result != transfer_state::fail) return std::string("result is SUCCESS or FAIL");
    r->state = transfer_state::transfering;
    r->update_time = china_time(now);
    r->outcome = c.result;
    r->outcome_fail_reason = c.fail_reason;
    if (!c.settle_now) return events;
    auto settled = finish(*r, r->outcome, r->outcome_fail_reason, now);
    events.insert(events.end(), settled.begin(), settled.end());
    return events;
}

std::variant<std::vector<transfer_event>, std::string> transfer_simulator::decline(const std::string& locator, pay_time_point now) {
    auto* r = locate(locator);
    if (!r) return std::string("no such bill");
    promote(*r);
    if (r->state != transfer_state::wait_user_confirm) return "the bill is " + std::string(wechat_pay::to_string(r->state));
    if (now >= r->expires_at) return std::string("the package has expired");
    ++r->declines;
    return std::vector<transfer_event>{};
}

std::variant<std::vector<transfer_event>, std::string> transfer_simulator::settle(const std::string& out_bill_no, pay_time_point now) {
    auto* r = locate(out_bill_no);
    if (!r) return std::string("no such bill");
    if (r->state != transfer_state::transfering) return "the bill is " + std::string(wechat_pay::to_string(r->state));
    return finish(*r, r->outcome, r->outcome_fail_reason, now);
}

std::variant<std::vector<transfer_event>, std::string> transfer_simulator::expire(const std::string& locator, pay_time_point now) {
    auto* r = locate(locator);
    if (!r) return std::string("no such bill");
    if (r->state != transfer_state::accepted && r->state != transfer_state::processing && r->state != transfer_state::wait_user_confirm)
        return "the bill is " + std::string(wechat_pay::to_string(r->state));
    return finish(*r, transfer_state::fail, expired_reason, now);
}

std::vector<transfer_event> transfer_simulator::close_expired(pay_time_point now) {
    std::vector<transfer_event> events;
    for (auto& [no, r] : bills_) {
        const bool waiting = r.state == transfer_state::accepted || r.state == transfer_state::processing ||
                             r.state == transfer_state::wait_user_confirm;
        if (!waiting || now < r.expires_at) continue;
        auto closed = finish(r, transfer_state::fail, expired_reason, now);
        events.insert(events.end(), closed.begin(), closed.end());
    }
    return events;
}

json::array transfer_simulator::list() const {
    json::array out;
    for (const auto& [no, r] : bills_)
        out.push_back(json::object{{"out_bill_no", r.out_bill_no},
                                   {"transfer_bill_no", r.transfer_bill_no},
                                   {"state", wechat_pay::to_string(r.state)},
                                   {"transfer_amount", r.amount},
                                   {"openid", r.openid},
                                   {"package_info", r.package_info},
                                   {"declines", r.declines},
                                   {"fail_reason", r.fail_reason}});
    return out;
}

}  // namespace sharedstore::simulator
