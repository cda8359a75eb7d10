#include "server/domain/prepaid_value.hpp"

#include "common/utf8.hpp"
#include "server/domain/dividends.hpp"

namespace sharedstore {

std::vector<validation_problem> validate_topup_package(const topup_package_terms& t) {
    std::vector<validation_problem> problems;
    if (const auto length = utf8_length(t.name); length == 0 || length > 32) problems.push_back({"name", "name_length", "a package name has 1 to 32 characters"});
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
    // Flooring each part on its own would lose up to a fen per refund (333 of a 750 + 250 order
    // would put back 249 + 83): the wallet's share is floored once, then split, the principal
    // floored and the bonus the rest. Both stay cumulative, so the last refund restores the draw.
    const auto drawn_total = drawn.principal_fen + drawn.bonus_fen;
    const auto total = reversal_fen(drawn_total, amount_fen, refunded_before_fen, refund_fen);  // checks the refund's bounds
    if (drawn_total <= 0) return {0, 0};
    auto wallet_share = [&](std::int64_t refunded) {
        return static_cast<std::int64_t>(static_cast<__int128>(drawn_total) * refunded / amount_fen);
    };
    auto principal_share = [&](std::int64_t share) {
        return static_cast<std::int64_t>(static_cast<__int128>(drawn.principal_fen) * share / drawn_total);
    };
    const auto share_before = wallet_share(refunded_before_fen);
    const auto principal = principal_share(share_before + total) - principal_share(share_before);
    return {principal, total - principal};
}

std::int64_t bonus_forfeited(const prepaid_buckets& b, std::int64_t refund_fen) {
    if (refund_fen <= 0 || b.principal_fen <= 0) return 0;
    if (refund_fen >= b.principal_fen) return b.bonus_fen;
    return static_cast<std::int64_t>(static_cast<__int128>(b.bonus_fen) * refund_fen / b.principal_fen);
}

}  // namespace sharedstore
