#pragma once
// The merchant's side of WeChat Pay's merchant transfer (商家转账, user-confirmation mode): create a
// bill, query it, cancel it. Each call answers a value the caller must handle:
// - the bill (or the cancel) as WeChat Pay answered it;
// - transfer_refusal: WeChat Pay said no and could be trusted (retry_same_bill tells whether the
//   same bill may simply be sent again later);
// - transfer_unclear: no trustworthy answer; the bill may exist. Query it, and send it again only
//   with the SAME out_bill_no and identical fields.
// Requests are signed and answers verified as pay_client's (v3_transport); the payee's real name
// is encrypted with WeChat Pay's public key or platform certificate (RSA-OAEP) and the request
// names that key in Wechatpay-Serial. docs/wechat-transfers.md says how a server uses this.
#include "common/log.hpp"
#include "wechat/https_client.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/pay_notification.hpp"
#include "wechat/pay/transfer_bill.hpp"
#include "wechat/pay/v3_transport.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace sharedstore::wechat_pay {

struct transfer_client_config {
    std::string base_url = "https://api.mch.weixin.qq.com";
    std::string appid;            // the payees' openids belong to it (the mini-program's)
    std::string mchid;
    std::string merchant_serial;  // serial of the merchant API certificate
    std::string notify_url;       // where MCHTRANSFER.BILL.FINISHED goes (https, no query); empty: no notifications
    std::string wechatpay_serial; // PUB_KEY_ID_... when we hold WeChat Pay's public key, as pay_client_config
    int max_attempts = 3;         // per call, transport failures and 5xx only, always the same body
    std::chrono::milliseconds retry_backoff{200};
};

// The key that seals sensitive fields and what Wechatpay-Serial calls it: WeChat Pay's public key
// and its PUB_KEY_ID_... (WeChat's recommendation), or the platform certificate and its serial.
struct sensitive_field_key {
    public_key key;
    std::string serial;
};

// What the mini-program passes to wx.requestMerchantTransfer({mchId, appId, package}).
struct transfer_confirm_params {
    std::string mch_id, app_id, package;
};

template <class T>
using transfer_outcome = std::variant<T, transfer_refusal, transfer_unclear>;
using transfer_query_outcome = std::variant<transfer_bill, transfer_not_found, transfer_refusal, transfer_unclear>;
using transfer_cancel_outcome = std::variant<transfer_cancel_accepted, transfer_not_found, transfer_refusal, transfer_unclear>;

class transfer_client {
public:
    // Without `encryption`, a request that must carry user_name (from 2,000 yuan) is refused here.
    transfer_client(https_client& http, transfer_client_config config, private_key merchant_key, const signature_verifier& answers,
                    std::optional<sensitive_field_key> encryption, logger& log);

    // POST /v3/fund-app/mch-transfer/transfer-bills. A request transfer_request_problem() objects
    // to is refused here (http_status 0, code "refused_locally") and nothing is sent.
    boost::asio::awaitable<transfer_outcome<transfer_accepted>> create(transfer_request request);
    // GET .../transfer-bills/out-bill-no/{out_bill_no}
    boost::asio::awaitable<transfer_query_outcome> query(std::string out_bill_no);
    // GET .../transfer-bills/transfer-bill-no/{transfer_bill_no}
    boost::asio::awaitable<transfer_query_outcome> query_by_transfer_bill_no(std::string transfer_bill_no);
    // POST .../transfer-bills/out-bill-no/{out_bill_no}/cancel: accepted means canceling; the
    // final CANCELLED comes by notification or query. After the payee confirmed: a refusal.
    boost::asio::awaitable<transfer_cancel_outcome> cancel(std::string out_bill_no);

    transfer_confirm_params confirm_params(const std::string& package_info) const;
    const transfer_client_config& config() const { return config_; }

private:
    boost::asio::awaitable<transfer_query_outcome> query_path(std::string path, std::string expected_field, std::string expected_value);

    transfer_client_config config_;
    v3_transport transport_;
    std::optional<sensitive_field_key> encryption_;
};

}  // namespace sharedstore::wechat_pay
