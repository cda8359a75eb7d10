#include "server/domain/share_tiers.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <set>

namespace sharedstore {

namespace {

std::string at(std::size_t i, const char* field) { return "tiers[" + std::to_string(i) + "]." + field; }

}  // namespace

std::vector<validation_problem> validate_tiers(const std::vector<share_tier>& tiers) {
    std::vector<validation_problem> problems;
    if (tiers.empty() || tiers.size() > max_tiers) {
        problems.push_back({"tiers", "tier_count", "give 1 to " + std::to_string(max_tiers) + " tiers"});
        if (tiers.empty()) return problems;
    }
    std::set<std::string> names;
    std::set<std::int64_t> buy_ins;
    for (std::size_t i = 0; i < tiers.size(); ++i) {
        const auto& t = tiers[i];
        const auto length = utf8_length(t.name);
        if (length == 0 || length > 32) problems.push_back({at(i, "name"), "name_length", "a tier name has 1 to 32 characters"});
        else if (!names.insert(t.name).second) problems.push_back({at(i, "name"), "duplicate_name", "tier names must differ"});
        if (t.buy_in_fen <= 0) problems.push_back({at(i, "buy_in_fen"), "buy_in_not_positive", "the buy-in must be more than 0 fen"});
        else if (!buy_ins.insert(t.buy_in_fen).second)
            problems.push_back({at(i, "buy_in_fen"), "duplicate_buy_in", "two tiers cannot have the same buy-in"});
        if (t.ratio_bp < 1 || t.ratio_bp > max_ratio_bp)
            problems.push_back({at(i, "ratio_bp"), "ratio_out_of_range", "the ratio is 1 to 10000 basis points (0.01 % to 100 %)"});
    }
    // Monotonic: sorted by buy-in, ratios never go down (ties allowed).
    std::vector<std::size_t> order(tiers.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return tiers[a].buy_in_fen < tiers[b].buy_in_fen; });
    for (std::size_t k = 1; k < order.size(); ++k) {
        const auto& lower = tiers[order[k - 1]];
        const auto& higher = tiers[order[k]];
        if (higher.buy_in_fen > lower.buy_in_fen && higher.ratio_bp < lower.ratio_bp)
            problems.push_back({at(order[k], "ratio_bp"), "ratio_decreases",
                                "a higher buy-in (" + higher.name + ") cannot get a lower ratio than " + lower.name});
    }
    return problems;
}

std::optional<validation_problem> validate_margin(const std::string& field, std::int32_t margin_bp) {
    if (margin_bp < 0 || margin_bp > max_ratio_bp)
        return validation_problem{field, "margin_out_of_range", "a profit margin is 0 to 10000 basis points"};
    return std::nullopt;
}

std::vector<validation_problem> validate_tier_table(const std::vector<share_tier>& tiers, std::int32_t profit_margin_bp,
                                                    const std::map<std::string, std::int32_t>& category_margins_bp) {
    auto problems = validate_tiers(tiers);
    if (auto p = validate_margin("profit_margin_bp", profit_margin_bp)) problems.push_back(*p);
    for (const auto& [category, bp] : category_margins_bp)
        if (auto p = validate_margin("category_margins." + category, bp)) problems.push_back(*p);
    return problems;
}

std::optional<share_tier> tier_for_total_buy_in(const std::vector<share_tier>& tiers, std::int64_t total_buy_in_fen) {
    std::optional<share_tier> best;
    for (const auto& t : tiers)
        if (t.buy_in_fen <= total_buy_in_fen && (!best || t.buy_in_fen > best->buy_in_fen)) best = t;
    return best;
}

}  // namespace sharedstore
