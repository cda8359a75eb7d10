#pragma once
// A merchant's share tiers: buy-in (stored value, integer fen) -> dividend ratio (basis points).
// Pure rules, no I/O (docs/business-rules.md section 1).
#include "server/domain/validation_problem.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct share_tier {
    std::string name;
    std::int64_t buy_in_fen = 0;
    std::int32_t ratio_bp = 0;
};


constexpr std::int32_t max_ratio_bp = 10'000;  // 100 %
constexpr std::size_t max_tiers = 20;

// Every problem at once (a merchant fixes the whole form in one go), empty when valid:
// 1..20 tiers, names 1..32 characters and distinct, buy-ins positive and distinct,
// ratios 1..10000 bp, and a higher buy-in never gets a lower ratio.
std::vector<validation_problem> validate_tiers(const std::vector<share_tier>& tiers);

// Default profit margin of the store (and per category): 0..10000 bp.
std::optional<validation_problem> validate_margin(const std::string& field, std::int32_t margin_bp);

// A whole table as PUT tiers (and its what-if) takes it: validate_tiers, then every margin
// (`profit_margin_bp`, `category_margins.<name>`); every problem at once, empty when valid.
std::vector<validation_problem> validate_tier_table(const std::vector<share_tier>& tiers, std::int32_t profit_margin_bp,
                                                    const std::map<std::string, std::int32_t>& category_margins_bp);

// The tier a partner holds for a total buy-in: the highest whose buy-in the total reaches.
// Spending stored value never lowers it: callers pass the total ever bought in, not the balance.
std::optional<share_tier> tier_for_total_buy_in(const std::vector<share_tier>& tiers, std::int64_t total_buy_in_fen);

}  // namespace sharedstore
