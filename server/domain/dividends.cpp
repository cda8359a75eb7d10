#include "server/domain/dividends.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

// a x b / 10000 floored, in 128 bits: 10^10 fen x 10^4 bp would overflow nothing, but a ledger
// must not depend on "would not".
std::int64_t floor_bp(std::int64_t amount, std::int64_t bp) {
    const __int128 product = static_cast<__int128>(amount) * bp;
    __int128 q = product / 10'000;
    if (product % 10'000 != 0 && product < 0) --q;
    return static_cast<std::int64_t>(q);
}

}  // namespace

std::int64_t order_profit_fen(std::int64_t amount_fen, std::optional<std::int64_t> pos_profit_fen, const std::string& category,
                              const margin_table& margins) {
    if (pos_profit_fen) return std::clamp<std::int64_t>(*pos_profit_fen, 0, amount_fen);
    auto it = category.empty() ? margins.category_margins_bp.end() : margins.category_margins_bp.find(category);
    const auto margin = it != margins.category_margins_bp.end() ? it->second : margins.profit_margin_bp;
    return floor_bp(amount_fen, margin);
}

std::optional<dividend_plan> plan_dividend(const paid_order_facts& order) {
    if (order.kind != order_kind::purchase || !order.customer_user_id || !order.owner || !order.version || !order.profit_fen) return std::nullopt;
    const auto& partner = *order.owner;
    const auto tier = tier_for_total_buy_in(order.version->tiers, partner.total_buy_in_fen);
    const dividend_facts facts{.customer_has_owner = true,
                               .buyer_is_the_partner = partner.user_id == *order.customer_user_id,
                               .partner_active = partner.active,
                               .inactive_keeps_paying = partner.inactive_keeps_paying,
                               .tier = tier};
    const auto ratio = dividend_ratio_bp(facts);
    if (!ratio) return std::nullopt;
    return dividend_plan{.partner_id = partner.id,
                         .partner_user_id = partner.user_id,
                         .tier_version_id = order.version->id,
                         .tier_name = tier->name,
                         .ratio_bp = *ratio,
                         .profit_fen = *order.profit_fen,
                         .amount_fen = dividend_fen(*order.profit_fen, *ratio),
                         .settles_at = order.paid_at + order.settlement_delay};
}

std::int64_t dividend_fen(std::int64_t profit_fen, std::int32_t ratio_bp) { return floor_bp(std::max<std::int64_t>(profit_fen, 0), ratio_bp); }

std::int64_t reversal_fen(std::int64_t dividend, std::int64_t amount, std::int64_t refunded_before, std::int64_t refund) {
    if (amount <= 0 || dividend < 0 || refunded_before < 0 || refund <= 0 || refunded_before > amount - refund)
        throw std::invalid_argument("reversal_fen: refund outside the order");
    auto cumulative = [&](std::int64_t refunded) {
        return static_cast<std::int64_t>(static_cast<__int128>(dividend) * refunded / amount);
    };
    return cumulative(refunded_before + refund) - cumulative(refunded_before);
}

std::optional<std::int32_t> dividend_ratio_bp(const dividend_facts& f) {
    if (!f.customer_has_owner || f.buyer_is_the_partner || !f.tier) return std::nullopt;
    if (!f.partner_active && !f.inactive_keeps_paying) return std::nullopt;
    return f.tier->ratio_bp;
}

std::string_view to_string(dividend_state state) { return state == dividend_state::settled ? "settled" : "pending"; }

std::optional<dividend_state> parse_dividend_state(std::string_view text) {
    if (text == "pending") return dividend_state::pending;
    if (text == "settled") return dividend_state::settled;
    return std::nullopt;
}

}  // namespace sharedstore
