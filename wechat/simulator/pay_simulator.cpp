#include "wechat/simulator/pay_simulator.hpp"

#include "common/random_token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

pay_simulator::pay_simulator(pay_config config) : config_(std::move(config)) {}

std::string pay_simulator::check_request_signature(const http_request& request, pay_time_point now) const {
    auto header = request.header("authorization");
    if (!header) return "Authorization header missing";
    auto auth = wechat_pay::parse_authorization(*header);
    if (!auth) return "Authorization is not WECHATPAY2-SHA256-RSA2048 with mchid, nonce_str, signature, timestamp, serial_no";
    if (auth->mchid != config_.mchid) return "mchid does not match";
    if (auth->serial_no != config_.merchant_serial) return "serial_no is not the merchant certificate's";
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

std::vector<std::pair<std::string, std::string>> pay_simulator::sign_delivery(const std::string& body, pay_time_point now,
                                                                             bool corrupt_signature) const {
    const auto timestamp = std::to_string(unix_seconds(now));
    const auto nonce = random_hex(16);
    auto signature = config_.platform_key.sign(wechat_pay::response_message(timestamp, nonce, body));
    if (corrupt_signature) signature = config_.platform_key.sign(wechat_pay::response_message(timestamp, nonce, body + " "));
    return {{"Wechatpay-Serial", config_.platform_serial},
            {"Wechatpay-Signature", signature},
            {"Wechatpay-Timestamp", timestamp},
            {"Wechatpay-Nonce", nonce},
            {"Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"},
            {"Request-ID", random_hex(16)}};
}

http_response pay_simulator::signed_json(int status, const json::object& body, pay_time_point now) const {
    auto response = http_response::json(status, body);
    for (auto& [name, value] : sign_delivery(response.body, now, false)) response.set_header(name, value);
    return response;
}

http_response pay_simulator::error(int status, const std::string& code, const std::string& message, pay_time_point now) const {
    return signed_json(status, json::object{{"code", code}, {"message", message}}, now);
}

http_response pay_simulator::jsapi_prepay(const http_request& request, pay_time_point now) {
    if (auto problem = check_request_signature(request, now); !problem.empty()) return error(401, "SIGN_ERROR", problem, now);
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return error(400, "PARAM_ERROR", "body is not a JSON object", now);
    const auto& body = value.as_object();
    if (string_of(body, "appid") != config_.appid) return error(400, "PARAM_ERROR", "appid does not match", now);
    if (string_of(body, "mchid") != config_.mchid) return error(400, "PARAM_ERROR", "mchid does not match", now);
    const auto out_trade_no = string_of(body, "out_trade_no");
    if (!valid_out_trade_no(out_trade_no)) return error(400, "PARAM_ERROR", "out_trade_no must be 6-32 of [0-9A-Za-z_-|*]", now);
    const auto description = string_of(body, "description");
    if (description.empty() || description.size() > 127) return error(400, "PARAM_ERROR", "description must be 1-127 bytes", now);
    const auto notify_url = string_of(body, "notify_url");
    if (notify_url.rfind("http", 0) != 0) return error(400, "PARAM_ERROR", "notify_url must be an absolute URL", now);
    auto amount = body.find("amount");
    if (amount == body.end() || !amount->value().is_object() || !amount->value().as_object().contains("total") ||
        !amount->value().as_object().at("total").is_int64() || amount->value().as_object().at("total").as_int64() <= 0)
        return error(400, "PARAM_ERROR", "amount.total must be a positive integer (fen)", now);
    const auto total = amount->value().as_object().at("total").as_int64();
    const auto currency = string_of(amount->value().as_object(), "currency");
    if (!currency.empty() && currency != "CNY") return error(400, "PARAM_ERROR", "amount.currency must be CNY", now);
    auto payer = body.find("payer");
    const auto openid = payer != body.end() && payer->value().is_object() ? string_of(payer->value().as_object(), "openid") : "";
    if (openid.empty()) return error(400, "PARAM_ERROR", "payer.openid is required for JSAPI", now);

    if (auto it = transactions_.find(out_trade_no); it != transactions_.end()) {
        // The same order placed again gets the same prepay_id; a different one under the same number is refused.
        if (it->second.request_body != request.body) return error(400, "INVALID_REQUEST", "out_trade_no was used with other parameters", now);
        if (it->second.trade_state == "SUCCESS") return error(400, "ORDERPAID", "the order is already paid", now);
        return signed_json(200, json::object{{"prepay_id", it->second.prepay_id}}, now);
    }
    pay_transaction t;
    t.out_trade_no = out_trade_no;
    t.prepay_id = "wx" + random_hex(16);
    t.description = description;
    t.notify_url = notify_url;
    t.attach = string_of(body, "attach");
    t.payer_openid = openid;
    t.total = total;
    t.request_body = request.body;
    transactions_[out_trade_no] = t;
    return signed_json(200, json::object{{"prepay_id", t.prepay_id}}, now);
}

json::object pay_simulator::transaction_json(const pay_transaction& t) const {
    json::object o{{"appid", config_.appid},
                   {"mchid", config_.mchid},
                   {"out_trade_no", t.out_trade_no},
                   {"trade_type", "JSAPI"},
                   {"trade_state", t.trade_state},
                   {"trade_state_desc", t.trade_state == "SUCCESS" ? "支付成功" : t.trade_state == "REFUND" ? "转入退款" : "订单未支付"},
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
    if (auto problem = check_request_signature(request, now); !problem.empty()) return error(401, "SIGN_ERROR", problem, now);
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return error(404, "ORDER_NOT_EXIST", "no such order", now);
    return signed_json(200, transaction_json(it->second), now);
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
    t.transaction_id = "4200" + std::to_string(1000000000000000LL + sequence_++) + random_hex(4).substr(0, 8);
    t.success_time = china_time(now);
    return notification(t.notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction", transaction_json(t), now);
}

std::variant<pay_notification, std::string> pay_simulator::refund(const std::string& out_trade_no, std::int64_t amount, pay_time_point now) {
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return std::string("no such order");
    auto& t = it->second;
    if (t.trade_state != "SUCCESS" && t.trade_state != "REFUND") return std::string("order is " + t.trade_state);
    if (amount <= 0 || t.refunded + amount > t.total) return std::string("refund exceeds what is left to refund");
    t.refunded += amount;
    t.trade_state = "REFUND";
    json::object resource{{"mchid", config_.mchid},
                          {"out_trade_no", t.out_trade_no},
                          {"transaction_id", t.transaction_id},
                          {"out_refund_no", "R" + random_hex(8)},
                          {"refund_id", "5030" + std::to_string(1000000000000000LL + sequence_++)},
                          {"refund_status", "SUCCESS"},
                          {"success_time", china_time(now)},
                          {"user_received_account", "支付用户零钱"},
                          {"amount", json::object{{"total", t.total}, {"refund", amount}, {"payer_total", t.total}, {"payer_refund", amount}}}};
    return notification(t.notify_url, "REFUND.SUCCESS", "退款成功", "refund", resource, now);
}

const pay_transaction* pay_simulator::find(const std::string& out_trade_no) const {
    auto it = transactions_.find(out_trade_no);
    return it == transactions_.end() ? nullptr : &it->second;
}

}  // namespace sharedstore::simulator
