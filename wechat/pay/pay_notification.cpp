#include "wechat/pay/pay_notification.hpp"

#include "wechat/pay/json_fields.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace sharedstore::wechat_pay {

namespace json = boost::json;
using json_fields::object_at;
using json_fields::take_int;
using json_fields::take_string;

namespace {

std::optional<json::object> parse_object(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

}  // namespace

std::string_view to_string(open_failure failure) {
    switch (failure) {
    case open_failure::missing_header: return "missing_header";
    case open_failure::stale_timestamp: return "stale_timestamp";
    case open_failure::unknown_serial: return "unknown_serial";
    case open_failure::bad_signature: return "bad_signature";
    case open_failure::undecryptable: return "undecryptable";
    case open_failure::malformed: return "malformed";
    }
    return "malformed";
}

std::optional<transaction_info> decode_transaction(const json::object& r) {
    transaction_info t;
    const auto* amount = object_at(r, "amount");
    if (!amount || !take_string(r, "appid", t.appid) || !take_string(r, "mchid", t.mchid) || !take_string(r, "out_trade_no", t.out_trade_no) ||
        !take_string(r, "trade_state", t.trade_state) || !take_int(*amount, "total", t.total))
        return std::nullopt;
    // Present once paid; absent for NOTPAY in query answers.
    if (!take_string(r, "transaction_id", t.transaction_id, false) || !take_string(r, "trade_type", t.trade_type, false) ||
        !take_string(r, "success_time", t.success_time, false) || !take_string(r, "attach", t.attach, false) ||
        !take_string(*amount, "currency", t.currency, false) || !take_int(*amount, "payer_total", t.payer_total, false))
        return std::nullopt;
    if (const auto* payer = object_at(r, "payer"); payer && !take_string(*payer, "openid", t.payer_openid, false)) return std::nullopt;
    if (t.trade_state == "SUCCESS" && (t.transaction_id.empty() || t.success_time.empty())) return std::nullopt;
    return t;
}

std::optional<refund_info> decode_refund(const json::object& r) {
    refund_info f;
    const auto* amount = object_at(r, "amount");
    if (!amount || !take_string(r, "out_trade_no", f.out_trade_no) || !take_string(r, "refund_id", f.refund_id) ||
        !take_string(r, "refund_status", f.refund_status) || !take_int(*amount, "total", f.total) || !take_int(*amount, "refund", f.refund))
        return std::nullopt;
    if (!take_string(r, "mchid", f.mchid, false) || !take_string(r, "transaction_id", f.transaction_id, false) ||
        !take_string(r, "out_refund_no", f.out_refund_no, false) || !take_string(r, "success_time", f.success_time, false) ||
        !take_int(*amount, "payer_total", f.payer_total, false) || !take_int(*amount, "payer_refund", f.payer_refund, false))
        return std::nullopt;
    return f;
}

signature_verifier::signature_verifier(std::map<std::string, public_key> keys, std::string apiv3_key)
    : keys_(std::move(keys)), apiv3_key_(std::move(apiv3_key)) {}

std::optional<open_failure> signature_verifier::verify(const signed_headers& h, std::string_view raw_body,
                                                       std::chrono::system_clock::time_point now) const {
    if (h.serial.empty() || h.signature.empty() || h.timestamp.empty() || h.nonce.empty()) return open_failure::missing_header;
    long long seconds = 0;
    auto [end, ec] = std::from_chars(h.timestamp.data(), h.timestamp.data() + h.timestamp.size(), seconds);
    if (ec != std::errc() || end != h.timestamp.data() + h.timestamp.size()) return open_failure::stale_timestamp;
    const auto sent = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    if (sent > now + signature_window || sent < now - signature_window) return open_failure::stale_timestamp;
    auto key = keys_.find(h.serial);
    if (key == keys_.end()) return open_failure::unknown_serial;
    if (!key->second.verify(response_message(h.timestamp, h.nonce, raw_body), h.signature)) return open_failure::bad_signature;
    return std::nullopt;
}

result<notification, open_failure> signature_verifier::open_notification(const signed_headers& headers, std::string_view raw_body,
                                                                         std::chrono::system_clock::time_point now) const {
    if (auto failure = verify(headers, raw_body, now)) return *failure;
    return decrypt_notification(raw_body);
}

result<signature_verifier::opened_resource, open_failure> signature_verifier::open_resource(std::string_view raw_body) const {
    auto body = parse_object(raw_body);
    if (!body) return open_failure::malformed;
    opened_resource opened;
    const auto* resource = object_at(*body, "resource");
    std::string algorithm, ciphertext, associated_data, nonce, original_type;
    if (!resource || !take_string(*body, "id", opened.id) || !take_string(*body, "event_type", opened.event_type) ||
        !take_string(*resource, "algorithm", algorithm) || !take_string(*resource, "ciphertext", ciphertext) ||
        !take_string(*resource, "nonce", nonce) || !take_string(*resource, "associated_data", associated_data, false) ||
        !take_string(*resource, "original_type", original_type, false) || algorithm != "AEAD_AES_256_GCM")
        return open_failure::malformed;
    auto plaintext = aes_256_gcm_decrypt(apiv3_key_, nonce, associated_data, ciphertext);
    if (!plaintext) return open_failure::undecryptable;
    auto decrypted = parse_object(*plaintext);
    if (!decrypted) return open_failure::malformed;
    opened.plaintext = std::move(*decrypted);
    return opened;
}

result<notification, open_failure> signature_verifier::decrypt_notification(std::string_view raw_body) const {
    auto opened = open_resource(raw_body);
    if (!opened) return opened.error();
    auto& o = opened.value();
    notification n;
    n.id = std::move(o.id);
    n.event_type = std::move(o.event_type);
    if (n.event_type == "TRANSACTION.SUCCESS") {
        auto t = decode_transaction(o.plaintext);
        if (!t) return open_failure::malformed;
        n.resource = std::move(*t);
    } else if (n.event_type == "REFUND.SUCCESS" || n.event_type == "REFUND.CLOSED" || n.event_type == "REFUND.ABNORMAL") {
        auto f = decode_refund(o.plaintext);
        if (!f) return open_failure::malformed;
        n.resource = std::move(*f);
    } else {
        return open_failure::malformed;
    }
    return n;
}

result<transfer_notification, open_failure> signature_verifier::open_transfer_notification(const signed_headers& headers,
                                                                                           std::string_view raw_body,
                                                                                           std::chrono::system_clock::time_point now) const {
    if (auto failure = verify(headers, raw_body, now)) return *failure;
    return decrypt_transfer_notification(raw_body);
}

result<transfer_notification, open_failure> signature_verifier::decrypt_transfer_notification(std::string_view raw_body) const {
    auto opened = open_resource(raw_body);
    if (!opened) return opened.error();
    auto& o = opened.value();
    if (o.event_type != "MCHTRANSFER.BILL.FINISHED") return open_failure::malformed;
    auto bill = decode_transfer_bill(o.plaintext);
    if (!bill) return open_failure::malformed;
    return transfer_notification{std::move(o.id), std::move(o.event_type), std::move(*bill)};
}

}  // namespace sharedstore::wechat_pay
