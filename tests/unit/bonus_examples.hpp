#pragma once
// The bonus system's worked examples (docs/business-rules.md section 7), shared by its unit tests.
#include "server/domain/bonus_config.hpp"

#include <chrono>

namespace sharedstore::test_support {

inline constexpr std::chrono::sys_days march_1 = std::chrono::year{2026} / std::chrono::March / 1;
inline constexpr std::chrono::sys_days april_1 = std::chrono::year{2026} / std::chrono::April / 1;

// 烫染季 2026-03-01..03-31: >= 20 new paying customers of >= 10000 fen, 50000 fen each, budget
// 500000 (10 winners).
inline project_campaign perm_season() {
    return {.name = "烫染季",
            .starts_at = march_1,
            .ends_at = april_1,
            .goal = project_goal::new_paying_customers,
            .goal_count = 20,
            .min_order_fen = 10'000,
            .product = "",
            .reward = project_reward::fixed,
            .award_fen = 50'000,
            .award_bp = 0,
            .budget_fen = 500'000,
            .winner_limit = 10};
}

}  // namespace sharedstore::test_support
