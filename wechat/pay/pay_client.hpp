#pragma once
// The merchant's side of WeChat Pay API v3: JSAPI prepay, the order query (reconciliation), and
// the wx.requestPayment parameters. Requests are signed with the merchant key
// (WECHATPAY2-SHA256-RSA2048); answers are accepted only with a valid WeChat Pay signature
// (v3_transport). Merchant transfers to partners are transfer_client.hpp.
#include "common/log.hpp"
#include "wechat/https_client.hpp"
#include "wechat/pay/pay_notification.hpp"
#include "wechat/pay/v3_transport.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace sharedstore::wechat_pay {

struct pay_client_config {
    std::string base_url = "https://api.mch.weixin.qq.com";
    std::string appid;
    std::string mchid;
    std::string merchant_serial;  // serial of the merchant API certificate, named in every request
    std::string notify_url;       // where WeChat Pay posts notifications (our /api/v1/wechat/pay/notify)
    // WeChat Pay public key id (PUB_KEY_ID_...) when we hold that key: sent as Wechatpay-Serial, so
    // that during the switch from the platform certificate WeChat Pay answers with the public key.
    std::string wechatpay_serial;
    int max_attempts = 3;         // transport failures and 5xx only; a 4xx is an answer
    std::chrono::milliseconds retry_backoff{200};
};

struct jsapi_order {
    std::string out_trade_no;  // 6-32 of [0-9A-Za-z_-|*]
    std::string description;   // 1-127 bytes
    std::int64_t total_fen = 0;
    std::string payer_openid;
    std::string attach;
};

// POST /v3/refund/domestic/refunds: `out_refund_no` is ours; the same one again refunds once.
struct refund_request {
    std::string out_trade_no, out_refund_no, reason;
    std::int64_t refund_fen = 0, total_fen = 0;
};

// What WeChat Pay says of a refund (its answer or a query). status: SUCCESS, PROCESSING
// (answered at once, final later), ABNORMAL (stuck, not final), CLOSED (failed).
struct refund_state {
    std::string refund_id, out_refund_no, out_trade_no, transaction_id, status, success_time;
    std::int64_t refund_fen = 0, total_fen = 0;
};

// What the mini-program passes to wx.requestPayment.
struct js_payment_params {
    std::string time_stamp, nonce_str, package, sign_type, pay_sign;
};

class pay_client {
public:
    pay_client(https_client& http, pay_client_config config, private_key merchant_key, const signature_verifier& answers, logger& log);

    boost::asio::awaitable<pay_result<std::string>> jsapi_prepay(jsapi_order order);  // the prepay_id
    // nullopt: WeChat Pay has no such order (ORDER_NOT_EXIST).
    boost::asio::awaitable<pay_result<std::optional<transaction_info>>> query_by_out_trade_no(std::string out_trade_no);
    // POST .../out-trade-no/{no}/close: an unpaid order can no longer be paid. true: closed (also
    // when it was closed already); false: WeChat Pay has no such order (ORDER_NOT_EXIST). A paid
    // order answers the error ORDERPAID.
    boost::asio::awaitable<pay_result<bool>> close_order(std::string out_trade_no);
    boost::asio::awaitable<pay_result<refund_state>> create_refund(refund_request refund);
    // nullopt: WeChat Pay has no refund with that number (RESOURCE_NOT_EXISTS).
    boost::asio::awaitable<pay_result<std::optional<refund_state>>> query_refund(std::string out_refund_no);
    js_payment_params payment_params(const std::string& prepay_id) const;

    const pay_client_config& config() const { return config_; }

private:
    pay_client_config config_;
    v3_transport transport_;
};

}  // namespace sharedstore::wechat_pay
