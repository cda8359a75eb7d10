#pragma once
// One signed call to WeChat Pay API v3, shared by pay_client and transfer_client: the request
// signed with the merchant key (WECHATPAY2-SHA256-RSA2048, a fresh nonce and timestamp per
// attempt), the answer accepted only with a valid WeChat Pay signature, transport failures and
// 5xx retried with the same body a bounded number of times. Any other status is an answer.
#include "common/log.hpp"
#include "common/result.hpp"
#include "wechat/https_client.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/pay_notification.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace sharedstore::wechat_pay {

struct pay_error {
    int http_status = 0;  // 0 when WeChat Pay could not be reached or its answer was not trustworthy
    std::string code;     // WeChat Pay's code (PARAM_ERROR, ORDERPAID, SIGN_ERROR...) or ours (unreachable, bad_answer_signature)
    std::string message;
};

template <class T>
using pay_result = result<T, pay_error>;

struct v3_transport_config {
    std::string base_url = "https://api.mch.weixin.qq.com";
    std::string mchid;
    std::string merchant_serial;   // serial of the merchant API certificate, named in every request
    std::string wechatpay_serial;  // sent as Wechatpay-Serial when not empty (see pay_client_config)
    int max_attempts = 3;          // transport failures and 5xx only
    std::chrono::milliseconds retry_backoff{200};
};

class v3_transport {
public:
    v3_transport(https_client& http, v3_transport_config config, private_key merchant_key, const signature_verifier& answers, logger& log);

    // The verified answer (any status below 500), or why there is none. `wechatpay_serial`, when
    // given, replaces the configured Wechatpay-Serial: a request carrying an encrypted field must
    // name the key that sealed it.
    boost::asio::awaitable<pay_result<client_response>> send(std::string method, std::string path_and_query, std::string body,
                                                             std::string wechatpay_serial = {});
    // Signs `message` with the merchant key (paySign).
    std::string sign(std::string_view message) const { return merchant_key_.sign(message); }
    const v3_transport_config& config() const { return config_; }

private:
    https_client& http_;
    v3_transport_config config_;
    private_key merchant_key_;
    const signature_verifier& answers_;
    logger& log_;
};

// A non-2xx answer as WeChat Pay's error: {"code","message"} (HTTP_<status> when the body has no code).
pay_error error_of(const client_response& response);

}  // namespace sharedstore::wechat_pay
