#include "wechat/simulator/simulator_state.hpp"

#include "common/random_token.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore::simulator {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto code_lifetime = 5min;
constexpr auto token_overlap = 5min;

json::object error(int errcode, std::string errmsg) {
    // WeChat appends a request id ("rid") to its messages; clients must not depend on the text.
    return json::object{{"errcode", errcode}, {"errmsg", errmsg + " rid: " + random_hex(6)}};
}

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::int64_t seconds_since_epoch(time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// WeChat's limits on subscribe-message values, by the key's type prefix (thing1, amount2, ...).
std::optional<std::string> data_value_problem(const std::string& key, const std::string& value) {
    const auto length = utf8_length(value);
    auto starts = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
    if (value.empty()) return "empty value";
    if (starts("thing") && length > 20) return "thing longer than 20 characters";
    if (starts("character_string") && length > 32) return "character_string longer than 32 characters";
    if (starts("number") && (length > 32 || !all_digits(value))) return "number must be at most 32 digits";
    if (starts("letter") && length > 32) return "letter longer than 32 characters";
    if (starts("symbol") && length > 5) return "symbol longer than 5 characters";
    if (starts("amount")) {
        // A currency sign, then at most 10 digits with an optional 2-decimal fraction (e.g. ¥12.50).
        std::string digits;
        for (char c : value)
            if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
        if (digits.empty() || digits.size() > 12) return "amount must be a currency sign and at most 10 digits";
    }
    if (starts("phrase") && length > 5) return "phrase longer than 5 characters";
    if (starts("name") && length > 10) return "name longer than 10 characters";
    return std::nullopt;
}

}  // namespace

bool valid_scene(const std::string& scene) {
    static const std::string extra = "!#$&'()*+,/:;=?@-._~";
    if (scene.empty() || scene.size() > 32) return false;
    return std::all_of(scene.begin(), scene.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string::npos;
    });
}

simulator_state::simulator_state(simulator_config config) : config_(std::move(config)) {}

std::string simulator_state::issue_login_code(const std::string& openid, const std::string& unionid, time_point now) {
    auto code = random_hex(16);
    login_codes_[code] = login_code{openid, unionid, now, false};
    known_openids_[openid] = true;
    return code;
}

std::string simulator_state::issue_phone_code(const std::string& openid, const std::string& phone, const std::string& country_code,
                                              time_point now) {
    auto code = random_hex(16);
    phone_codes_[code] = phone_code{openid, phone, country_code, now, false};
    return code;
}

void simulator_state::grant_subscription(const std::string& touser, const std::string& template_id, int count) {
    subscription_quota_[{touser, template_id}] += count;
    known_openids_[touser] = true;
}

void simulator_state::add_faults(const std::string& endpoint, fault f, int count) {
    for (int i = 0; i < count; ++i) faults_[endpoint].push_back(f);
}

void simulator_state::clear_faults() { faults_.clear(); }

std::optional<fault> simulator_state::take_fault(const std::string& endpoint) {
    auto it = faults_.find(endpoint);
    if (it == faults_.end() || it->second.empty()) return std::nullopt;
    auto f = it->second.front();
    it->second.pop_front();
    return f;
}

void simulator_state::revoke_access_token(time_point now) {
    if (!token_.empty()) expired_tokens_[token_] = now;
    if (!previous_token_.empty()) expired_tokens_[previous_token_] = now;
    previous_token_.clear();
    token_ = random_hex(32);
    token_expires_ = now + config_.token_lifetime;
    ++tokens_issued_;
}

std::vector<delivered_message> simulator_state::messages_to(const std::string& touser) const {
    std::vector<delivered_message> out;
    for (const auto& m : messages_)
        if (touser.empty() || m.touser == touser) out.push_back(m);
    return out;
}

json::object simulator_state::stats() const {
    json::object calls;
    for (const auto& [endpoint, n] : calls_) calls[endpoint] = n;
    return json::object{{"calls", std::move(calls)}, {"access_tokens_issued", tokens_issued_}, {"messages_delivered", messages_.size()}};
}

json::object simulator_state::jscode2session(const std::string& appid, const std::string& secret, const std::string& js_code,
                                             const std::string& grant_type, time_point now) {
    if (appid != config_.appid) return error(40013, "invalid appid");
    if (secret != config_.app_secret) return error(40125, "invalid appsecret");
    if (grant_type != "authorization_code") return error(40002, "invalid grant_type");
    auto it = login_codes_.find(js_code);
    if (it == login_codes_.end() || now - it->second.issued > code_lifetime) return error(40029, "invalid code");
    if (it->second.used) return error(40163, "code been used");
    it->second.used = true;
    // Like WeChat, success carries no errcode at all.
    json::object answer{{"session_key", random_hex(12)}, {"openid", it->second.openid}};
    if (!it->second.unionid.empty()) answer["unionid"] = it->second.unionid;
    return answer;
}

json::object simulator_state::stable_token(const json::object& request, time_point now) {
    if (string_of(request, "grant_type") != "client_credential") return error(40002, "invalid grant_type");
    if (string_of(request, "appid") != config_.appid) return error(40013, "invalid appid");
    if (string_of(request, "secret") != config_.app_secret) return error(40125, "invalid appsecret");
    bool force = false;
    if (auto it = request.find("force_refresh"); it != request.end()) {
        if (!it->value().is_bool()) return error(40097, "invalid args: force_refresh must be a boolean");
        force = it->value().as_bool();
    }
    if (force) {
        if (last_force_refresh_ && now - *last_force_refresh_ < 30s) return error(45009, "reach max api daily quota limit");
        last_force_refresh_ = now;
        revoke_access_token(now);
    } else if (token_.empty() || now >= token_expires_) {
        if (!token_.empty()) expired_tokens_[token_] = token_expires_;
        token_ = random_hex(32);
        token_expires_ = now + config_.token_lifetime;
        ++tokens_issued_;
    } else if (token_expires_ - now <= token_overlap) {
        // The last 5 minutes: a new token, while the old one stays valid until it expires.
        previous_token_ = token_;
        previous_valid_until_ = token_expires_;
        token_ = random_hex(32);
        token_expires_ = now + config_.token_lifetime;
        ++tokens_issued_;
    }
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(token_expires_ - now).count();
    return json::object{{"access_token", token_}, {"expires_in", remaining}};
}

int simulator_state::check_access_token(const std::string& token, time_point now) const {
    if (token.empty()) return 41001;
    if (token == token_ && now < token_expires_) return 0;
    if (token == previous_token_ && now < previous_valid_until_) return 0;
    if (token == token_ || token == previous_token_ || expired_tokens_.count(token)) return 42001;
    return 40001;
}

json::object simulator_state::get_user_phone_number(const std::string& access_token, const json::object& request, time_point now) {
    if (int e = check_access_token(access_token, now)) return error(e, "invalid credential, access_token is invalid or not latest");
    auto it = phone_codes_.find(string_of(request, "code"));
    if (it == phone_codes_.end() || it->second.used || now - it->second.issued > code_lifetime) return error(40029, "invalid code");
    it->second.used = true;
    const auto& p = it->second;
    const std::string full = p.country_code == "86" ? p.phone : "+" + p.country_code + p.phone;
    json::object info{{"phoneNumber", full},
                      {"purePhoneNumber", p.phone},
                      {"countryCode", p.country_code},
                      {"watermark", json::object{{"timestamp", seconds_since_epoch(now)}, {"appid", config_.appid}}}};
    return json::object{{"errcode", 0}, {"errmsg", "ok"}, {"phone_info", std::move(info)}};
}

std::optional<json::object> simulator_state::check_wxacode(const std::string& access_token, const json::object& request, time_point now) {
    if (int e = check_access_token(access_token, now)) return error(e, "invalid credential, access_token is invalid or not latest");
    if (!valid_scene(string_of(request, "scene"))) return error(40129, "invalid scene");
    const std::string page = string_of(request, "page");
    bool check_path = true;
    if (auto it = request.find("check_path"); it != request.end() && it->value().is_bool()) check_path = it->value().as_bool();
    if (!page.empty() && (page.front() == '/' || page.find('?') != std::string::npos)) return error(41030, "invalid page");
    // The simulator "publishes" every page under pages/: anything else fails the path check.
    if (check_path && !page.empty() && page.rfind("pages/", 0) != 0) return error(41030, "invalid page");
    const std::string env = string_of(request, "env_version");
    if (!env.empty() && env != "release" && env != "trial" && env != "develop") return error(40097, "invalid args: env_version");
    return std::nullopt;
}

json::object simulator_state::send_subscribe_message(const std::string& access_token, const json::object& request, time_point now) {
    if (int e = check_access_token(access_token, now)) return error(e, "invalid credential, access_token is invalid or not latest");
    const std::string touser = string_of(request, "touser");
    const std::string template_id = string_of(request, "template_id");
    if (!known_openids_.count(touser)) return error(40003, "invalid openid");
    if (template_id.empty()) return error(40037, "invalid template_id");
    auto data_it = request.find("data");
    if (data_it == request.end() || !data_it->value().is_object()) return error(47003, "argument invalid! data is missing");
    delivered_message message{touser, template_id, string_of(request, "page"), string_of(request, "miniprogram_state"),
                              string_of(request, "lang"), {}, 0, now};
    for (const auto& [key, entry] : data_it->value().as_object()) {
        if (!entry.is_object() || !entry.as_object().contains("value") || !entry.as_object().at("value").is_string())
            return error(47003, "argument invalid! data." + std::string(key) + ".value is missing");
        std::string value(entry.as_object().at("value").as_string());
        if (auto problem = data_value_problem(std::string(key), value))
            return error(47003, "argument invalid! data." + std::string(key) + ".value " + *problem);
        message.data[std::string(key)] = std::move(value);
    }
    auto& quota = subscription_quota_[{touser, template_id}];
    if (quota <= 0) return error(43101, "user refuse to accept the msg");
    --quota;
    message.msgid = next_msgid_++;
    messages_.push_back(message);
    return json::object{{"errcode", 0}, {"errmsg", "ok"}, {"msgid", message.msgid}};
}

}  // namespace sharedstore::simulator
