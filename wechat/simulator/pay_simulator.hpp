#pragma once
// The WeChat Pay API v3 side of the simulator: merchant-signed requests are verified, answers are
// signed with the platform key, and payment and refund notifications are built as WeChat builds
// them (resource encrypted with AES-256-GCM under the API v3 key, body signed per delivery).
// I/O-free: the handler sends what this produces.
#include "common/http/message.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <variant>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore::simulator {

using pay_time_point = std::chrono::system_clock::time_point;

struct pay_config {
    std::string appid;
    std::string mchid;
    std::string merchant_serial;               // serial of the merchant certificate requests must name
    wechat_pay::public_key merchant_key;       // verifies the merchant's request signatures
    wechat_pay::private_key platform_key;      // signs answers and notifications
    std::string platform_serial;               // Wechatpay-Serial of what it signs
    std::string apiv3_key;                     // 32 bytes
};

struct pay_transaction {
    std::string out_trade_no, prepay_id, description, notify_url, attach, payer_openid, request_body;
    std::int64_t total = 0;
    std::int64_t refunded = 0;
    std::string trade_state = "NOTPAY";
    std::string transaction_id, success_time;
};

struct pay_notification {
    std::string url;
    std::string body;  // the JSON WeChat posts; headers are signed per delivery (sign_delivery)
    std::string event_type;
};

class pay_simulator {
public:
    explicit pay_simulator(pay_config config);

    const pay_config& config() const { return config_; }
    // POST /v3/pay/transactions/jsapi
    http_response jsapi_prepay(const http_request& request, pay_time_point now);
    // GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=
    http_response query_transaction(const http_request& request, const std::string& out_trade_no, pay_time_point now);

    // Control: the payer paid. The notification to deliver, or an error text.
    std::variant<pay_notification, std::string> succeed(const std::string& out_trade_no, pay_time_point now);
    // Control: a refund of `amount` fen succeeded. Its notification, or an error text.
    std::variant<pay_notification, std::string> refund(const std::string& out_trade_no, std::int64_t amount, pay_time_point now);

    // Wechatpay-* headers for one delivery of `body` (fresh timestamp and nonce each time).
    // `corrupt_signature` sends a wrong one, as WeChat does on purpose to test merchants.
    std::vector<std::pair<std::string, std::string>> sign_delivery(const std::string& body, pay_time_point now, bool corrupt_signature) const;

    const pay_transaction* find(const std::string& out_trade_no) const;

private:
    // The merchant's signature on a request: empty when valid, else why not.
    std::string check_request_signature(const http_request& request, pay_time_point now) const;
    http_response signed_json(int status, const boost::json::object& body, pay_time_point now) const;
    http_response error(int status, const std::string& code, const std::string& message, pay_time_point now) const;
    boost::json::object transaction_json(const pay_transaction& t) const;
    pay_notification notification(const std::string& url, const std::string& event_type, const std::string& summary,
                                   const std::string& original_type, const boost::json::object& resource, pay_time_point now) const;

    pay_config config_;
    std::map<std::string, pay_transaction> transactions_;
    std::int64_t sequence_ = 1;
};

// RFC 3339 with +08:00, as WeChat Pay writes times (e.g. 2026-11-24T22:35:12+08:00).
std::string china_time(pay_time_point t);

}  // namespace sharedstore::simulator
