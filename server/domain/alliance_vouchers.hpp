#pragma once
// Spending vouchers (docs/business-rules.md section 3.1 "Vouchers", docs/alliance.md "Spending
// vouchers"): how much of an order vouchers may pay at a member store, what a refund gives back,
// and until when. Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

// How long a desk's reservation holds the vouchers before the release job may let them go.
inline constexpr std::chrono::minutes voucher_reservation_lifetime{15};
// Vouchers a refund gives back live at least this long after it.
inline constexpr std::chrono::days refund_return_min_validity{30};

// The code a consumer shows at the desk to spend vouchers: a card code's form (12 digits, the last a
// Luhn check; server/domain/redemption_codes.hpp) with a QR payload of its own, so that a desk
// scanning a card code cannot take it for a voucher code or the other way round.
inline constexpr std::string_view voucher_qr_prefix = "ssvch:";
// The 12 digits from what the desk sent (the digits or the voucher QR payload); nullopt otherwise.
std::optional<std::string> parse_voucher_code(std::string_view presented);

enum class voucher_spend_problem {
    not_accepted,           // the store is no member with a concession in force
    spending_off,           // its voucher_max_bp is 0
    over_order_maximum,     // more than voucher_max_bp of the order
    leaves_nothing_to_pay,  // at least 1 fen is paid in money (WeChat Pay, stored value, the desk)
    over_balance,           // more than the buyer holds
};

// The largest voucher part of an order worth `order_fen` (after member discounts and points) at a
// store letting vouchers pay `voucher_max_bp` of an order: floor, and at least 1 fen left to pay.
std::int64_t voucher_order_maximum_fen(std::int64_t order_fen, int voucher_max_bp);

// Why `voucher_fen` (> 0) cannot pay part of an order worth `order_fen`, or nullopt when it can.
// `voucher_max_bp` none: the store does not take vouchers.
std::optional<voucher_spend_problem> check_voucher_spend(std::int64_t order_fen, std::int64_t voucher_fen, std::optional<int> voucher_max_bp,
                                                         std::int64_t balance_fen);

// The vouchers a refund of `refund_fen` (after `refunded_before_fen`) of an order of `amount_fen`
// paid in money gives back of its `voucher_fen`: the cumulative share, floor, so that refunds in
// parts sum to a whole one and the last gives back the rest.
std::int64_t vouchers_returned_fen(std::int64_t voucher_fen, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen);

// A refund's vouchers expire at the later of the spent vouchers' own expiry and 30 days after it.
std::chrono::system_clock::time_point refund_return_expiry(std::chrono::system_clock::time_point spent_expiry,
                                                          std::chrono::system_clock::time_point refunded_at);

}  // namespace sharedstore
