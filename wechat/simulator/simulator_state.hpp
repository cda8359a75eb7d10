#pragma once
// Everything the WeChat simulator remembers, and WeChat's rules applied to it: single-use login
// and phone codes that expire after 5 minutes, stable access tokens (the same token until its last
// 5 minutes, the old one still valid for those 5 minutes, force refresh at most every 30 s),
// subscribe-message quotas and WeChat's value limits, fault knobs, and call counters.
// No I/O and no clock: `now` is a parameter. Answers are WeChat-shaped JSON objects.
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore::simulator {

using time_point = std::chrono::system_clock::time_point;

struct simulator_config {
    std::string appid;
    std::string app_secret;
    std::chrono::seconds token_lifetime{7200};
};

struct fault {
    int errcode = 0;                       // 0: no errcode, only latency
    std::chrono::milliseconds latency{0};  // before answering
    // WeChat Pay endpoints (transfer_*) answer in its shape instead: `status` + `code` (empty: no
    // error, only latency). `after_create`: the bill is made first, then the fault applies to the
    // answer (the caller sees a timeout or a 5xx although the bill exists).
    int status = 0;
    std::string code;
    bool after_create = false;
};

struct delivered_message {
    std::string touser, template_id, page, miniprogram_state, lang;
    std::map<std::string, std::string> data;
    std::int64_t msgid = 0;
    time_point sent_at;
};

class simulator_state {
public:
    explicit simulator_state(simulator_config config);

    // Control API.
    std::string issue_login_code(const std::string& openid, const std::string& unionid, time_point now);
    std::string issue_phone_code(const std::string& openid, const std::string& phone, const std::string& country_code, time_point now);
    void grant_subscription(const std::string& touser, const std::string& template_id, int count);
    void add_faults(const std::string& endpoint, fault f, int count);
    void clear_faults();
    // The next call of `endpoint` takes the first queued fault, if any.
    std::optional<fault> take_fault(const std::string& endpoint);
    // Replaces the current access token at once (as a force refresh from elsewhere would).
    void revoke_access_token(time_point now);
    std::vector<delivered_message> messages_to(const std::string& touser) const;
    boost::json::object stats() const;
    void count_call(const std::string& endpoint) { ++calls_[endpoint]; }

    // WeChat's endpoints.
    boost::json::object jscode2session(const std::string& appid, const std::string& secret, const std::string& js_code,
                                       const std::string& grant_type, time_point now);
    boost::json::object stable_token(const boost::json::object& request, time_point now);
    boost::json::object get_user_phone_number(const std::string& access_token, const boost::json::object& request, time_point now);
    // Either an error object or, on success, nullopt with `scene` and `page` validated.
    std::optional<boost::json::object> check_wxacode(const std::string& access_token, const boost::json::object& request, time_point now);
    boost::json::object send_subscribe_message(const std::string& access_token, const boost::json::object& request, time_point now);

    // 0 when the token is usable, else WeChat's errcode (40001 unknown, 42001 expired, 41001 missing).
    int check_access_token(const std::string& token, time_point now) const;

private:
    struct login_code {
        std::string openid, unionid;
        time_point issued;
        bool used = false;
    };
    struct phone_code {
        std::string openid, phone, country_code;
        time_point issued;
        bool used = false;
    };

    simulator_config config_;
    std::map<std::string, login_code> login_codes_;
    std::map<std::string, phone_code> phone_codes_;
    std::map<std::string, bool> known_openids_;
    std::map<std::pair<std::string, std::string>, int> subscription_quota_;
    std::vector<delivered_message> messages_;
    std::int64_t next_msgid_ = 1000;
    std::map<std::string, std::deque<fault>> faults_;
    std::map<std::string, std::uint64_t> calls_;
    std::uint64_t tokens_issued_ = 0;

    std::string token_;
    time_point token_expires_{};
    std::string previous_token_;
    time_point previous_valid_until_{};
    std::optional<time_point> last_force_refresh_;
    std::map<std::string, time_point> expired_tokens_;  // to tell 42001 from 40001
};

// WeChat's scene alphabet: [0-9A-Za-z!#$&'()*+,/:;=?@-._~], 1 to 32 characters.
bool valid_scene(const std::string& scene);

}  // namespace sharedstore::simulator
