#pragma once
// The WeChat Pay API v3 side of the simulator: merchant-signed requests are verified, answers are
// signed with the platform certificate's key or WeChat Pay's public key (signing_mode), and
// payment and refund notifications are built as WeChat builds them (resource encrypted with
// AES-256-GCM under the API v3 key, body signed per delivery). I/O-free: the handler sends what
// this produces. docs/simulator.md lists what it implements and what it leaves out.
#include "common/http/message.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace sharedstore::simulator {

using pay_time_point = std::chrono::system_clock::time_point;

// How WeChat Pay signs for a merchant: with the platform certificate (older merchants), with the
// WeChat Pay public key (merchants onboarded now), or both during the switch: answers then follow
// the Wechatpay-Serial the request named, notifications use either at random.
enum class signing_mode { certificate, public_key, both };

struct pay_config {
    std::string appid;
    std::string mchid;
    std::string merchant_serial;               // serial of the merchant certificate requests must name
    wechat_pay::public_key merchant_key;       // verifies the merchant's request signatures
    wechat_pay::private_key platform_key;      // signs answers and notifications in certificate mode
    std::string platform_serial;               // Wechatpay-Serial of what it signs
    std::string apiv3_key;                     // 32 bytes
    signing_mode signing = signing_mode::certificate;
    std::optional<wechat_pay::private_key> public_key_signer;  // the private half of WeChat Pay's public key
    std::string public_key_id;                                 // PUB_KEY_ID_...
    std::string platform_certificate_pem;                      // listed (sealed) by /v3/certificates
    long long certificate_not_before = 0, certificate_not_after = 0;  // Unix seconds
};

struct pay_transaction {
    std::string out_trade_no, prepay_id, description, notify_url, attach, payer_openid;
    boost::json::object request;  // the prepay as parsed: a repeat is compared field by field
    std::int64_t total = 0;
    std::int64_t refunded = 0;
    std::string trade_state = "NOTPAY";  // NOTPAY, SUCCESS, REFUND, CLOSED
    std::string transaction_id, success_time;
};

struct pay_refund {
    std::string out_refund_no, refund_id, out_trade_no, transaction_id, notify_url, status, create_time, success_time;
    boost::json::object request;  // empty for refunds made through the control API
    std::int64_t amount = 0;
};

struct pay_notification {
    std::string url;
    std::string body;  // the JSON WeChat posts; headers are signed per delivery (sign_delivery)
    std::string event_type;
    std::string subject_field = "out_trade_no";  // what the delivery log names it by (out_bill_no for transfers)
};

// An API answer, and the notification it sets off (a refund's), if any.
struct pay_answer {
    http_response response;
    std::optional<pay_notification> notification;
    std::string out_trade_no;  // the order the notification is about
};

class pay_simulator {
public:
    explicit pay_simulator(pay_config config);

    const pay_config& config() const { return config_; }
    // POST /v3/pay/transactions/jsapi
    http_response jsapi_prepay(const http_request& request, pay_time_point now);
    // GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=
    http_response query_transaction(const http_request& request, const std::string& out_trade_no, pay_time_point now);
    // GET /v3/pay/transactions/id/{transaction_id}?mchid=
    http_response query_by_transaction_id(const http_request& request, const std::string& transaction_id, pay_time_point now);
    // POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close {mchid}
    http_response close_order(const http_request& request, const std::string& out_trade_no, pay_time_point now);
    // POST /v3/refund/domestic/refunds
    pay_answer create_refund(const http_request& request, pay_time_point now);
    // GET /v3/refund/domestic/refunds/{out_refund_no}
    http_response query_refund(const http_request& request, const std::string& out_refund_no, pay_time_point now);
    // GET /v3/certificates
    http_response certificates(const http_request& request, pay_time_point now);
    // Any other /v3/ path: WeChat Pay's error shape, not the mini-program's errcode.
    http_response unknown_path(const http_request& request, int status, pay_time_point now);

    // Control: the payer paid. The notification to deliver, or an error text.
    std::variant<pay_notification, std::string> succeed(const std::string& out_trade_no, pay_time_point now);
    // Control: a refund of `amount` fen succeeded (made elsewhere, e.g. the merchant platform).
    std::variant<pay_notification, std::string> refund(const std::string& out_trade_no, std::int64_t amount, pay_time_point now);
    // Control: the status refund answers report (PROCESSING, as WeChat mostly answers, or SUCCESS)
    // and whether REFUND.SUCCESS is notified (off: only a query tells the merchant).
    void set_refund_behaviour(std::string answer_status, bool notify);

    // Wechatpay-* headers for one delivery of `body` (fresh timestamp and nonce each time).
    // `corrupt_signature` sends a wrong one, as WeChat does on purpose to test merchants.
    std::vector<std::pair<std::string, std::string>> sign_delivery(const std::string& body, pay_time_point now, bool corrupt_signature);

    const pay_transaction* find(const std::string& out_trade_no) const;

    // What the other v3 simulators (merchant transfers) share with this one.
    // Every v3 request must pass: User-Agent and Accept present (400), then the merchant's
    // signature (401, answered unsigned). nullopt when admitted.
    std::optional<http_response> admit(const http_request& request, pay_time_point now) const;
    http_response signed_json(int status, const boost::json::object& body, pay_time_point now, const http_request& request) const;
    http_response error(int status, const std::string& code, const std::string& message, pay_time_point now,
                        const http_request& request) const;
    // PARAM_ERROR with WeChat's `detail` {field, value, issue, location}.
    http_response param_error(const std::string& field, const std::string& issue, pay_time_point now, const http_request& request,
                              const std::string& location = "body") const;
    // A notification as WeChat posts it, the resource sealed with the API v3 key.
    pay_notification notification(const std::string& url, const std::string& event_type, const std::string& summary,
                                  const std::string& original_type, const boost::json::object& resource, pay_time_point now) const;
    // The private key behind what a merchant names in Wechatpay-Serial to encrypt a sensitive
    // field: the platform certificate's serial, or the public key id, as the signing mode holds
    // them. nullptr for anything else.
    const wechat_pay::private_key* sensitive_field_key(std::string_view wechatpay_serial) const;

private:
    struct signer {
        const wechat_pay::private_key* key;
        std::string serial;
    };
    signer answer_signer(const http_request& request) const;
    signer notification_signer();
    std::vector<std::pair<std::string, std::string>> signature_headers(const signer& s, const std::string& body, pay_time_point now,
                                                                       bool corrupt) const;

    // The merchant's signature on a request: empty when valid, else why not.
    std::string check_request_signature(const http_request& request, pay_time_point now) const;
    // `?mchid=` of a query: a 400 unless it is ours.
    std::optional<http_response> check_mchid_query(const http_request& request, pay_time_point now) const;
    boost::json::object transaction_json(const pay_transaction& t) const;
    boost::json::object refund_json(const pay_refund& r, const std::string& status) const;
    pay_notification refund_notification(const pay_refund& r, pay_time_point now) const;
    // Records a successful refund of `amount` of `t` under `out_refund_no`.
    pay_refund& record_refund(pay_transaction& t, const std::string& out_refund_no, std::int64_t amount, const std::string& notify_url,
                              boost::json::object request, pay_time_point now);

    pay_config config_;
    std::map<std::string, pay_transaction> transactions_;  // by out_trade_no
    std::map<std::string, pay_refund> refunds_;            // by out_refund_no
    std::int64_t sequence_ = 1;
    std::string refund_answer_status_ = "PROCESSING";
    bool notify_refunds_ = true;
    std::mt19937 coin_{std::random_device{}()};  // picks the key of a notification in `both` mode
};

// RFC 3339 with +08:00, as WeChat Pay writes times (e.g. 2026-11-24T22:35:12+08:00).
std::string china_time(pay_time_point t);
// WeChat Pay's serial matching, as merchants' SDKs rely on it: case-insensitive, leading zeros
// ignored (Java SDKs send BigInteger.toString(16), lower case and without them).
bool same_serial(std::string_view a, std::string_view b);

}  // namespace sharedstore::simulator
