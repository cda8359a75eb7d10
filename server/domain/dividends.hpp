#pragma once
// Dividend and refund arithmetic (docs/business-rules.md section 1 and "Guard rails"). Pure, integer
// only: money in fen, ratios and margins in basis points, every division floored on purpose.
#include "server/domain/payment_facts.hpp"
#include "server/domain/share_tiers.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

// The margins of the tier version in force when the order was paid.
struct margin_table {
    std::int32_t profit_margin_bp = 0;
    std::map<std::string, std::int32_t> category_margins_bp;
};

// The profit an order yields: the POS's own figure when it sent one (never above the amount),
// otherwise floor(amount x margin / 10000) with the category's margin before the store's.
std::int64_t order_profit_fen(std::int64_t amount_fen, std::optional<std::int64_t> pos_profit_fen, const std::string& category,
                              const margin_table& margins);

// floor(profit x ratio / 10000): the partner never gets more than the configured share.
std::int64_t dividend_fen(std::int64_t profit_fen, std::int32_t ratio_bp);

// What a refund takes back of a dividend: the cumulative reversal after refunds totalling R is
// floor(dividend x R / amount), and each refund reverses the growth of that figure. So the
// reversals of a fully refunded order sum exactly to its dividend whatever the order and size of
// the refunds, and partial refunds never reverse more than was paid.
// Preconditions (checked by the caller; violated ones throw std::invalid_argument): amount > 0,
// 0 <= dividend, 0 <= refunded_before, refund > 0, refunded_before + refund <= amount.
std::int64_t reversal_fen(std::int64_t dividend_fen, std::int64_t order_amount_fen, std::int64_t refunded_before_fen,
                          std::int64_t refund_fen);

// Whether a paid order earns its customer's owner a dividend, and at which ratio.
struct dividend_facts {
    bool customer_has_owner = false;
    bool buyer_is_the_partner = false;  // a partner's own purchases earn them nothing
    bool partner_active = true;
    bool inactive_keeps_paying = true;  // the store's choice for paused or ended partners
    std::optional<share_tier> tier;     // the partner's tier under the version in force; none below the lowest
};
// The ratio to apply, or nullopt when no dividend is due.
std::optional<std::int32_t> dividend_ratio_bp(const dividend_facts& facts);

// The dividend a paid order earns its customer's owner (docs/business-rules.md section 1): at the
// owner's tier under the version in force at payment, floor(profit x ratio / 10000), settling
// after the store's delay. nullopt: none is due (no owner, no version, a partner's own purchase,
// an inactive partner the store stopped paying, a total below the lowest tier).
struct dividend_plan {
    std::uint64_t partner_id = 0;
    std::uint64_t partner_user_id = 0;
    std::uint64_t tier_version_id = 0;
    std::string tier_name;
    std::int32_t ratio_bp = 0;
    std::int64_t profit_fen = 0;
    std::int64_t amount_fen = 0;
    std::chrono::system_clock::time_point settles_at;
};
std::optional<dividend_plan> plan_dividend(const paid_order_facts& order);

// Pending until settle-dividends moved it to the partner's withdrawable balance, after the
// store's settlement delay (docs/payouts.md; payouts.hpp says when it is due).
enum class dividend_state { pending, settled };
std::string_view to_string(dividend_state state);
std::optional<dividend_state> parse_dividend_state(std::string_view text);

}  // namespace sharedstore
