#include "server/domain/alliance_vouchers.hpp"

#include "server/domain/redemption_codes.hpp"

#include <algorithm>

namespace sharedstore {

std::optional<std::string> parse_voucher_code(std::string_view presented) {
    if (presented.starts_with(voucher_qr_prefix)) presented.remove_prefix(voucher_qr_prefix.size());
    else if (presented.starts_with(redemption_qr_prefix)) return std::nullopt;  // a card's code
    return parse_redemption_code(presented);
}

std::int64_t voucher_order_maximum_fen(std::int64_t order_fen, int voucher_max_bp) {
    if (order_fen <= 1 || voucher_max_bp <= 0) return 0;
    // order_fen below 10^13 (the API's bound) times 10^4 stays far inside int64.
    return std::min(order_fen * voucher_max_bp / 10'000, order_fen - 1);
}

std::optional<voucher_spend_problem> check_voucher_spend(std::int64_t order_fen, std::int64_t voucher_fen, std::optional<int> voucher_max_bp,
                                                         std::int64_t balance_fen) {
    if (!voucher_max_bp) return voucher_spend_problem::not_accepted;
    if (*voucher_max_bp <= 0) return voucher_spend_problem::spending_off;
    if (voucher_fen >= order_fen) return voucher_spend_problem::leaves_nothing_to_pay;
    if (voucher_fen > order_fen * *voucher_max_bp / 10'000) return voucher_spend_problem::over_order_maximum;
    if (voucher_fen > balance_fen) return voucher_spend_problem::over_balance;
    return std::nullopt;
}

std::int64_t vouchers_returned_fen(std::int64_t voucher_fen, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen) {
    if (voucher_fen <= 0 || amount_fen <= 0 || refund_fen <= 0) return 0;
    const auto after = std::min(amount_fen, refunded_before_fen + refund_fen);
    // Two amounts up to 10^11 fen multiply past 2^63: the share is computed in 128 bits.
    const auto share = [&](std::int64_t refunded) {
        return static_cast<std::int64_t>(static_cast<__int128>(voucher_fen) * refunded / amount_fen);
    };
    return share(after) - share(refunded_before_fen);
}

std::chrono::system_clock::time_point refund_return_expiry(std::chrono::system_clock::time_point spent_expiry,
                                                          std::chrono::system_clock::time_point refunded_at) {
    return std::max(spent_expiry, refunded_at + refund_return_min_validity);
}

}  // namespace sharedstore
