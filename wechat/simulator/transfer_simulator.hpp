#pragma once
// WeChat Pay's merchant transfer (商家转账, user-confirmation mode) in the simulator: bills created
// by merchant-signed requests checked as WeChat checks them, the payee's confirmation played by
// the control API, the query, the cancel, the 24 h close of unconfirmed bills, and the
// MCHTRANSFER.BILL.FINISHED notification of every final state. I/O-free like pay_simulator, whose
// signing and notification building it uses: the handler sends what this produces, and runs the
// timers (`now` is a parameter). docs/simulator.md, "Merchant transfers".
#include "wechat/pay/transfer_bill.hpp"
#include "wechat/simulator/pay_simulator.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sharedstore::simulator {

struct transfer_settings {
    // How long a bill waits for the payee before WeChat closes it as FAIL: 24 h, times the
    // simulator's time scale.
    std::chrono::milliseconds confirm_window = std::chrono::hours(24);
    // The single-bill range the merchant platform allows the scenes (a platform setting, not WeChat's rule).
    std::int64_t min_fen = 10, max_fen = 5000000;
};

struct transfer_record {
    std::string out_bill_no, transfer_bill_no, package_info, openid, notify_url, remark, scene_id, user_name, fail_reason;
    std::string create_time, update_time;
    boost::json::object request;  // the body as compared for a repeat, user_name decrypted
    std::int64_t amount = 0;
    wechat_pay::transfer_state state = wechat_pay::transfer_state::wait_user_confirm;
    pay_time_point expires_at;
    int declines = 0;  // times the payee closed the confirm page without confirming
    // Set by a confirmation: what the transfer ends as (SUCCESS, or FAIL with a reason).
    wechat_pay::transfer_state outcome = wechat_pay::transfer_state::success;
    std::string outcome_fail_reason;
};

// A notification to deliver, and the bill it is about.
struct transfer_event {
    pay_notification notification;
    std::string out_bill_no;
};

struct transfer_answer {
    http_response response;
    bool created = false;  // a new bill: the handler arms its 24 h close
    std::string out_bill_no;
    std::vector<transfer_event> events;
};

// The payee on the confirm page.
struct confirmation {
    std::string openid;  // who opened it (empty: the payee); another user is refused, as WeChat refuses
    wechat_pay::transfer_state result = wechat_pay::transfer_state::success;  // success or fail
    std::string fail_reason = "PAYEE_ACCOUNT_ABNORMAL";  // with fail
    bool settle_now = true;  // false: the bill stays TRANSFERING until settle()
};

class transfer_simulator {
public:
    transfer_simulator(pay_simulator& pay, transfer_settings settings);

    // POST /v3/fund-app/mch-transfer/transfer-bills
    transfer_answer create(const http_request& request, pay_time_point now);
    // GET .../transfer-bills/out-bill-no/{out_bill_no} and .../transfer-bill-no/{transfer_bill_no}
    transfer_answer query(const http_request& request, const std::string& out_bill_no, pay_time_point now);
    transfer_answer query_by_transfer_bill_no(const http_request& request, const std::string& transfer_bill_no, pay_time_point now);
    // POST .../transfer-bills/out-bill-no/{out_bill_no}/cancel
    transfer_answer cancel(const http_request& request, const std::string& out_bill_no, pay_time_point now);

    // Control. A bill is named by its out_bill_no or by its package_info. Errors are texts.
    std::variant<std::vector<transfer_event>, std::string> confirm(const std::string& locator, const confirmation& c, pay_time_point now);
    // The payee closed the confirm page: nothing changes (WeChat keeps the bill waiting).
    std::variant<std::vector<transfer_event>, std::string> decline(const std::string& locator, pay_time_point now);
    // A confirmed bill (TRANSFERING) ends as its confirmation said.
    std::variant<std::vector<transfer_event>, std::string> settle(const std::string& out_bill_no, pay_time_point now);
    // WeChat's 24 h close, now, for one waiting bill.
    std::variant<std::vector<transfer_event>, std::string> expire(const std::string& locator, pay_time_point now);
    // The 24 h close of every waiting bill whose window has passed.
    std::vector<transfer_event> close_expired(pay_time_point now);
    // Creates answer ACCEPTED (no package; the bill waits for the payee from its next access) or
    // WAIT_USER_CONFIRM, as WeChat answers either.
    void set_answer_state(wechat_pay::transfer_state state) { answer_state_ = state; }

    const transfer_record* find(const std::string& locator) const;
    boost::json::array list() const;
    const transfer_settings& settings() const { return settings_; }

private:
    transfer_record* locate(const std::string& locator);
    // Checks the body; the error answer, or nullopt with `record` filled in.
    std::optional<http_response> check_create(const http_request& request, pay_time_point now, transfer_record& record);
    // ACCEPTED resolves to WAIT_USER_CONFIRM at the next look at the bill.
    void promote(transfer_record& r);
    // The bill enters a final state: its notification (if it has a notify_url).
    std::vector<transfer_event> finish(transfer_record& r, wechat_pay::transfer_state state, const std::string& fail_reason, pay_time_point now);
    boost::json::object create_json(const transfer_record& r) const;
    boost::json::object bill_json(const transfer_record& r) const;

    pay_simulator& pay_;
    transfer_settings settings_;
    std::map<std::string, transfer_record> bills_;          // by out_bill_no
    std::map<std::string, std::string> by_package_, by_transfer_bill_no_;  // -> out_bill_no
    wechat_pay::transfer_state answer_state_ = wechat_pay::transfer_state::wait_user_confirm;
    std::int64_t sequence_ = 1;
};

// What the simulator's merchant may report for a scene: the info_type values each scene requires
// and the user_recv_perception values it shows. Scenes 1000 (现金营销) and 1005 (佣金报酬) are granted.
struct transfer_scene {
    std::vector<std::string> report_info_types;
    std::vector<std::string> perceptions;
};
const transfer_scene* granted_scene(const std::string& scene_id);

}  // namespace sharedstore::simulator
