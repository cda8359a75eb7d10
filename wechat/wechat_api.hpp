#pragma once
// WeChat's server APIs for a mini-program (api.weixin.qq.com), field by field as WeChat documents
// them. Every call returns a value or a wechat_error: WeChat's errcode, or a transport failure
// after bounded retries. System-busy (-1) and transport failures are retried with backoff within
// a total time budget, so a caller never waits longer than `total_timeout`.
#include "common/log.hpp"
#include "common/result.hpp"
#include "wechat/https_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <string>
#include <variant>

namespace sharedstore {

namespace wechat_errcode {
constexpr int system_busy = -1;
constexpr int invalid_credential = 40001;    // access token invalid or not the latest
constexpr int invalid_appid = 40013;
constexpr int invalid_code = 40029;          // js_code or phone code invalid or expired
constexpr int invalid_secret = 40125;
constexpr int invalid_scene = 40129;
constexpr int code_used = 40163;
constexpr int risky_user = 40226;
constexpr int access_token_missing = 41001;
constexpr int invalid_page = 41030;
constexpr int access_token_expired = 42001;
constexpr int subscription_refused = 43101;  // no accepted one-time subscription left
constexpr int api_quota_reached = 45009;
constexpr int rate_limited = 45011;          // jscode2session: 100 a minute per user
constexpr int invalid_template_data = 47003;
}  // namespace wechat_errcode

struct wechat_error {
    int errcode = 0;         // WeChat's number; 0 with `unreachable` for transport failures
    std::string errmsg;      // WeChat's text (never holds our secrets)
    bool unreachable = false;  // no usable answer after the retries
};

template <class T>
using wechat_result = result<T, wechat_error>;

struct wechat_api_config {
    std::string base_url = "https://api.weixin.qq.com";
    std::string appid;
    std::string app_secret;  // never logged, never returned
    int max_attempts = 3;
    std::chrono::milliseconds retry_backoff{200};   // doubles each retry
    std::chrono::milliseconds total_timeout{8000};  // all attempts together
};

struct code_session {
    std::string openid;
    std::string session_key;  // stays on the server
    std::string unionid;      // empty unless the app is bound to an Open Platform account
};

struct stable_access_token {
    std::string access_token;
    int expires_in = 0;  // seconds
};

struct phone_info {
    std::string phone_number;       // with country code for non-mainland numbers
    std::string pure_phone_number;  // without country code
    std::string country_code;
};

struct wxacode_request {
    std::string scene;  // <= 32 visible characters of WeChat's scene alphabet
    std::string page;   // no leading '/', no query
    bool check_path = true;
    std::string env_version = "release";  // release | trial | develop
    int width = 430;
};

struct subscribe_message {
    std::string touser;  // openid
    std::string template_id;
    std::string page;
    std::string miniprogram_state = "formal";  // developer | trial | formal
    std::string lang = "zh_CN";
    std::map<std::string, std::string> data;  // key (thing1, amount2, ...) -> value
};

class wechat_api {
public:
    wechat_api(https_client& client, wechat_api_config config, logger& log);

    const std::string& appid() const { return config_.appid; }

    boost::asio::awaitable<wechat_result<code_session>> jscode2session(std::string js_code);
    boost::asio::awaitable<wechat_result<stable_access_token>> fetch_stable_token(bool force_refresh);
    boost::asio::awaitable<wechat_result<phone_info>> get_user_phone_number(std::string access_token, std::string code);
    // The QR image bytes (WeChat answers an image, or JSON on error).
    boost::asio::awaitable<wechat_result<std::string>> get_wxacode_unlimit(std::string access_token, wxacode_request request);
    // WeChat's msgid on success.
    boost::asio::awaitable<wechat_result<std::string>> send_subscribe_message(std::string access_token, subscribe_message message);

private:
    // One logical call: sends, retries on busy/transport failures, and returns the parsed JSON
    // object (errcode 0) or the error. `endpoint` names the call in logs (never the URL).
    boost::asio::awaitable<wechat_result<client_response>> call(std::string_view endpoint, client_request request);

    https_client& client_;
    wechat_api_config config_;
    logger& log_;
};

// Reads errcode/errmsg from a WeChat JSON answer; a missing errcode means success (0).
wechat_error wechat_error_of(const boost::json::object& answer);

}  // namespace sharedstore
