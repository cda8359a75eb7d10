#pragma once
// WeChat Pay API v3 notifications and signed answers, opened as WeChat Pay documents them (docs/simulator.md lists what the simulator speaks):
// the key picked by Wechatpay-Serial (a platform certificate serial or a PUB_KEY_ID_... public key
// id: during a switch WeChat signs with either), the RSA-SHA256 signature checked over the raw
// body bytes, the timestamp within 300 s, then the resource decrypted with the API v3 key and
// decoded as a payment, a refund or a merchant transfer bill. Every failure is a value; nothing
// here does I/O.
#include "common/result.hpp"
#include "wechat/pay/pay_crypto.hpp"
#include "wechat/pay/transfer_bill.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

namespace sharedstore::wechat_pay {

constexpr std::chrono::seconds signature_window{300};

// The Wechatpay-* headers as received (empty when absent).
struct signed_headers {
    std::string serial, signature, timestamp, nonce;
};

enum class open_failure {
    missing_header,   // a Wechatpay-* header absent or empty
    stale_timestamp,  // not a number, or more than 300 s from now
    unknown_serial,   // no key of ours has that serial or id
    bad_signature,
    undecryptable,    // the resource does not open with the API v3 key (tampered, wrong key)
    malformed,        // not the documented JSON, or an event we do not handle
};
std::string_view to_string(open_failure failure);

// A payment as WeChat Pay describes it (notification resource or order query answer). Amounts in fen.
struct transaction_info {
    std::string appid, mchid, out_trade_no, transaction_id, trade_type, trade_state, success_time, payer_openid, attach, currency;
    std::int64_t total = 0;
    std::int64_t payer_total = 0;
};

struct refund_info {
    std::string mchid, out_trade_no, transaction_id, refund_id, out_refund_no, refund_status, success_time;
    std::int64_t total = 0;
    std::int64_t refund = 0;
    std::int64_t payer_total = 0;
    std::int64_t payer_refund = 0;
};

struct notification {
    std::string id;          // WeChat's notification id
    std::string event_type;  // TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.CLOSED, REFUND.ABNORMAL
    std::variant<transaction_info, refund_info> resource;
};

// MCHTRANSFER.BILL.FINISHED (resource original_type mch_payment): a merchant transfer bill reached
// SUCCESS, FAIL or CANCELLED. It may come several times, also at once; compare it with the bill
// as stored (amount, openid) before applying it.
struct transfer_notification {
    std::string id;  // WeChat's notification id
    std::string event_type;
    transfer_bill bill;
};

// Decoders of the decrypted JSON (also used for query answers). nullopt when a required field is
// missing or of the wrong type.
std::optional<transaction_info> decode_transaction(const boost::json::object& resource);
std::optional<refund_info> decode_refund(const boost::json::object& resource);

class signature_verifier {
public:
    // `keys`: serial or public key id -> key; `apiv3_key`: 32 bytes.
    signature_verifier(std::map<std::string, public_key> keys, std::string apiv3_key);

    // Signature and timestamp of a body WeChat Pay signed (a notification or an API answer).
    std::optional<open_failure> verify(const signed_headers& headers, std::string_view raw_body,
                                       std::chrono::system_clock::time_point now) const;
    // verify(), then decrypt and decode the notification.
    result<notification, open_failure> open_notification(const signed_headers& headers, std::string_view raw_body,
                                                         std::chrono::system_clock::time_point now) const;
    // The second half of open_notification(), for a body verify() already accepted (the server
    // checks the signature before its handler runs; the RSA check is not repeated).
    result<notification, open_failure> decrypt_notification(std::string_view raw_body) const;
    // The same for merchant transfer notifications, which go to a notify_url of their own:
    // malformed for any other event (and decrypt_notification calls a transfer one malformed).
    result<transfer_notification, open_failure> open_transfer_notification(const signed_headers& headers, std::string_view raw_body,
                                                                           std::chrono::system_clock::time_point now) const;
    result<transfer_notification, open_failure> decrypt_transfer_notification(std::string_view raw_body) const;

private:
    struct opened_resource {
        std::string id, event_type;
        boost::json::object plaintext;
    };
    // The notification's envelope read and its resource decrypted and parsed.
    result<opened_resource, open_failure> open_resource(std::string_view raw_body) const;

    std::map<std::string, public_key> keys_;
    std::string apiv3_key_;
};

}  // namespace sharedstore::wechat_pay
