#include "wechat/simulator/pay_simulator.hpp"

#include "common/random_token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace sharedstore::simulator {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::int64_t unix_seconds(pay_time_point t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

bool valid_out_trade_no(const std::string& s) {
    if (s.size() < 6 || s.size() > 32) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '|' || c == '*')) return false;
    return true;
}

// `n` random decimal digits.
std::string random_digits(std::size_t n) {
    std::string out;
    while (out.size() < n)
        for (char c : random_hex(16))
            if (out.size() < n) out += static_cast<char>('0' + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a') % 10);
    return out;
}

std::string normalised_serial(std::string_view s) {
    std::string out;
    for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto first = out.find_first_not_of('0');
    return first == std::string::npos ? std::string() : out.substr(first);
}

std::string query_param(const http_request& request, std::string_view name) {
    auto params = boost::urls::parse_query(request.query);
    if (!params) return {};
    for (auto param : *params)
        if (param.key == name) return param.value.decode();
    return {};
}

}  // namespace

std::string china_time(pay_time_point t) {
    std::time_t seconds = static_cast<std::time_t>(unix_seconds(t) + 8 * 3600);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[80];  // room for any int the compiler can imagine, not just real dates
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

bool same_serial(std::string_view a, std::string_view b) { return !a.empty() && normalised_serial(a) == normalised_serial(b); }

pay_simulator::pay_simulator(pay_config config) : config_(std::move(config)) {}

void pay_simulator::set_refund_behaviour(std::string answer_status, bool notify) {
    refund_answer_status_ = std::move(answer_status);
    notify_refunds_ = notify;
}

pay_simulator::signer pay_simulator::answer_signer(const http_request& request) const {
    const signer certificate{&config_.platform_key, config_.platform_serial};
    if (config_.signing == signing_mode::certificate || !config_.public_key_signer) return certificate;
    const signer public_key{&*config_.public_key_signer, config_.public_key_id};
    if (config_.signing == signing_mode::public_key) return public_key;
    // During the switch WeChat Pay answers with the key the request named in Wechatpay-Serial.
    return request.header("wechatpay-serial").value_or("") == config_.public_key_id ? public_key : certificate;
}

pay_simulator::signer pay_simulator::notification_signer() {
    const signer certificate{&config_.platform_key, config_.platform_serial};
    if (config_.signing == signing_mode::certificate || !config_.public_key_signer) return certificate;
    const signer public_key{&*config_.public_key_signer, config_.public_key_id};
    if (config_.signing == signing_mode::public_key) return public_key;
    return coin_() % 2 == 0 ? public_key : certificate;  // WeChat: a growing share of callbacks, at random
}

const wechat_pay::private_key* pay_simulator::sensitive_field_key(std::string_view wechatpay_serial) const {
    if (config_.signing != signing_mode::public_key && same_serial(wechatpay_serial, config_.platform_serial)) return &config_.platform_key;
    if (config_.signing != signing_mode::certificate && config_.public_key_signer && wechatpay_serial == config_.public_key_id)
        return &*config_.public_key_signer;
    return nullptr;
}

std::vector<std::pair<std::string, std::string>> pay_simulator::signature_headers(const signer& s, const std::string& body,
                                                                                 pay_time_point now, bool corrupt) const {
    const auto timestamp = std::to_string(unix_seconds(now));
    const auto nonce = random_hex(16);
    auto signature = s.key->sign(wechat_pay::response_message(timestamp, nonce, corrupt ? body + " " : body));
    return {{"Wechatpay-Serial", s.serial},
            {"Wechatpay-Signature", signature},
            {"Wechatpay-Timestamp", timestamp},
            {"Wechatpay-Nonce", nonce},
            {"Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"}};
}

std::vector<std::pair<std::string, std::string>> pay_simulator::sign_delivery(const std::string& body, pay_time_point now,
                                                                             bool corrupt_signature) {
    return signature_headers(notification_signer(), body, now, corrupt_signature);
}

http_response pay_simulator::signed_json(int status, const json::object& body, pay_time_point now, const http_request& request) const {
    auto response = http_response::json(status, body);
    response.content_type = "application/json; charset=utf-8";
    for (auto& [name, value] : signature_headers(answer_signer(request), response.body, now, false)) response.set_header(name, value);
    response.set_header("Request-ID", random_hex(16));
    return response;
}

http_response pay_simulator::error(int status, const std::string& code, const std::string& message, pay_time_point now,
                                   const http_request& request) const {
    return signed_json(status, json::object{{"code", code}, {"message", message}}, now, request);
}

http_response pay_simulator::param_error(const std::string& field, const std::string& issue, pay_time_point now,
                                         const http_request& request, const std::string& location) const {
    json::object body{{"code", "PARAM_ERROR"},
                      {"message", "输入源“/" + location + field + "”映射到字段失败: " + issue},
                      {"detail", json::object{{"field", field}, {"issue", issue}, {"location", location}}}};
    return signed_json(400, body, now, request);
}

std::string pay_simulator::check_request_signature(const http_request& request, pay_time_point now) const {
    auto header = request.header("authorization");
    if (!header) return "Authorization header missing";
    auto auth = wechat_pay::parse_authorization(*header);
    if (!auth) return "Authorization is not WECHATPAY2-SHA256-RSA2048 with mchid, nonce_str, signature, timestamp, serial_no";
    if (auth->mchid != config_.mchid) return "mchid does not match";
    if (!same_serial(auth->serial_no, config_.merchant_serial)) return "serial_no is not the merchant certificate's";
    long long timestamp = 0;
    try {
        timestamp = std::stoll(auth->timestamp);
    } catch (...) {
        return "timestamp is not a number";
    }
    if (std::llabs(timestamp - unix_seconds(now)) > 300) return "timestamp more than 5 minutes off";
    const auto message = wechat_pay::request_message(request.method, request.target, auth->timestamp, auth->nonce_str, request.body);
    if (!config_.merchant_key.verify(message, auth->signature)) return "signature does not verify";
    return {};
}

std::optional<http_response> pay_simulator::admit(const http_request& request, pay_time_point now) const {
    if (!request.header("user-agent") || request.header("user-agent")->empty())
        return param_error("User-Agent", "HTTP header User-Agent is required", now, request, "header");
    if (!request.header("accept") || request.header("accept")->empty())
        return param_error("Accept", "HTTP header Accept is required", now, request, "header");
    if (auto problem = check_request_signature(request, now); !problem.empty()) {
        // Not signed: the request was not authenticated, so WeChat Pay does not sign for it either.
        auto response = http_response::json(401, json::object{{"code", "SIGN_ERROR"}, {"message", problem}});
        response.content_type = "application/json; charset=utf-8";
        response.set_header("Request-ID", random_hex(16));
        return response;
    }
    return std::nullopt;
}

std::optional<http_response> pay_simulator::check_mchid_query(const http_request& request, pay_time_point now) const {
    const auto mchid = query_param(request, "mchid");
    if (mchid.empty()) return param_error("/mchid", "mchid is required", now, request, "query");
    if (mchid != config_.mchid) return error(400, "PARAM_ERROR", "mchid does not match the signature's", now, request);
    return std::nullopt;
}

http_response pay_simulator::jsapi_prepay(const http_request& request, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return param_error("/", "body is not a JSON object", now, request);
    const auto& body = value.as_object();
    if (string_of(body, "appid") != config_.appid) return param_error("/appid", "appid does not match", now, request);
    if (string_of(body, "mchid") != config_.mchid) return param_error("/mchid", "mchid does not match", now, request);
    const auto out_trade_no = string_of(body, "out_trade_no");
    if (!valid_out_trade_no(out_trade_no)) return param_error("/out_trade_no", "must be 6-32 of [0-9A-Za-z_-|*]", now, request);
    const auto description = string_of(body, "description");
    if (description.empty() || description.size() > 127) return param_error("/description", "must be 1-127 bytes", now, request);
    const auto notify_url = string_of(body, "notify_url");
    if (notify_url.rfind("http", 0) != 0) return param_error("/notify_url", "must be an absolute URL", now, request);
    auto amount = body.find("amount");
    if (amount == body.end() || !amount->value().is_object() || !amount->value().as_object().contains("total") ||
        !amount->value().as_object().at("total").is_int64() || amount->value().as_object().at("total").as_int64() <= 0)
        return param_error("/amount/total", "must be a positive integer (fen)", now, request);
    const auto total = amount->value().as_object().at("total").as_int64();
    const auto currency = string_of(amount->value().as_object(), "currency");
    if (!currency.empty() && currency != "CNY") return param_error("/amount/currency", "must be CNY", now, request);
    auto payer = body.find("payer");
    const auto openid = payer != body.end() && payer->value().is_object() ? string_of(payer->value().as_object(), "openid") : "";
    if (openid.empty()) return param_error("/payer/openid", "is required for JSAPI", now, request);

    if (auto it = transactions_.find(out_trade_no); it != transactions_.end()) {
        // The same order again (compared as JSON: key order and whitespace do not matter) gets
        // the same prepay_id; other parameters under the same number are refused.
        if (it->second.request != body) return error(403, "OUT_TRADE_NO_USED", "商户订单号重复", now, request);
        if (it->second.trade_state == "CLOSED") return error(400, "ORDER_CLOSED", "订单已关闭", now, request);
        if (it->second.trade_state != "NOTPAY") return error(400, "ORDERPAID", "该订单已支付", now, request);
        return signed_json(200, json::object{{"prepay_id", it->second.prepay_id}}, now, request);
    }
    pay_transaction t;
    t.out_trade_no = out_trade_no;
    t.prepay_id = "wx" + random_hex(16);
    t.description = description;
    t.notify_url = notify_url;
    t.attach = string_of(body, "attach");
    t.payer_openid = openid;
    t.total = total;
    t.request = body;
    transactions_[out_trade_no] = t;
    return signed_json(200, json::object{{"prepay_id", t.prepay_id}}, now, request);
}

json::object pay_simulator::transaction_json(const pay_transaction& t) const {
    static const std::map<std::string, std::string> descriptions{
        {"SUCCESS", "支付成功"}, {"REFUND", "转入退款"}, {"NOTPAY", "订单未支付"}, {"CLOSED", "订单已关闭"}};
    json::object o{{"appid", config_.appid},
                   {"mchid", config_.mchid},
                   {"out_trade_no", t.out_trade_no},
                   {"trade_type", "JSAPI"},
                   {"trade_state", t.trade_state},
                   {"trade_state_desc", descriptions.at(t.trade_state)},
                   {"attach", t.attach},
                   {"payer", json::object{{"openid", t.payer_openid}}},
                   {"amount", json::object{{"total", t.total}, {"payer_total", t.total}, {"currency", "CNY"}, {"payer_currency", "CNY"}}}};
    if (!t.transaction_id.empty()) {
        o["transaction_id"] = t.transaction_id;
        o["bank_type"] = "OTHERS";
        o["success_time"] = t.success_time;
    }
    return o;
}

http_response pay_simulator::query_transaction(const http_request& request, const std::string& out_trade_no, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    if (auto refused = check_mchid_query(request, now)) return *refused;
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return error(404, "ORDER_NOT_EXIST", "订单不存在", now, request);
    return signed_json(200, transaction_json(it->second), now, request);
}

http_response pay_simulator::query_by_transaction_id(const http_request& request, const std::string& transaction_id, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    if (auto refused = check_mchid_query(request, now)) return *refused;
    for (const auto& [no, t] : transactions_)
        if (!t.transaction_id.empty() && t.transaction_id == transaction_id) return signed_json(200, transaction_json(t), now, request);
    return error(404, "ORDER_NOT_EXIST", "订单不存在", now, request);
}

http_response pay_simulator::close_order(const http_request& request, const std::string& out_trade_no, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object() || string_of(value.as_object(), "mchid").empty())
        return param_error("/mchid", "mchid is required", now, request);
    if (string_of(value.as_object(), "mchid") != config_.mchid) return error(400, "PARAM_ERROR", "mchid does not match", now, request);
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return error(404, "ORDER_NOT_EXIST", "订单不存在", now, request);
    if (it->second.trade_state == "SUCCESS" || it->second.trade_state == "REFUND")
        return error(400, "ORDERPAID", "订单已支付，不能关闭", now, request);
    it->second.trade_state = "CLOSED";  // closing twice is no error, as WeChat's
    http_response response;
    response.status = 204;
    response.content_type.clear();
    for (auto& [name, v] : signature_headers(answer_signer(request), "", now, false)) response.set_header(name, v);
    return response;
}

http_response pay_simulator::unknown_path(const http_request& request, int status, pay_time_point now) {
    return error(status, status == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
                 status == 405 ? "请求方法不支持" : "请求的资源不存在 (the simulator does not implement " + request.path + ")", now, request);
}

pay_notification pay_simulator::notification(const std::string& url, const std::string& event_type, const std::string& summary,
                                             const std::string& original_type, const json::object& resource, pay_time_point now) const {
    const std::string nonce = random_hex(6);  // 12 characters, as WeChat's
    const std::string associated_data = original_type;
    json::object encrypted{{"original_type", original_type},
                           {"algorithm", "AEAD_AES_256_GCM"},
                           {"ciphertext", wechat_pay::aes_256_gcm_encrypt(config_.apiv3_key, nonce, associated_data, json::serialize(resource))},
                           {"associated_data", associated_data},
                           {"nonce", nonce}};
    json::object body{{"id", random_hex(18)},
                      {"create_time", china_time(now)},
                      {"resource_type", "encrypt-resource"},
                      {"event_type", event_type},
                      {"summary", summary},
                      {"resource", std::move(encrypted)}};
    return pay_notification{url, json::serialize(body), event_type};
}

std::variant<pay_notification, std::string> pay_simulator::succeed(const std::string& out_trade_no, pay_time_point now) {
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return std::string("no such order");
    auto& t = it->second;
    if (t.trade_state != "NOTPAY") return std::string("order is " + t.trade_state);
    t.trade_state = "SUCCESS";
    // 28 digits, as WeChat's: 4200, then the date, then a sequence.
    std::time_t seconds = static_cast<std::time_t>(unix_seconds(now) + 8 * 3600);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday);
    char sequence[16];
    std::snprintf(sequence, sizeof sequence, "%06lld", static_cast<long long>(sequence_++ % 1000000));
    t.transaction_id = "4200" + std::string(date) + sequence + random_digits(10);
    t.success_time = china_time(now);
    return notification(t.notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction", transaction_json(t), now);
}

const pay_transaction* pay_simulator::find(const std::string& out_trade_no) const {
    auto it = transactions_.find(out_trade_no);
    return it == transactions_.end() ? nullptr : &it->second;
}

}  // namespace sharedstore::simulator
