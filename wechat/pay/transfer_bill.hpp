#pragma once
// WeChat Pay's merchant transfer (商家转账, user-confirmation mode) as values, without I/O: the
// bill states, the request a merchant sends (checked before it leaves), the answers and the
// notification resource decoded, and what an error answer means to the caller. The client that
// sends these is transfer_client.hpp; how a server uses it, docs/wechat-transfers.md.
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sharedstore::wechat_pay {

// A bill's state, as WeChat Pay names it. Final: success, fail, cancelled. An unconfirmed bill
// ends as fail after 24 h; a cancelled one passes through canceling.
enum class transfer_state { accepted, processing, wait_user_confirm, transfering, success, fail, canceling, cancelled };
std::optional<transfer_state> parse_transfer_state(std::string_view text);  // "WAIT_USER_CONFIRM" -> wait_user_confirm
std::string_view to_string(transfer_state state);                          // the other way
bool is_final(transfer_state state);

inline constexpr std::int64_t transfer_min_fen = 10;            // 0.1 yuan: WeChat Pay's floor
inline constexpr std::int64_t user_name_required_fen = 200000;  // from 2,000 yuan the payee's real name is required
inline constexpr std::int64_t user_name_allowed_fen = 30;       // below 0.3 yuan it is not accepted (not sent)
inline constexpr std::size_t user_name_max_bytes = 128;         // well inside what RSA-2048 OAEP seals (214)

// One entry of transfer_scene_report_infos: the scene fixes the info_type values (scene 1005
// 佣金报酬: 岗位类型 and 报酬说明).
struct transfer_scene_report {
    std::string info_type, info_content;
};

struct transfer_request {
    std::string out_bill_no;        // 1-32 letters and digits; one per attempt, never re-issued for another
    std::string transfer_scene_id;  // a scene granted in the merchant platform, e.g. "1005"
    std::string openid;             // the payee, under the paying appid
    std::int64_t amount_fen = 0;    // >= transfer_min_fen
    std::string remark;             // 1-32 characters, shown to the payee
    std::string user_name;          // the payee's real name in clear: required from user_name_required_fen, never sent below user_name_allowed_fen
    std::string user_recv_perception;  // empty: the scene's default wording
    std::vector<transfer_scene_report> scene_report_infos;  // at least one
};

// Why `r` cannot be sent as it is (nullopt when it can): the rules WeChat Pay applies whatever
// the merchant platform's settings (per-scene ranges and daily caps are its settings, not ours).
std::optional<std::string> transfer_request_problem(const transfer_request& r);
// Whether the request carries user_name (encrypted): a name was given and the amount is 0.3 yuan or more.
bool sends_user_name(const transfer_request& r);
// The body of POST /v3/fund-app/mch-transfer/transfer-bills. `encrypted_user_name` is the OAEP
// ciphertext, used only when sends_user_name(r); an empty notify_url is left out.
boost::json::object transfer_request_body(const transfer_request& r, std::string_view appid, std::string_view notify_url,
                                          std::string_view encrypted_user_name);

// The answer to a create (also to a repeat of the same bill): package_info is what the
// mini-program passes to wx.requestMerchantTransfer, present while the bill waits for the payee.
struct transfer_accepted {
    std::string out_bill_no, transfer_bill_no, create_time, package_info, fail_reason;
    transfer_state state = transfer_state::accepted;
};

// A bill as the query or the MCHTRANSFER.BILL.FINISHED notification describes it. The query has
// appid and transfer_remark, the notification not always; fail_reason comes with fail.
struct transfer_bill {
    std::string mch_id, appid, out_bill_no, transfer_bill_no, openid, transfer_remark, fail_reason, create_time, update_time;
    std::int64_t amount_fen = 0;
    transfer_state state = transfer_state::accepted;
};

// The answer to a cancel: accepted, the bill is canceling (or already cancelled).
struct transfer_cancel_accepted {
    std::string out_bill_no, transfer_bill_no, update_time;
    transfer_state state = transfer_state::canceling;
};

// nullopt when a documented field is missing, mistyped, or the state is not one of WeChat's.
std::optional<transfer_accepted> decode_transfer_accepted(const boost::json::object& answer);
std::optional<transfer_bill> decode_transfer_bill(const boost::json::object& resource);
std::optional<transfer_cancel_accepted> decode_transfer_cancel(const boost::json::object& answer);

// WeChat Pay said no, and the answer could be trusted. retry_same_bill: nothing is wrong with the
// bill itself (NOT_ENOUGH: the operating balance is short; FREQUENCY_LIMITED): send the same
// out_bill_no with identical fields later. Otherwise the request must change; the number may
// already hold a bill (sent before with other fields), so query it before calling it failed.
// http_status 0: refused here, nothing was sent (code "refused_locally").
struct transfer_refusal {
    int http_status = 0;
    std::string code, message;
    bool retry_same_bill = false;
};
// No trustworthy answer: a timeout, no connection, a 5xx, an unknown code, an answer whose
// signature does not verify or whose body is not what WeChat documents. The bill may or may not
// exist: query it, then retry with the SAME out_bill_no and identical fields.
struct transfer_unclear {
    int http_status = 0;
    std::string code, message;
};
// The query found no bill with that number (WeChat Pay keeps them 30 days).
struct transfer_not_found {};

// What a signed error answer (non-2xx) to a transfer call means.
std::variant<transfer_refusal, transfer_unclear> classify_transfer_error(int http_status, std::string code, std::string message);

}  // namespace sharedstore::wechat_pay
