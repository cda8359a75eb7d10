#include "server/domain/prepaid_value.hpp"

#include "server/domain/dividends.hpp"

namespace sharedstore {

std::vector<validation_problem> validate_topup_package(const topup_package_terms& t) {
    std::vector<validation_problem> problems;
    if (t.name.empty() || t.name.size() > 32 * 3) problems.push_back({"name", "name_length", "a package name has 1 to 32 characters"});
    if (t.pay_fen < 100 || t.pay_fen > max_topup_pay_fen)
        problems.push_back({"pay_fen", "pay_out_of_range", "pay_fen is 100..500000 (a named prepaid card is capped at 5000 yuan)"});
    if (t.bonus_fen < 0 || t.bonus_fen > t.pay_fen) problems.push_back({"bonus_fen", "bonus_out_of_range", "bonus_fen is 0..pay_fen"});
    return problems;
}

std::optional<prepaid_draw> draw_prepaid(const prepaid_buckets& b, std::int64_t spend_fen) {
    if (spend_fen <= 0 || b.principal_fen < 0 || b.bonus_fen < 0 || spend_fen > b.total()) return std::nullopt;
    const auto principal = static_cast<std::int64_t>(static_cast<__int128>(spend_fen) * b.principal_fen / b.total());
    return prepaid_draw{principal, spend_fen - principal};
}

prepaid_draw prepaid_refund_split(const prepaid_draw& drawn, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen) {
    return {reversal_fen(drawn.principal_fen, amount_fen, refunded_before_fen, refund_fen),
            reversal_fen(drawn.bonus_fen, amount_fen, refunded_before_fen, refund_fen)};
}

std::int64_t bonus_forfeited(const prepaid_buckets& b, std::int64_t refund_fen) {
    if (refund_fen <= 0 || b.principal_fen <= 0) return 0;
    if (refund_fen >= b.principal_fen) return b.bonus_fen;
    return static_cast<std::int64_t>(static_cast<__int128>(b.bonus_fen) * refund_fen / b.principal_fen);
}

}  // namespace sharedstore
