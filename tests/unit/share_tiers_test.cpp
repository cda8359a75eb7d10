#include "server/domain/share_tiers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sharedstore;

namespace {

// The seed's example: 10,000 yuan -> 20 %, 30,000 -> 30 %, 50,000 -> 50 %.
const std::vector<share_tier> seed_tiers{{"银卡", 1'000'000, 2000}, {"金卡", 3'000'000, 3000}, {"钻石", 5'000'000, 5000}};

bool has(const std::vector<validation_problem>& problems, const std::string& field, const std::string& code) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.field == field && p.code == code; });
}

TEST(validate_tiers, the_seed_example_is_valid_in_any_order) {
    EXPECT_TRUE(validate_tiers(seed_tiers).empty());
    auto shuffled = std::vector<share_tier>{seed_tiers[2], seed_tiers[0], seed_tiers[1]};
    EXPECT_TRUE(validate_tiers(shuffled).empty());
    EXPECT_TRUE(validate_tiers({{"flat", 100, 1}, {"same ratio", 200, 1}}).empty()) << "equal ratios are allowed";
}

TEST(validate_tiers, each_rule_names_the_field) {
    struct row {
        std::vector<share_tier> tiers;
        std::string field, code;
    };
    const std::vector<row> rows{
        {{{"a", 100, 0}}, "tiers[0].ratio_bp", "ratio_out_of_range"},
        {{{"a", 100, 10001}}, "tiers[0].ratio_bp", "ratio_out_of_range"},
        {{{"a", 0, 100}}, "tiers[0].buy_in_fen", "buy_in_not_positive"},
        {{{"a", -5, 100}}, "tiers[0].buy_in_fen", "buy_in_not_positive"},
        {{{"a", 100, 100}, {"b", 100, 200}}, "tiers[1].buy_in_fen", "duplicate_buy_in"},
        {{{"a", 100, 500}, {"b", 200, 400}}, "tiers[1].ratio_bp", "ratio_decreases"},
        {{{"b", 200, 400}, {"a", 100, 500}}, "tiers[0].ratio_bp", "ratio_decreases"},
        {{{"", 100, 100}}, "tiers[0].name", "name_length"},
        {{{std::string(33, 'x'), 100, 100}}, "tiers[0].name", "name_length"},
        {{{"a", 100, 100}, {"a", 200, 200}}, "tiers[1].name", "duplicate_name"},
        {{}, "tiers", "tier_count"},
    };
    for (const auto& r : rows) EXPECT_TRUE(has(validate_tiers(r.tiers), r.field, r.code)) << r.field << " " << r.code;
    EXPECT_TRUE(has(validate_tiers(std::vector<share_tier>(21, {"x", 1, 1})), "tiers", "tier_count"));
}

TEST(validate_tiers, reports_every_problem_at_once) {
    auto problems = validate_tiers({{"", 0, 0}, {"b", 100, 20000}});
    EXPECT_GE(problems.size(), 4u);
}

TEST(validate_margin, is_0_to_10000) {
    EXPECT_FALSE(validate_margin("profit_margin_bp", 0));
    EXPECT_FALSE(validate_margin("profit_margin_bp", 10000));
    EXPECT_TRUE(validate_margin("profit_margin_bp", -1));
    EXPECT_TRUE(validate_margin("profit_margin_bp", 10001));
}

TEST(tier_for_total_buy_in, highest_tier_reached) {
    EXPECT_FALSE(tier_for_total_buy_in(seed_tiers, 999'999));
    EXPECT_EQ(tier_for_total_buy_in(seed_tiers, 1'000'000)->ratio_bp, 2000);
    EXPECT_EQ(tier_for_total_buy_in(seed_tiers, 2'999'999)->ratio_bp, 2000);
    EXPECT_EQ(tier_for_total_buy_in(seed_tiers, 3'000'000)->ratio_bp, 3000);  // topping up upgrades
    EXPECT_EQ(tier_for_total_buy_in(seed_tiers, 80'000'000)->ratio_bp, 5000);
}

}  // namespace
