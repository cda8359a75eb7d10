// The simulator's refund API (POST /v3/refund/domestic/refunds, the query by out_refund_no, the
// REFUND.SUCCESS notification) and the platform certificate list (GET /v3/certificates).
#include "common/random_token.hpp"
#include "wechat/simulator/pay_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>

namespace sharedstore::simulator {

namespace json = boost::json;

namespace {

std::string string_of(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::optional<std::int64_t> positive_int(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_int64() || it->value().as_int64() <= 0) return std::nullopt;
    return it->value().as_int64();
}

bool valid_out_refund_no(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '|' || c == '*' || c == '@')) return false;
    return true;
}

std::size_t utf8_length(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace

json::object pay_simulator::refund_json(const pay_refund& r, const std::string& status) const {
    const auto& t = transactions_.at(r.out_trade_no);
    json::object o{{"refund_id", r.refund_id},
                   {"out_refund_no", r.out_refund_no},
                   {"transaction_id", r.transaction_id},
                   {"out_trade_no", r.out_trade_no},
                   {"channel", "ORIGINAL"},
                   {"user_received_account", "支付用户零钱"},
                   {"create_time", r.create_time},
                   {"status", status},
                   {"funds_account", "AVAILABLE"},
                   {"amount", json::object{{"total", t.total}, {"refund", r.amount}, {"payer_total", t.total}, {"payer_refund", r.amount},
                                           {"settlement_total", t.total}, {"settlement_refund", r.amount}, {"discount_refund", 0},
                                           {"currency", "CNY"}, {"refund_fee", 0}}}};
    if (status == "SUCCESS") o["success_time"] = r.success_time;
    return o;
}

pay_refund& pay_simulator::record_refund(pay_transaction& t, const std::string& out_refund_no, std::int64_t amount,
                                        const std::string& notify_url, json::object request, pay_time_point now) {
    t.refunded += amount;
    t.trade_state = "REFUND";
    char sequence[32];
    std::snprintf(sequence, sizeof sequence, "%011lld", static_cast<long long>(sequence_++ % 100000000000LL));
    pay_refund r;
    r.out_refund_no = out_refund_no;
    std::string digits;  // 29 digits in all, as WeChat's refund ids
    for (char c : random_hex(7)) digits += static_cast<char>('0' + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a') % 10);
    r.refund_id = "5030" + std::string(sequence) + digits;
    r.out_trade_no = t.out_trade_no;
    r.transaction_id = t.transaction_id;
    r.notify_url = notify_url.empty() ? t.notify_url : notify_url;
    r.status = "SUCCESS";  // the simulator's refunds complete at once; answers may still say PROCESSING
    r.create_time = r.success_time = china_time(now);
    r.request = std::move(request);
    r.amount = amount;
    return refunds_[out_refund_no] = std::move(r);
}

pay_notification pay_simulator::refund_notification(const pay_refund& r, pay_time_point now) const {
    const auto& t = transactions_.at(r.out_trade_no);
    json::object resource{{"mchid", config_.mchid},
                          {"out_trade_no", r.out_trade_no},
                          {"transaction_id", r.transaction_id},
                          {"out_refund_no", r.out_refund_no},
                          {"refund_id", r.refund_id},
                          {"refund_status", r.status},
                          {"success_time", r.success_time},
                          {"user_received_account", "支付用户零钱"},
                          {"amount", json::object{{"total", t.total}, {"refund", r.amount}, {"payer_total", t.total}, {"payer_refund", r.amount}}}};
    return notification(r.notify_url, "REFUND.SUCCESS", "退款成功", "refund", resource, now);
}

pay_answer pay_simulator::create_refund(const http_request& request, pay_time_point now) {
    if (auto refused = admit(request, now)) return {*refused, std::nullopt, {}};
    boost::system::error_code ec;
    auto value = json::parse(request.body, ec);
    if (ec || !value.is_object()) return {param_error("/", "body is not a JSON object", now, request), std::nullopt, {}};
    const auto& body = value.as_object();
    const auto out_refund_no = string_of(body, "out_refund_no");
    if (!valid_out_refund_no(out_refund_no))
        return {param_error("/out_refund_no", "must be 1-64 of [0-9A-Za-z_-|*@]", now, request), std::nullopt, {}};
    const auto transaction_id = string_of(body, "transaction_id"), out_trade_no = string_of(body, "out_trade_no");
    if (transaction_id.empty() == out_trade_no.empty())
        return {param_error("/out_trade_no", "exactly one of transaction_id and out_trade_no", now, request), std::nullopt, {}};
    if (body.contains("reason") && (string_of(body, "reason").empty() || utf8_length(string_of(body, "reason")) > 80))
        return {param_error("/reason", "must be 1-80 characters", now, request), std::nullopt, {}};
    const auto notify_url = string_of(body, "notify_url");
    if (body.contains("notify_url") && (notify_url.rfind("http", 0) != 0 || notify_url.find('?') != std::string::npos))
        return {param_error("/notify_url", "must be an absolute URL without a query", now, request), std::nullopt, {}};
    auto amount_it = body.find("amount");
    if (amount_it == body.end() || !amount_it->value().is_object())
        return {param_error("/amount", "is required", now, request), std::nullopt, {}};
    const auto& amount = amount_it->value().as_object();
    const auto refund = positive_int(amount, "refund"), total = positive_int(amount, "total");
    if (!refund) return {param_error("/amount/refund", "must be a positive integer (fen)", now, request), std::nullopt, {}};
    if (!total) return {param_error("/amount/total", "must be a positive integer (fen)", now, request), std::nullopt, {}};
    if (string_of(amount, "currency") != "CNY") return {param_error("/amount/currency", "must be CNY", now, request), std::nullopt, {}};

    // One refund per out_refund_no: the same request again answers that refund, as WeChat's.
    if (auto it = refunds_.find(out_refund_no); it != refunds_.end()) {
        if (it->second.request != body)
            return {error(400, "INVALID_REQUEST", "商户退款单号已被使用，且退款参数与之前不一致", now, request), std::nullopt, {}};
        return {signed_json(200, refund_json(it->second, it->second.status), now, request), std::nullopt, {}};
    }
    pay_transaction* t = nullptr;
    if (!out_trade_no.empty()) {
        if (auto it = transactions_.find(out_trade_no); it != transactions_.end()) t = &it->second;
    } else {
        for (auto& [no, candidate] : transactions_)
            if (candidate.transaction_id == transaction_id) t = &candidate;
    }
    if (!t) return {error(404, "RESOURCE_NOT_EXISTS", "订单不存在", now, request), std::nullopt, {}};
    if (t->trade_state != "SUCCESS" && t->trade_state != "REFUND")
        return {error(400, "INVALID_REQUEST", "订单状态不允许退款 (" + t->trade_state + ")", now, request), std::nullopt, {}};
    if (*total != t->total) return {error(400, "INVALID_REQUEST", "订单金额与原订单不一致", now, request), std::nullopt, {}};
    if (t->refunded + *refund > t->total) return {error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额", now, request), std::nullopt, {}};

    const auto& r = record_refund(*t, out_refund_no, *refund, notify_url, body, now);
    auto response = signed_json(200, refund_json(r, refund_answer_status_), now, request);
    std::optional<pay_notification> notice;
    if (notify_refunds_) notice = refund_notification(r, now);
    return {std::move(response), std::move(notice), r.out_trade_no};
}

http_response pay_simulator::query_refund(const http_request& request, const std::string& out_refund_no, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    auto it = refunds_.find(out_refund_no);
    if (it == refunds_.end()) return error(404, "RESOURCE_NOT_EXISTS", "退款单不存在", now, request);
    return signed_json(200, refund_json(it->second, it->second.status), now, request);
}

std::variant<pay_notification, std::string> pay_simulator::refund(const std::string& out_trade_no, std::int64_t amount, pay_time_point now) {
    auto it = transactions_.find(out_trade_no);
    if (it == transactions_.end()) return std::string("no such order");
    auto& t = it->second;
    if (t.trade_state != "SUCCESS" && t.trade_state != "REFUND") return std::string("order is " + t.trade_state);
    if (amount <= 0 || t.refunded + amount > t.total) return std::string("refund exceeds what is left to refund");
    const auto& r = record_refund(t, "R" + random_hex(8), amount, "", {}, now);
    return refund_notification(r, now);
}

http_response pay_simulator::certificates(const http_request& request, pay_time_point now) {
    if (auto refused = admit(request, now)) return *refused;
    json::array data;
    // A merchant in public-key mode has no platform certificate: WeChat Pay lists none.
    if (config_.signing != signing_mode::public_key && !config_.platform_certificate_pem.empty()) {
        const std::string nonce = random_hex(6), associated_data = "certificate";
        auto at = [](long long s) { return china_time(pay_time_point(std::chrono::seconds(s))); };
        data.push_back(json::object{
            {"serial_no", config_.platform_serial},
            {"effective_time", at(config_.certificate_not_before)},
            {"expire_time", at(config_.certificate_not_after)},
            {"encrypt_certificate",
             json::object{{"algorithm", "AEAD_AES_256_GCM"},
                          {"nonce", nonce},
                          {"associated_data", associated_data},
                          {"ciphertext", wechat_pay::aes_256_gcm_encrypt(config_.apiv3_key, nonce, associated_data,
                                                                         config_.platform_certificate_pem)}}}});
    }
    return signed_json(200, json::object{{"data", std::move(data)}}, now, request);
}

}  // namespace sharedstore::simulator
