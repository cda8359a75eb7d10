#pragma once
// Member points of one store (docs/business-rules.md section 4, "Member points"): a ledger asset
// of their own, never cash, never alliance points, never transferable. Earned on vested purchases
// (pending until then), reversed by refunds, spent at a configured fen value with a per-order
// maximum and at least 1 fen left to pay, exchanged for points-priced items, expiring after a
// configured validity, oldest lots first. Pure.
#include "server/domain/validation_problem.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct points_rules {
    std::int32_t points_per_yuan = 1;        // points earned per yuan paid, before the level's multiplier
    std::int64_t point_value_fen = 1;        // what one point takes off a price
    std::int64_t max_points_per_order = 200; // at most this many points on one order (CRMEB's default)
    std::int32_t validity_months = 24;       // published with the programme (SAMR Order 32 Art. 14)
};

// Every problem at once: points_per_yuan 0..100 (0: earning off), point_value_fen 1..100,
// max_points_per_order 0..1,000,000 (0: spending off), validity_months 1..120.
std::vector<validation_problem> validate_points_rules(const points_rules& rules);

// floor(paid_fen x points_per_yuan x multiplier_bp / (10000 x 100)).
std::int64_t points_earned(std::int64_t paid_fen, std::int32_t points_per_yuan, std::int32_t multiplier_bp);

// What a refund takes back of `earned` points: cumulative, as dividends are (floor(earned x R /
// amount) after refunds totalling R), so a full refund takes back exactly what was earned.
std::int64_t points_reversed(std::int64_t earned, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen);

// The most points an order of `payable_fen` may take: the per-order maximum, the balance, and at
// least 1 fen left to pay.
std::int64_t max_spendable_points(std::int64_t payable_fen, std::int64_t balance, const points_rules& rules);

enum class points_spend_problem { not_positive, spending_off, over_balance, over_order_maximum, leaves_nothing_to_pay };
struct points_spend {
    std::int64_t points = 0;
    std::int64_t discount_fen = 0;  // points x point_value_fen
};
struct points_spend_plan {
    std::optional<points_spend> spend;
    std::optional<points_spend_problem> problem;
};
// Spending `points` on an order of `payable_fen` (after the member discount).
points_spend_plan plan_points_spend(std::int64_t payable_fen, std::int64_t points, std::int64_t balance, const points_rules& rules);

// A lot: points from one source, spent and expired oldest-expiry first.
struct points_lot {
    std::uint64_t id = 0;
    std::int64_t remaining = 0;
    std::chrono::system_clock::time_point expires_at;
};
struct lot_draw {
    std::uint64_t lot_id = 0;
    std::int64_t points = 0;
};
// Which lots `points` come from: earliest expiry first (ties by id). The caller ensures the lots
// hold enough; the draw covers at most what they hold.
std::vector<lot_draw> draw_from_lots(std::vector<points_lot> lots, std::int64_t points);

// When a lot earned at `vested_at` expires: the end of the local day `validity_months` later
// (a day past the month's end clamps to its last day), as a UTC instant.
std::chrono::system_clock::time_point points_expire_at(std::chrono::system_clock::time_point vested_at, std::int32_t validity_months,
                                                       std::chrono::minutes utc_offset);

}  // namespace sharedstore
