#include "server/domain/member_levels.hpp"
#include "server/domain/member_points.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace sharedstore;

namespace {

// The hair salon of docs/business-rules.md section 4 and docs/members.md.
std::vector<member_level> salon() {
    return {
        {1, "普通", 0, 10'000, 10'000, 0},
        {2, "银卡", 2'000, 9'500, 12'000, 1'000},
        {3, "金卡", 10'000, 9'000, 15'000, 5'000},
    };
}

std::vector<std::string> codes_at(const std::vector<validation_problem>& problems, const std::string& field) {
    std::vector<std::string> codes;
    for (const auto& p : problems)
        if (p.field == field) codes.push_back(p.code);
    return codes;
}

bool has(const std::vector<validation_problem>& problems, const std::string& field, const std::string& code) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.field == field && p.code == code; });
}

std::string utf8_times(const char* piece, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += piece;
    return s;
}

}  // namespace

TEST(member_levels_validate, the_salon_table_and_a_single_level_pass) {
    EXPECT_TRUE(validate_member_levels(salon()).empty());
    EXPECT_TRUE(validate_member_levels({{1, "member", 0, 10'000, 10'000, 0}}).empty());
    // Ties allowed where the rule says "never less generous": equal discount and multiplier.
    EXPECT_TRUE(validate_member_levels({{1, "a", 0, 9'000, 12'000, 0}, {2, "b", 1, 9'000, 12'000, 1}}).empty());
    // The edges of each range.
    EXPECT_TRUE(validate_member_levels({{1, "a", 0, 10'000, 10'000, 0}, {2, "b", 5, 1'000, 100'000, 5}}).empty());
    // 32 characters, Chinese ones three bytes each: 96 bytes still fit.
    EXPECT_TRUE(validate_member_levels({{1, utf8_times("金", 32), 0, 10'000, 10'000, 0}}).empty());
    EXPECT_TRUE(validate_member_levels({{1, std::string(32, 'x'), 0, 10'000, 10'000, 0}}).empty());
}

TEST(member_levels_validate, every_problem_code) {
    struct row {
        const char* name;
        void (*change)(std::vector<member_level>&);
        const char* field;
        const char* code;
    };
    const row rows[] = {
        {"no levels", [](auto& t) { t.clear(); }, "levels", "level_count"},
        {"21 levels",
         [](auto& t) {
             t.clear();
             for (int i = 1; i <= 21; ++i) t.push_back({i, "L" + std::to_string(i), (i - 1) * 100, 10'000, 10'000, 0});
         },
         "levels", "level_count"},
        {"numbered from 0", [](auto& t) { t[0].level_no = 0; }, "levels[0].level_no", "level_numbering"},
        {"a gap in numbering", [](auto& t) { t[2].level_no = 4; }, "levels[2].level_no", "level_numbering"},
        {"swapped numbers", [](auto& t) { std::swap(t[1].level_no, t[2].level_no); }, "levels[1].level_no", "level_numbering"},
        {"empty name", [](auto& t) { t[1].name.clear(); }, "levels[1].name", "name_length"},
        {"33 characters", [](auto& t) { t[1].name = std::string(33, 'x'); }, "levels[1].name", "name_length"},
        {"33 Chinese characters", [](auto& t) { t[2].name = utf8_times("金", 33); }, "levels[2].name", "name_length"},
        {"duplicate name", [](auto& t) { t[2].name = t[0].name; }, "levels[2].name", "duplicate_name"},
        {"level 1 above 0", [](auto& t) { t[0].threshold_growth = 1; }, "levels[0].threshold_growth", "first_threshold"},
        {"level 1 below 0", [](auto& t) { t[0].threshold_growth = -1; }, "levels[0].threshold_growth", "threshold_negative"},
        {"negative threshold higher up", [](auto& t) { t[1].threshold_growth = -5; }, "levels[1].threshold_growth",
         "threshold_negative"},
        {"discount below 1000", [](auto& t) { t[2].discount_bp = 999; }, "levels[2].discount_bp", "discount_out_of_range"},
        {"discount above 10000", [](auto& t) { t[0].discount_bp = 10'001; }, "levels[0].discount_bp", "discount_out_of_range"},
        {"multiplier below 1x", [](auto& t) { t[0].points_multiplier_bp = 9'999; }, "levels[0].points_multiplier_bp",
         "multiplier_out_of_range"},
        {"multiplier above 10x", [](auto& t) { t[2].points_multiplier_bp = 100'001; }, "levels[2].points_multiplier_bp",
         "multiplier_out_of_range"},
        {"negative retention", [](auto& t) { t[1].retention_growth_12m = -1; }, "levels[1].retention_growth_12m",
         "retention_out_of_range"},
        {"retention above the threshold", [](auto& t) { t[1].retention_growth_12m = 2'001; }, "levels[1].retention_growth_12m",
         "retention_out_of_range"},
        {"level 1 with retention", [](auto& t) { t[0].retention_growth_12m = 1; }, "levels[0].retention_growth_12m",
         "retention_out_of_range"},
        {"equal thresholds", [](auto& t) { t[2].threshold_growth = 2'000; }, "levels[2].threshold_growth", "threshold_not_increasing"},
        {"falling thresholds", [](auto& t) { t[2].threshold_growth = 1'500; }, "levels[2].threshold_growth",
         "threshold_not_increasing"},
        {"a higher level pays more", [](auto& t) { t[2].discount_bp = 9'600; }, "levels[2].discount_bp", "discount_decreases"},
        {"a higher level earns fewer points", [](auto& t) { t[2].points_multiplier_bp = 11'000; }, "levels[2].points_multiplier_bp",
         "multiplier_decreases"},
    };
    for (const auto& r : rows) {
        auto table = salon();
        r.change(table);
        const auto problems = validate_member_levels(table);
        EXPECT_TRUE(has(problems, r.field, r.code)) << r.name << ": expected " << r.field << " " << r.code;
    }
}

TEST(member_levels_validate, every_problem_at_once) {
    auto table = salon();
    table[0].threshold_growth = 1;
    table[1].name = "";
    table[1].discount_bp = 500;
    table[2].name = "普通";
    table[2].points_multiplier_bp = 11'000;
    const auto problems = validate_member_levels(table);
    EXPECT_EQ(codes_at(problems, "levels[0].threshold_growth"), std::vector<std::string>{"first_threshold"});
    EXPECT_EQ(codes_at(problems, "levels[1].name"), std::vector<std::string>{"name_length"});
    EXPECT_EQ(codes_at(problems, "levels[1].discount_bp"), std::vector<std::string>{"discount_out_of_range"});
    EXPECT_EQ(codes_at(problems, "levels[2].name"), std::vector<std::string>{"duplicate_name"});
    EXPECT_EQ(codes_at(problems, "levels[2].points_multiplier_bp"), std::vector<std::string>{"multiplier_decreases"});
    for (const auto& p : problems) EXPECT_FALSE(p.message.empty()) << p.code;
}

TEST(member_levels_growth, one_per_whole_yuan_paid) {
    struct row {
        std::int64_t paid;
        std::int64_t growth;
    };
    const row rows[] = {{0, 0}, {-100, 0}, {1, 0}, {99, 0}, {100, 1}, {199, 1}, {200, 2}, {34'920, 349}, {38'800, 388}, {500'000, 5'000}};
    for (const auto& r : rows) EXPECT_EQ(growth_of_paid(r.paid), r.growth) << r.paid;
}

TEST(member_levels_growth, refunds_take_growth_back_cumulatively) {
    struct row {
        std::int64_t amount, refunded, growth;
    };
    const row rows[] = {
        {34'920, 0, 349}, {34'920, 34'920, 0}, {34'920, 20, 349},  // 349.00 yuan left: all growth stays
        {34'920, 21, 348}, {34'920, 10'000, 249}, {100, 1, 0},   {99, 0, 0},
    };
    for (const auto& r : rows) EXPECT_EQ(order_growth(r.amount, r.refunded), r.growth) << r.amount << " refunded " << r.refunded;
}

TEST(member_levels_level, highest_threshold_reached) {
    const auto table = salon();
    struct row {
        std::int64_t growth;
        std::int32_t level_no;
    };
    const row rows[] = {{0, 1}, {1, 1}, {1'999, 1}, {2'000, 2}, {2'001, 2}, {9'999, 2}, {10'000, 3}, {1'000'000, 3}};
    for (const auto& r : rows) {
        const auto level = level_for_growth(table, r.growth);
        ASSERT_TRUE(level) << r.growth;
        EXPECT_EQ(level->level_no, r.level_no) << r.growth;
    }
    EXPECT_FALSE(level_for_growth({}, 0));
    EXPECT_FALSE(level_for_growth({}, 5'000));
    EXPECT_EQ(level_for_growth(table, 10'000)->name, "金卡");
}

TEST(member_levels_level, a_refund_lowers_the_level_at_once_and_regrowth_raises_it) {
    const auto table = salon();
    // 9800 growth from earlier orders, then a vested 38800-fen order at L2 prices.
    const std::int64_t earlier = 9'800;
    const auto paid = member_price_fen(38'800, table[1].discount_bp);  // 36860
    EXPECT_EQ(paid, 36'860);
    const auto after_order = earlier + order_growth(paid, 0);
    EXPECT_EQ(after_order, 10'168);
    EXPECT_EQ(level_for_growth(table, after_order)->level_no, 3) << "upgrade at once";
    // Half of it refunded: the growth it no longer earns comes back off, the level drops at once.
    const auto after_half = earlier + order_growth(paid, 18'430);
    EXPECT_EQ(after_half, 9'984);
    EXPECT_EQ(level_for_growth(table, after_half)->level_no, 2);
    // The rest refunded: exactly the earlier growth remains.
    EXPECT_EQ(earlier + order_growth(paid, paid), earlier);
    EXPECT_EQ(level_for_growth(table, earlier + order_growth(paid, paid))->level_no, 2);
    // Down to level 1 when the refunded order was what lifted them to L2.
    EXPECT_EQ(level_for_growth(table, 1'900 + order_growth(20'000, 0))->level_no, 2);
    EXPECT_EQ(level_for_growth(table, 1'900 + order_growth(20'000, 20'000))->level_no, 1);
}

TEST(member_levels_price, floor_of_the_discount_never_free) {
    struct row {
        std::int64_t listed;
        std::int32_t discount_bp;
        std::int64_t paid;
    };
    const row rows[] = {
        {38'800, 9'000, 34'920}, {38'800, 10'000, 38'800}, {38'800, 9'500, 36'860}, {999, 9'500, 949},  // 949.05 floored
        {1, 9'000, 1},           {9, 1'000, 1},            {10, 1'000, 1},           {11, 1'000, 1},
        {19, 1'000, 1},          {20, 1'000, 2},           {0, 9'000, 0},            {500'000'000'000, 1'000, 50'000'000'000},
    };
    for (const auto& r : rows) EXPECT_EQ(member_price_fen(r.listed, r.discount_bp), r.paid) << r.listed << " at " << r.discount_bp;
}

// docs/business-rules.md section 4 (worked numbers): an L3 member, a service listed at 38800 fen.
TEST(member_levels_example, the_research_notes_gold_member) {
    const auto table = salon();
    const auto& gold = table[2];
    const auto paid = member_price_fen(38'800, gold.discount_bp);
    EXPECT_EQ(paid, 34'920);
    EXPECT_EQ(points_earned(paid, 1, gold.points_multiplier_bp), 523);  // floor(34920 x 1 x 15000 / (10000 x 100)) = floor(523.8)
    EXPECT_EQ(growth_of_paid(paid), 349);
}

TEST(member_levels_retention, yearly_check) {
    const auto table = salon();
    struct row {
        const char* name;
        std::int32_t level_no;
        std::int64_t growth_12m;
        std::optional<std::int32_t> to_level;
        std::int64_t growth_after;
    };
    const row rows[] = {
        {"gold met retention exactly", 3, 5'000, std::nullopt, 0},
        {"gold above retention", 3, 12'000, std::nullopt, 0},
        {"gold one short", 3, 4'999, 2, 2'000},
        {"gold earned nothing", 3, 0, 2, 2'000},  // one level only, not straight to 1
        {"silver one short", 2, 999, 1, 0},
        {"silver met", 2, 1'000, std::nullopt, 0},
        {"level 1 is kept", 1, 0, std::nullopt, 0},
        {"no such level (0)", 0, 0, std::nullopt, 0},
        {"no such level (4)", 4, 0, std::nullopt, 0},
    };
    for (const auto& r : rows) {
        const auto drop = retention_check(table, r.level_no, r.growth_12m);
        ASSERT_EQ(drop.has_value(), r.to_level.has_value()) << r.name;
        if (!drop) continue;
        EXPECT_EQ(drop->to.level_no, *r.to_level) << r.name;
        EXPECT_EQ(drop->growth_after, r.growth_after) << r.name;
        // The reset growth puts them at the level they dropped to, not back up.
        EXPECT_EQ(level_for_growth(table, drop->growth_after)->level_no, *r.to_level) << r.name;
    }
}

TEST(member_levels_retention, retention_zero_keeps_the_level) {
    auto table = salon();
    table[2].retention_growth_12m = 0;
    EXPECT_FALSE(retention_check(table, 3, 0));
    EXPECT_TRUE(retention_check(table, 2, 0)) << "silver's own retention still applies";
    EXPECT_FALSE(retention_check({}, 1, 0));
}
