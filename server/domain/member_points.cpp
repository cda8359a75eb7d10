#include "server/domain/member_points.hpp"

#include "server/domain/dividends.hpp"

#include <algorithm>

namespace sharedstore {

std::vector<validation_problem> validate_points_rules(const points_rules& r) {
    std::vector<validation_problem> problems;
    if (r.points_per_yuan < 0 || r.points_per_yuan > 100)
        problems.push_back({"points_per_yuan", "points_per_yuan_out_of_range", "points_per_yuan is 0..100 (0: no points earned)"});
    if (r.point_value_fen < 1 || r.point_value_fen > 100)
        problems.push_back({"point_value_fen", "point_value_out_of_range", "point_value_fen is 1..100"});
    if (r.max_points_per_order < 0 || r.max_points_per_order > 1'000'000)
        problems.push_back({"max_points_per_order", "max_points_out_of_range", "max_points_per_order is 0..1000000 (0: points are not spent on orders)"});
    if (r.validity_months < 1 || r.validity_months > 120)
        problems.push_back({"points_validity_months", "validity_out_of_range", "points_validity_months is 1..120"});
    return problems;
}

std::int64_t points_earned(std::int64_t paid_fen, std::int32_t points_per_yuan, std::int32_t multiplier_bp) {
    if (paid_fen <= 0 || points_per_yuan <= 0 || multiplier_bp <= 0) return 0;
    return static_cast<std::int64_t>(static_cast<__int128>(paid_fen) * points_per_yuan * multiplier_bp / (10'000 * 100));
}

std::int64_t points_reversed(std::int64_t earned, std::int64_t amount_fen, std::int64_t refunded_before_fen, std::int64_t refund_fen) {
    // The same cumulative floor as a dividend's reversal: one rule for every proportional share.
    return reversal_fen(earned, amount_fen, refunded_before_fen, refund_fen);
}

std::int64_t max_spendable_points(std::int64_t payable_fen, std::int64_t balance, const points_rules& rules) {
    if (payable_fen <= 1 || balance <= 0 || rules.max_points_per_order <= 0 || rules.point_value_fen <= 0) return 0;
    const auto by_price = (payable_fen - 1) / rules.point_value_fen;  // at least 1 fen left to pay
    return std::min({by_price, balance, rules.max_points_per_order});
}

points_spend_plan plan_points_spend(std::int64_t payable_fen, std::int64_t points, std::int64_t balance, const points_rules& rules) {
    if (points <= 0) return {std::nullopt, points_spend_problem::not_positive};
    if (rules.max_points_per_order <= 0) return {std::nullopt, points_spend_problem::spending_off};
    if (points > balance) return {std::nullopt, points_spend_problem::over_balance};
    if (points > rules.max_points_per_order) return {std::nullopt, points_spend_problem::over_order_maximum};
    if (static_cast<__int128>(points) * rules.point_value_fen > payable_fen - 1) return {std::nullopt, points_spend_problem::leaves_nothing_to_pay};
    return {points_spend{points, points * rules.point_value_fen}, std::nullopt};
}

std::vector<lot_draw> draw_from_lots(std::vector<points_lot> lots, std::int64_t points) {
    std::sort(lots.begin(), lots.end(), [](const points_lot& a, const points_lot& b) {
        return a.expires_at != b.expires_at ? a.expires_at < b.expires_at : a.id < b.id;
    });
    std::vector<lot_draw> draws;
    for (const auto& lot : lots) {
        if (points <= 0) break;
        if (lot.remaining <= 0) continue;
        const auto take = std::min(points, lot.remaining);
        draws.push_back({lot.id, take});
        points -= take;
    }
    return draws;
}

std::chrono::system_clock::time_point points_expire_at(std::chrono::system_clock::time_point vested_at, std::int32_t validity_months,
                                                       std::chrono::minutes utc_offset) {
    using namespace std::chrono;
    const auto local_day = floor<days>(vested_at + utc_offset);
    const year_month_day ymd{local_day};
    const year_month target = ymd.year() / ymd.month() + months(validity_months);
    const year_month_day_last last{target.year() / target.month() / std::chrono::last};
    const auto d = ymd.day() > last.day() ? last.day() : ymd.day();
    const sys_days expiry_day{target.year() / target.month() / d};
    // The end of that local day: the next local midnight.
    return expiry_day + days(1) - utc_offset;
}

}  // namespace sharedstore
