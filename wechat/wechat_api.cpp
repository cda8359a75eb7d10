#include "wechat/wechat_api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string url_encode(std::string_view in) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::optional<json::object> json_object_of(const std::string& body) {
    boost::system::error_code ec;
    auto value = json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return value.as_object();
}

std::string string_field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

wechat_error malformed(std::string what) { return wechat_error{0, "malformed answer: " + what, true}; }

client_request json_post(std::string url, const json::object& body) {
    client_request r;
    r.method = "POST";
    r.url = std::move(url);
    r.headers = {{"Content-Type", "application/json"}};
    r.body = json::serialize(body);
    return r;
}

}  // namespace

wechat_error wechat_error_of(const json::object& answer) {
    wechat_error e;
    if (auto it = answer.find("errcode"); it != answer.end() && it->value().is_int64())
        e.errcode = static_cast<int>(it->value().as_int64());
    e.errmsg = string_field(answer, "errmsg");
    return e;
}

wechat_api::wechat_api(https_client& client, wechat_api_config config, logger& log)
    : client_(client), config_(std::move(config)), log_(log) {}

asio::awaitable<wechat_result<client_response>> wechat_api::call(std::string_view endpoint, client_request request) {
    const auto deadline = std::chrono::steady_clock::now() + config_.total_timeout;
    auto backoff = config_.retry_backoff;
    wechat_error last{0, "no attempt", true};
    for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
        bool retryable = false;
        try {
            client_request copy = request;
            auto response = co_await client_.send(std::move(copy));
            if (response.status != 200) {
                last = wechat_error{0, "HTTP status " + std::to_string(response.status), true};
                retryable = response.status >= 500;
            } else if (auto answer = response.body.starts_with("{") ? json_object_of(response.body) : std::nullopt;
                       answer && wechat_error_of(*answer).errcode == wechat_errcode::system_busy) {
                last = wechat_error_of(*answer);
                retryable = true;
            } else {
                co_return response;
            }
        } catch (const transport_error& e) {
            last = wechat_error{0, e.what(), true};
            retryable = true;
        }
        log_.warn("wechat_call_failed", {{"endpoint", endpoint}, {"attempt", attempt}, {"errcode", last.errcode},
                                         {"error", last.errmsg}, {"will_retry", retryable && attempt < config_.max_attempts}});
        if (!retryable || attempt == config_.max_attempts) break;
        if (std::chrono::steady_clock::now() + backoff >= deadline) break;
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer pause(executor, backoff);
        co_await pause.async_wait(asio::use_awaitable);
        backoff *= 2;
    }
    // Busy after every attempt stays errcode -1; a transport failure is `unreachable`.
    if (last.errcode == wechat_errcode::system_busy) last.unreachable = true;
    co_return last;
}

asio::awaitable<wechat_result<code_session>> wechat_api::jscode2session(std::string js_code) {
    client_request request;
    request.url = config_.base_url + "/sns/jscode2session?appid=" + url_encode(config_.appid) + "&secret=" +
                  url_encode(config_.app_secret) + "&js_code=" + url_encode(js_code) + "&grant_type=authorization_code";
    auto response = co_await call("jscode2session", std::move(request));
    if (!response) co_return response.error();
    auto answer = json_object_of(response.value().body);
    if (!answer) co_return malformed("jscode2session");
    auto error = wechat_error_of(*answer);
    if (error.errcode != 0) co_return error;
    code_session session{string_field(*answer, "openid"), string_field(*answer, "session_key"), string_field(*answer, "unionid")};
    if (session.openid.empty() || session.session_key.empty()) co_return malformed("jscode2session without openid");
    co_return session;
}

asio::awaitable<wechat_result<stable_access_token>> wechat_api::fetch_stable_token(bool force_refresh) {
    json::object body{{"grant_type", "client_credential"}, {"appid", config_.appid}, {"secret", config_.app_secret},
                      {"force_refresh", force_refresh}};
    // Requests are named locals: docs/coroutines.md.
    auto request = json_post(config_.base_url + "/cgi-bin/stable_token", body);
    auto response = co_await call("stable_token", std::move(request));
    if (!response) co_return response.error();
    auto answer = json_object_of(response.value().body);
    if (!answer) co_return malformed("stable_token");
    auto error = wechat_error_of(*answer);
    if (error.errcode != 0) co_return error;
    stable_access_token token{string_field(*answer, "access_token"), 0};
    if (auto it = answer->find("expires_in"); it != answer->end() && it->value().is_int64())
        token.expires_in = static_cast<int>(it->value().as_int64());
    if (token.access_token.empty() || token.expires_in <= 0) co_return malformed("stable_token without token");
    co_return token;
}

asio::awaitable<wechat_result<phone_info>> wechat_api::get_user_phone_number(std::string access_token, std::string code) {
    auto request = json_post(config_.base_url + "/wxa/business/getuserphonenumber?access_token=" + url_encode(access_token),
                             json::object{{"code", code}});
    auto response = co_await call("getuserphonenumber", std::move(request));
    if (!response) co_return response.error();
    auto answer = json_object_of(response.value().body);
    if (!answer) co_return malformed("getuserphonenumber");
    auto error = wechat_error_of(*answer);
    if (error.errcode != 0) co_return error;
    auto it = answer->find("phone_info");
    if (it == answer->end() || !it->value().is_object()) co_return malformed("getuserphonenumber without phone_info");
    const auto& info = it->value().as_object();
    phone_info phone{string_field(info, "phoneNumber"), string_field(info, "purePhoneNumber"), string_field(info, "countryCode")};
    if (phone.pure_phone_number.empty()) co_return malformed("getuserphonenumber without purePhoneNumber");
    co_return phone;
}

asio::awaitable<wechat_result<std::string>> wechat_api::get_wxacode_unlimit(std::string access_token, wxacode_request request) {
    json::object body{{"scene", request.scene}, {"page", request.page}, {"check_path", request.check_path},
                      {"env_version", request.env_version}, {"width", request.width}};
    auto http_request = json_post(config_.base_url + "/wxa/getwxacodeunlimit?access_token=" + url_encode(access_token), body);
    auto response = co_await call("getwxacodeunlimit", std::move(http_request));
    if (!response) co_return response.error();
    // An image on success; a JSON error otherwise (WeChat answers 200 either way).
    const auto type = response.value().header("content-type").value_or("");
    if (type.starts_with("image/")) co_return std::move(response.value().body);
    auto answer = json_object_of(response.value().body);
    if (!answer) co_return malformed("getwxacodeunlimit answered neither an image nor JSON");
    auto error = wechat_error_of(*answer);
    if (error.errcode == 0) co_return malformed("getwxacodeunlimit JSON without errcode");
    co_return error;
}

asio::awaitable<wechat_result<std::string>> wechat_api::send_subscribe_message(std::string access_token, subscribe_message message) {
    json::object data;
    for (const auto& [key, value] : message.data) data[key] = json::object{{"value", value}};
    json::object body{{"touser", message.touser}, {"template_id", message.template_id}, {"page", message.page},
                      {"miniprogram_state", message.miniprogram_state}, {"lang", message.lang}, {"data", std::move(data)}};
    auto request = json_post(config_.base_url + "/cgi-bin/message/subscribe/send?access_token=" + url_encode(access_token), body);
    auto response = co_await call("subscribe_send", std::move(request));
    if (!response) co_return response.error();
    auto answer = json_object_of(response.value().body);
    if (!answer) co_return malformed("subscribe_send");
    auto error = wechat_error_of(*answer);
    if (error.errcode != 0) co_return error;
    auto it = answer->find("msgid");
    std::string msgid = it == answer->end() ? "" : (it->value().is_string() ? std::string(it->value().as_string()) : json::serialize(it->value()));
    co_return msgid;
}

}  // namespace sharedstore
