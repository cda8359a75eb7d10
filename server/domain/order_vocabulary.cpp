#include "server/domain/order_vocabulary.hpp"

namespace sharedstore {

std::string_view to_string(order_kind kind) {
    switch (kind) {
    case order_kind::purchase: return "purchase";
    case order_kind::buy_in: return "buy_in";
    case order_kind::top_up: return "top_up";
    case order_kind::membership: return "membership";
    }
    return "purchase";
}

std::string_view to_string(order_status status) {
    switch (status) {
    case order_status::created: return "created";
    case order_status::paid: return "paid";
    case order_status::closed: return "closed";
    }
    return "created";
}

std::string_view to_string(payment_source source) {
    switch (source) {
    case payment_source::wechat_pay: return "wechat_pay";
    case payment_source::stored_value: return "stored_value";
    case payment_source::pos: return "pos";
    case payment_source::prepaid: return "prepaid";
    }
    return "pos";
}

std::optional<order_kind> parse_order_kind(std::string_view text) {
    if (text == "purchase") return order_kind::purchase;
    if (text == "buy_in") return order_kind::buy_in;
    if (text == "top_up") return order_kind::top_up;
    if (text == "membership") return order_kind::membership;
    return std::nullopt;
}

std::optional<order_status> parse_order_status(std::string_view text) {
    if (text == "created") return order_status::created;
    if (text == "paid") return order_status::paid;
    if (text == "closed") return order_status::closed;
    return std::nullopt;
}

std::optional<payment_source> parse_payment_source(std::string_view text) {
    if (text == "wechat_pay") return payment_source::wechat_pay;
    if (text == "stored_value") return payment_source::stored_value;
    if (text == "pos") return payment_source::pos;
    if (text == "prepaid") return payment_source::prepaid;
    return std::nullopt;
}

std::string_view to_string(refund_request_status status) {
    switch (status) {
    case refund_request_status::processing: return "processing";
    case refund_request_status::succeeded: return "succeeded";
    case refund_request_status::failed: return "failed";
    }
    return "processing";
}

std::optional<refund_request_status> parse_refund_request_status(std::string_view text) {
    if (text == "processing") return refund_request_status::processing;
    if (text == "succeeded") return refund_request_status::succeeded;
    if (text == "failed") return refund_request_status::failed;
    return std::nullopt;
}

std::string_view to_string(payment_anomaly_kind kind) {
    switch (kind) {
    case payment_anomaly_kind::payment_mismatch: return "payment_mismatch";
    case payment_anomaly_kind::refund_unknown_order: return "refund_unknown_order";
    case payment_anomaly_kind::refund_conflict: return "refund_conflict";
    case payment_anomaly_kind::refund_exceeds_order: return "refund_exceeds_order";
    }
    return "payment_mismatch";
}

std::optional<payment_anomaly_kind> parse_payment_anomaly_kind(std::string_view text) {
    for (auto kind : {payment_anomaly_kind::payment_mismatch, payment_anomaly_kind::refund_unknown_order, payment_anomaly_kind::refund_conflict,
                      payment_anomaly_kind::refund_exceeds_order})
        if (to_string(kind) == text) return kind;
    return std::nullopt;
}

}  // namespace sharedstore
