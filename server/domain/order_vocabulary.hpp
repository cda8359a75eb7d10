#pragma once
// What an order is and where it stands, as enums: parsed and formatted only at the SQL and JSON
// edges. How it was paid is payment_source (server/domain/ledger.hpp: it picks the money account).
#include "server/domain/ledger.hpp"

#include <optional>
#include <string_view>

namespace sharedstore {

enum class order_kind { purchase, buy_in };
enum class order_status { created, paid, closed };

std::string_view to_string(order_kind kind);
std::string_view to_string(order_status status);
std::string_view to_string(payment_source source);
std::optional<order_kind> parse_order_kind(std::string_view text);
std::optional<order_status> parse_order_status(std::string_view text);
std::optional<payment_source> parse_payment_source(std::string_view text);

// A store's refund through WeChat Pay (merchant_refunds): asked, then WeChat Pay's final word.
enum class refund_request_status { processing, succeeded, failed };
std::string_view to_string(refund_request_status status);
std::optional<refund_request_status> parse_refund_request_status(std::string_view text);

// Why a genuine WeChat Pay notification was refused and kept in `payment_anomalies`.
enum class payment_anomaly_kind {
    payment_mismatch,      // a payment whose amount, payer, appid/mchid or order is not ours
    refund_unknown_order,  // a refund of an order we do not know (no store: the platform's)
    refund_conflict,       // a refund id already recorded for another order or amount
    refund_exceeds_order,  // a refund above what is left of the order
};
std::string_view to_string(payment_anomaly_kind kind);
std::optional<payment_anomaly_kind> parse_payment_anomaly_kind(std::string_view text);

}  // namespace sharedstore
