#pragma once
// What an order is and where it stands, as enums: parsed and formatted only at the SQL and JSON
// edges. How it was paid is payment_source (server/domain/ledger.hpp: it picks the money account).
#include "server/domain/ledger.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace sharedstore {

// purchase: a sale (profit, dividend, growth, points); buy_in: a partner's tier stored value;
// top_up: a member's top-up package (pre-stored value); membership: a membership product.
enum class order_kind { purchase, buy_in, top_up, membership };
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

// What the member journey adds to an order (docs/members.md): the offer bought (a top-up package, a
// membership product), the listed price before the member discount and points, the level in force,
// the points spent, and what a pre-stored value payment drew from each bucket.
struct order_member_terms {
    std::optional<std::uint64_t> offer_id;
    std::optional<std::int64_t> listed_fen;
    std::optional<std::int32_t> level_no;
    std::optional<std::int32_t> discount_bp;
    std::int64_t points_used = 0;
    std::int64_t points_discount_fen = 0;
    std::int64_t prepaid_principal_fen = 0;
    std::int64_t prepaid_bonus_fen = 0;
};

}  // namespace sharedstore
