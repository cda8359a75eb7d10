#pragma once
// Member levels of one store (docs/business-rules.md section 4, "Member levels"): growth value is
// 1 per yuan actually paid on vested purchases; the level is the highest whose threshold the
// growth reaches; a refund takes its growth back at once (the level may drop); the yearly
// retention check drops one level when the last 12 months earned less than the level's retention.
// Pure.
#include "server/domain/validation_problem.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct member_level {
    std::int32_t level_no = 1;          // 1, 2, 3 ... in table order
    std::string name;
    std::int64_t threshold_growth = 0;  // growth value that reaches the level (level 1: 0)
    std::int32_t discount_bp = 10'000;  // price paid = floor(listed x discount_bp / 10000); 10000 = none
    std::int32_t points_multiplier_bp = 10'000;  // 10000 = 1x
    std::int64_t retention_growth_12m = 0;       // growth to earn in 12 months to keep the level (0: kept)
};

constexpr std::size_t max_member_levels = 20;
constexpr std::int32_t min_member_discount_bp = 1'000;   // at most 90 % off: a level is a privilege, not a giveaway
constexpr std::int32_t max_points_multiplier_bp = 100'000;  // 10x

// Every problem at once: 1..20 levels numbered 1..n in order, names 1..32 characters and distinct,
// level 1 at threshold 0, thresholds strictly increasing, discount 1000..10000 bp and never less
// generous at a higher level, multiplier 10000..100000 bp and never lower at a higher level,
// retention 0..threshold (level 1 keeps none).
std::vector<validation_problem> validate_member_levels(const std::vector<member_level>& levels);

// floor(paid_fen / 100): 1 per whole yuan.
std::int64_t growth_of_paid(std::int64_t paid_fen);

// The growth an order has earned once `refunded_fen` of its `amount_fen` came back.
std::int64_t order_growth(std::int64_t amount_fen, std::int64_t refunded_fen);

// The highest level whose threshold `growth` reaches; nullopt for an empty table.
std::optional<member_level> level_for_growth(const std::vector<member_level>& levels, std::int64_t growth);

// What a member pays for a listed price at a level: floor(listed x discount_bp / 10000), at least
// 1 fen for a positive price (the discount never makes an order free).
std::int64_t member_price_fen(std::int64_t listed_fen, std::int32_t discount_bp);

// The yearly retention check of a member at `level_no` who earned `growth_12m` in the last 12
// months: the level to drop to (one lower) and the growth that level starts again from (its
// threshold: without a reset the next vested order would lift them straight back), or nullopt
// when the level is kept (retention met, level 1, or no retention set).
struct retention_drop {
    member_level to;
    std::int64_t growth_after = 0;
};
std::optional<retention_drop> retention_check(const std::vector<member_level>& levels, std::int32_t level_no, std::int64_t growth_12m);

}  // namespace sharedstore
