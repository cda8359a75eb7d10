#include "wechat/pay/transfer_bill.hpp"

#include "common/utf8.hpp"
#include "wechat/pay/json_fields.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sharedstore::wechat_pay {

namespace json = boost::json;
using json_fields::take_int;
using json_fields::take_string;

namespace {

constexpr std::array<std::pair<transfer_state, std::string_view>, 8> state_names{{
    {transfer_state::accepted, "ACCEPTED"},
    {transfer_state::processing, "PROCESSING"},
    {transfer_state::wait_user_confirm, "WAIT_USER_CONFIRM"},
    {transfer_state::transfering, "TRANSFERING"},  // sic: WeChat's spelling
    {transfer_state::success, "SUCCESS"},
    {transfer_state::fail, "FAIL"},
    {transfer_state::canceling, "CANCELING"},
    {transfer_state::cancelled, "CANCELLED"},
}};

bool letters_and_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

bool take_state(const json::object& o, transfer_state& out) {
    std::string text;
    if (!take_string(o, "state", text)) return false;
    auto state = parse_transfer_state(text);
    if (!state) return false;
    out = *state;
    return true;
}

}  // namespace

std::optional<transfer_state> parse_transfer_state(std::string_view text) {
    for (const auto& [state, name] : state_names)
        if (name == text) return state;
    return std::nullopt;
}

std::string_view to_string(transfer_state state) {
    for (const auto& [s, name] : state_names)
        if (s == state) return name;
    return "ACCEPTED";  // unreachable: every enumerator is in the table
}

bool is_final(transfer_state state) {
    return state == transfer_state::success || state == transfer_state::fail || state == transfer_state::cancelled;
}

std::optional<std::string> transfer_request_problem(const transfer_request& r) {
    if (r.out_bill_no.empty() || r.out_bill_no.size() > 32 || !letters_and_digits(r.out_bill_no))
        return "out_bill_no must be 1-32 letters and digits";
    if (r.transfer_scene_id.empty() || r.transfer_scene_id.size() > 36 || !letters_and_digits(r.transfer_scene_id))
        return "transfer_scene_id must be a scene id such as 1005";
    if (r.openid.empty() || r.openid.size() > 64) return "openid must be 1-64 characters";
    if (r.amount_fen < transfer_min_fen) return "amount_fen must be at least 10 (0.1 yuan)";
    if (r.remark.empty() || utf8_length(r.remark) > 32 || first_control_character(r.remark))
        return "remark must be 1-32 characters without control characters";
    if (r.amount_fen >= user_name_required_fen && r.user_name.empty()) return "user_name (the payee's real name) is required from 2,000 yuan";
    if (!r.user_name.empty() && (r.user_name.size() > user_name_max_bytes || first_control_character(r.user_name)))
        return "user_name must be at most 128 bytes without control characters";
    if (utf8_length(r.user_recv_perception) > 32) return "user_recv_perception is at most 32 characters";
    if (r.scene_report_infos.empty()) return "scene_report_infos must not be empty: every scene requires its report infos";
    for (const auto& info : r.scene_report_infos)
        if (info.info_type.empty() || info.info_content.empty()) return "every scene report info needs info_type and info_content";
    return std::nullopt;
}

bool sends_user_name(const transfer_request& r) { return !r.user_name.empty() && r.amount_fen >= user_name_allowed_fen; }

json::object transfer_request_body(const transfer_request& r, std::string_view appid, std::string_view notify_url,
                                   std::string_view encrypted_user_name) {
    json::array infos;
    for (const auto& info : r.scene_report_infos) infos.push_back(json::object{{"info_type", info.info_type}, {"info_content", info.info_content}});
    json::object body{{"appid", appid},
                      {"out_bill_no", r.out_bill_no},
                      {"transfer_scene_id", r.transfer_scene_id},
                      {"openid", r.openid},
                      {"transfer_amount", r.amount_fen},
                      {"transfer_remark", r.remark},
                      {"transfer_scene_report_infos", std::move(infos)}};
    if (sends_user_name(r)) body["user_name"] = encrypted_user_name;
    if (!notify_url.empty()) body["notify_url"] = notify_url;
    if (!r.user_recv_perception.empty()) body["user_recv_perception"] = r.user_recv_perception;
    return body;
}

std::optional<transfer_accepted> decode_transfer_accepted(const json::object& o) {
    transfer_accepted a;
    if (!take_string(o, "out_bill_no", a.out_bill_no) || !take_string(o, "transfer_bill_no", a.transfer_bill_no) ||
        !take_string(o, "create_time", a.create_time) || !take_state(o, a.state) ||
        !take_string(o, "package_info", a.package_info, false) || !take_string(o, "fail_reason", a.fail_reason, false))
        return std::nullopt;
    // Without a package the payee cannot be asked to confirm: such an answer is not WeChat's.
    if (a.state == transfer_state::wait_user_confirm && a.package_info.empty()) return std::nullopt;
    return a;
}

std::optional<transfer_bill> decode_transfer_bill(const json::object& o) {
    transfer_bill b;
    if (!take_string(o, "out_bill_no", b.out_bill_no) || !take_string(o, "transfer_bill_no", b.transfer_bill_no) || !take_state(o, b.state) ||
        !take_int(o, "transfer_amount", b.amount_fen) || !take_string(o, "create_time", b.create_time, false) ||
        !take_string(o, "update_time", b.update_time, false) || !take_string(o, "appid", b.appid, false) ||
        !take_string(o, "openid", b.openid, false) || !take_string(o, "transfer_remark", b.transfer_remark, false) ||
        !take_string(o, "fail_reason", b.fail_reason, false))
        return std::nullopt;
    // The query answers mch_id; samples of the notification show mchid: either is the merchant.
    if (!take_string(o, "mch_id", b.mch_id, false) || (b.mch_id.empty() && !take_string(o, "mchid", b.mch_id, false))) return std::nullopt;
    return b;
}

std::optional<transfer_cancel_accepted> decode_transfer_cancel(const json::object& o) {
    transfer_cancel_accepted c;
    if (!take_string(o, "out_bill_no", c.out_bill_no) || !take_string(o, "transfer_bill_no", c.transfer_bill_no) || !take_state(o, c.state) ||
        !take_string(o, "update_time", c.update_time, false))
        return std::nullopt;
    return c;
}

std::variant<transfer_refusal, transfer_unclear> classify_transfer_error(int http_status, std::string code, std::string message) {
    // A 5xx says nothing of the bill, whatever its code (SYSTEM_ERROR: "query, then retry the same").
    if (http_status >= 500 || http_status < 400) return transfer_unclear{http_status, std::move(code), std::move(message)};
    if (http_status == 429 || code == "FREQUENCY_LIMITED" || code == "NOT_ENOUGH")
        return transfer_refusal{http_status, std::move(code), std::move(message), true};
    // The codes WeChat Pay documents for a request it refused. Anything else is new to us, and
    // WeChat's rule for a new code is: keep the number, query first.
    if (code == "PARAM_ERROR" || code == "INVALID_REQUEST" || code == "NO_AUTH")
        return transfer_refusal{http_status, std::move(code), std::move(message), false};
    return transfer_unclear{http_status, std::move(code), std::move(message)};
}

}  // namespace sharedstore::wechat_pay
