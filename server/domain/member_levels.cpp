#include "server/domain/member_levels.hpp"

#include "common/utf8.hpp"

#include <set>

namespace sharedstore {

std::vector<validation_problem> validate_member_levels(const std::vector<member_level>& levels) {
    std::vector<validation_problem> problems;
    auto add = [&](std::string field, std::string code, std::string message) {
        problems.push_back({std::move(field), std::move(code), std::move(message)});
    };
    if (levels.empty() || levels.size() > max_member_levels) add("levels", "level_count", "a level table has 1 to 20 levels");
    std::set<std::string> names;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        const auto& l = levels[i];
        const auto at = "levels[" + std::to_string(i) + "].";
        if (l.level_no != static_cast<std::int32_t>(i + 1)) add(at + "level_no", "level_numbering", "levels are numbered 1, 2, 3 ... in order");
        if (const auto length = utf8_length(l.name); length == 0 || length > 32) add(at + "name", "name_length", "a level name has 1 to 32 characters");
        else if (!names.insert(l.name).second) add(at + "name", "duplicate_name", "level names are distinct");
        if (i == 0 && l.threshold_growth != 0) add(at + "threshold_growth", "first_threshold", "level 1 starts at growth 0");
        if (l.threshold_growth < 0) add(at + "threshold_growth", "threshold_negative", "thresholds are not negative");
        if (l.discount_bp < min_member_discount_bp || l.discount_bp > 10'000)
            add(at + "discount_bp", "discount_out_of_range", "discount_bp is 1000..10000 (10000 = no discount)");
        if (l.points_multiplier_bp < 10'000 || l.points_multiplier_bp > max_points_multiplier_bp)
            add(at + "points_multiplier_bp", "multiplier_out_of_range", "points_multiplier_bp is 10000..100000 (10000 = 1x)");
        if (l.retention_growth_12m < 0 || l.retention_growth_12m > l.threshold_growth)
            add(at + "retention_growth_12m", "retention_out_of_range", "retention is 0..the level's threshold");
        if (i > 0) {
            const auto& lower = levels[i - 1];
            if (l.threshold_growth <= lower.threshold_growth)
                add(at + "threshold_growth", "threshold_not_increasing", "a higher level needs more growth than the one below");
            if (l.discount_bp > lower.discount_bp) add(at + "discount_bp", "discount_decreases", "a higher level never pays more than the one below");
            if (l.points_multiplier_bp < lower.points_multiplier_bp)
                add(at + "points_multiplier_bp", "multiplier_decreases", "a higher level never earns fewer points than the one below");
        }
    }
    return problems;
}

std::int64_t growth_of_paid(std::int64_t paid_fen) { return paid_fen > 0 ? paid_fen / 100 : 0; }

std::int64_t order_growth(std::int64_t amount_fen, std::int64_t refunded_fen) { return growth_of_paid(amount_fen - refunded_fen); }

std::optional<member_level> level_for_growth(const std::vector<member_level>& levels, std::int64_t growth) {
    std::optional<member_level> reached;
    for (const auto& l : levels)
        if (growth >= l.threshold_growth) reached = l;
    return reached;
}

std::int64_t member_price_fen(std::int64_t listed_fen, std::int32_t discount_bp) {
    if (listed_fen <= 0) return listed_fen;
    const auto price = static_cast<std::int64_t>(static_cast<__int128>(listed_fen) * discount_bp / 10'000);
    return price < 1 ? 1 : price;
}

std::optional<retention_drop> retention_check(const std::vector<member_level>& levels, std::int32_t level_no, std::int64_t growth_12m) {
    if (level_no <= 1 || level_no > static_cast<std::int32_t>(levels.size())) return std::nullopt;
    const auto& current = levels[static_cast<std::size_t>(level_no - 1)];
    if (current.retention_growth_12m == 0 || growth_12m >= current.retention_growth_12m) return std::nullopt;
    const auto& lower = levels[static_cast<std::size_t>(level_no - 2)];
    return retention_drop{lower, lower.threshold_growth};
}

}  // namespace sharedstore
