// The compliance validator (docs/business-rules.md section 7, "Refused configurations").
#include "server/domain/bonus_validator.hpp"

#include "tests/unit/bonus_examples.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

// Designated initialisers below name only the fields a row is about; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono;

namespace {

// The worked examples' tiers (docs/business-rules.md section 7): T1 2000 bp, T2 3000 bp, T3 5000 bp.
const std::vector<share_tier> tiers{{"T1", 1'000'000, 2000}, {"T2", 3'000'000, 3000}, {"T3", 5'000'000, 5000}};

bool has(const std::vector<validation_problem>& problems, const std::string& field, const std::string& code) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.field == field && p.code == code; });
}

std::set<std::string> codes(const std::vector<validation_problem>& problems) {
    std::set<std::string> out;
    for (const auto& p : problems) out.insert(p.code);
    return out;
}

std::string dump(const std::vector<validation_problem>& problems) {
    std::string s;
    for (const auto& p : problems) s += p.field + " " + p.code + ": " + p.message + "\n";
    return s;
}

// Every award at the worked examples' lawful setting.
bonus_proposal lawful() {
    return {.tiers = tiers,
            .awards = {{.type = proposed_award_type::tier},
                       {.type = proposed_award_type::level_difference, .depth = 2, .medium = award_medium::points},
                       {.type = proposed_award_type::flat_push, .depth = 2, .flat_bp = 500, .medium = award_medium::points},
                       {.type = proposed_award_type::project, .campaign = perm_season()},
                       {.type = proposed_award_type::top_dealer, .top_dealer = top_dealer_bonus{200, 1'000'000, bonus_period::quarter}}},
            .order_cap_bp = 5000,
            .level2_cash = false,
            .level2_cash_sign_off = std::nullopt,
            .partner_entry = std::nullopt};
}

TEST(bonus_validator, the_research_notes_configuration_is_lawful_and_becomes_a_config) {
    const auto p = lawful();
    EXPECT_TRUE(validate_bonus_proposal(p).empty()) << dump(validate_bonus_proposal(p));
    const auto config = to_bonus_config(p);
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->level_difference);
    EXPECT_EQ(config->flat_bp, 500);
    ASSERT_EQ(config->projects.size(), 1u);
    EXPECT_EQ(config->projects[0].name, "烫染季");
    ASSERT_TRUE(config->top_dealer);
    EXPECT_EQ(config->top_dealer->pool_bp, 200);
    EXPECT_EQ(config->order_cap_bp, 5000);
    EXPECT_FALSE(config->level2_cash);
    // And back: a stored configuration is checked by the same rules.
    EXPECT_TRUE(validate_bonus_config(*config, tiers).empty()) << dump(validate_bonus_config(*config, tiers));
}

TEST(bonus_validator, the_defaults_are_the_tier_award_alone_and_lawful) {
    const bonus_config defaults;
    EXPECT_FALSE(defaults.level_difference);
    EXPECT_EQ(defaults.flat_bp, 0);
    EXPECT_EQ(defaults.order_cap_bp, 5000);
    EXPECT_FALSE(defaults.level2_cash);
    EXPECT_FALSE(defaults.top_dealer);
    EXPECT_TRUE(validate_bonus_config(defaults, tiers).empty());
    const auto described = describe(defaults, tiers);
    ASSERT_EQ(described.awards.size(), 1u);
    EXPECT_EQ(described.awards[0].type, proposed_award_type::tier);
}

// The public counter-example of docs/business-rules.md section 7: buying the 1980-yuan member
// product raises one's level and unlocks the rewards; the buyer's referrer gets 50 % of it in cash;
// the ancestor at depth = the new level (up to 6) gets a "team" reward of the same size.
TEST(bonus_validator, the_public_counter_example_is_refused_with_each_of_its_codes) {
    const bonus_proposal scheme{
        .tiers = {},
        .awards = {{.label = "推荐奖",
                    .type = proposed_award_type::other,
                    .base = award_base::membership,
                    .depth = 1,
                    .level_rates_bp = {5000},
                    .recipient = award_recipient::referrer,
                    .medium = award_medium::cash},
                   {.label = "团队奖",
                    .type = proposed_award_type::other,
                    .base = award_base::membership,
                    .depth = 6,
                    .level_rates_bp = {0, 5000, 5000, 5000, 5000, 5000},
                    .recipient = award_recipient::partner,
                    .medium = award_medium::cash}},
        .order_cap_bp = 5000,
        .level2_cash = false,
        .level2_cash_sign_off = std::nullopt,
        .partner_entry = partner_entry_terms{.fee_fen = 0,
                                             .required_purchase_fen = 198'000,
                                             .purchase_returnable = false,
                                             .purchase_unlocks_rewards = true}};
    const auto problems = validate_bonus_proposal(scheme);
    EXPECT_FALSE(to_bonus_config(scheme));
    EXPECT_TRUE(has(problems, "partner_entry.required_purchase_fen", "entry_fee")) << dump(problems);
    EXPECT_TRUE(has(problems, "awards[0].base", "base_not_consumer_sales"));
    EXPECT_TRUE(has(problems, "awards[1].base", "base_not_consumer_sales"));
    EXPECT_TRUE(has(problems, "awards[0].medium", "referrer_cash")) << "cash to a referrer who is no partner";
    EXPECT_TRUE(has(problems, "awards[1].medium", "referrer_cash")) << "cash beyond A1 without level2_cash";
    EXPECT_TRUE(has(problems, "awards[1].depth", "depth_exceeds_two_levels"));
    EXPECT_TRUE(has(problems, "order_cap_bp", "order_cap_exceeded")) << "50 % + 5 x 50 % on one order";
    EXPECT_TRUE(has(problems, "awards[0].type", "unsupported_award_type"));
    EXPECT_TRUE(has(problems, "awards[1].type", "unsupported_award_type"));
    EXPECT_EQ(codes(problems), (std::set<std::string>{"entry_fee", "base_not_consumer_sales", "referrer_cash", "depth_exceeds_two_levels",
                                                      "order_cap_exceeded", "unsupported_award_type"}))
        << dump(problems);
    for (const auto& p : problems) EXPECT_FALSE(p.message.empty()) << p.code;

    // The same scheme with recruits as its levels (one star per person brought) and a team volume
    // test adds the headcount and team codes; any name of the forbidden list adds forbidden_bonus_type.
    auto recruited = scheme;
    recruited.awards[1].min_people_recruited = 3;
    recruited.awards[1].counts_team_sales = true;
    recruited.awards[1].label = "小区业绩奖";
    const auto more = codes(validate_bonus_proposal(recruited));
    EXPECT_TRUE(more.count("eligibility_by_headcount"));
    EXPECT_TRUE(more.count("team_volume"));
    EXPECT_TRUE(more.count("forbidden_bonus_type"));
}

TEST(bonus_validator, each_rule_names_its_field_and_code) {
    struct row {
        const char* what;
        void (*change)(bonus_proposal&);
        std::string field, code;
    };
    const std::vector<row> rows{
        {"level difference reading a third ancestor", [](bonus_proposal& p) { p.awards[1].depth = 3; }, "awards[1].depth", "depth_exceeds_two_levels"},
        {"per-level rates down to the third level",
         [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::other, .level_rates_bp = {100, 100, 100}, .medium = award_medium::points}); },
         "awards[5].level_rates_bp", "depth_exceeds_two_levels"},
        {"a depth of 0", [](bonus_proposal& p) { p.awards[0].depth = 0; }, "awards[0].depth", "depth_out_of_range"},
        {"flat push on a tier upgrade", [](bonus_proposal& p) { p.awards[2].base = award_base::buy_in; }, "awards[2].base", "base_not_consumer_sales"},
        {"tier award on top-ups", [](bonus_proposal& p) { p.awards[0].base = award_base::top_up; }, "awards[0].base", "base_not_consumer_sales"},
        {"a reward per sign-up", [](bonus_proposal& p) { p.awards[3].base = award_base::registration; }, "awards[3].base", "base_not_consumer_sales"},
        {"a campaign counting card claims", [](bonus_proposal& p) { p.awards[3].base = award_base::card_claim; }, "awards[3].base", "base_not_consumer_sales"},
        {"a reward per head", [](bonus_proposal& p) { p.awards[0].base = award_base::headcount; }, "awards[0].base", "base_not_consumer_sales"},
        {"a reward on qualification goods", [](bonus_proposal& p) { p.awards[0].base = award_base::qualification_purchase; }, "awards[0].base", "base_not_consumer_sales"},
        {"a pool for those who recruited 10", [](bonus_proposal& p) { p.awards[4].min_people_recruited = 10; }, "awards[4].min_people_recruited", "eligibility_by_headcount"},
        {"a pool weighed by team volume", [](bonus_proposal& p) { p.awards[4].counts_team_sales = true; }, "awards[4].counts_team_sales", "team_volume"},
        {"a joining fee", [](bonus_proposal& p) { p.partner_entry = partner_entry_terms{.fee_fen = 9'900}; }, "partner_entry.fee_fen", "entry_fee"},
        {"100 packs that cannot be returned",
         [](bonus_proposal& p) { p.partner_entry = partner_entry_terms{.required_purchase_fen = 690'000, .purchase_returnable = false}; },
         "partner_entry.required_purchase_fen", "entry_fee"},
        {"100 packs that unlock rewards on others",
         [](bonus_proposal& p) { p.partner_entry = partner_entry_terms{.required_purchase_fen = 690'000, .purchase_unlocks_rewards = true}; },
         "partner_entry.required_purchase_fen", "entry_fee"},
        {"an upper tier below a lower one", [](bonus_proposal& p) { p.tiers[2].ratio_bp = 2500; }, "tiers[2].ratio_bp", "level_rates_not_monotonic"},
        {"a tier above the cap", [](bonus_proposal& p) { p.order_cap_bp = 4000; }, "tiers[2].ratio_bp", "order_cap_exceeded"},
        {"a flat push that never fits", [](bonus_proposal& p) { p.awards[2].flat_bp = 3500; }, "order_cap_bp", "order_cap_exceeded"},
        {"a project taking more than the cap",
         [](bonus_proposal& p) {
             p.awards[3].campaign->reward = project_reward::sales_bp;
             p.awards[3].campaign->award_bp = 6000;
         },
         "awards[3].campaign.award_bp", "order_cap_exceeded"},
        {"a pool above the cap", [](bonus_proposal& p) { p.awards[4].top_dealer->pool_bp = 5001; }, "awards[4].top_dealer.pool_bp", "order_cap_exceeded"},
        {"a cap above 100 %", [](bonus_proposal& p) { p.order_cap_bp = 10'001; }, "order_cap_bp", "order_cap_out_of_range"},
        {"a cap of 0", [](bonus_proposal& p) { p.order_cap_bp = 0; }, "order_cap_bp", "order_cap_out_of_range"},
        {"cash to a non-partner referrer",
         [](bonus_proposal& p) {
             p.awards[0].recipient = award_recipient::referrer;
             p.awards[0].medium = award_medium::cash;
         },
         "awards[0].medium", "referrer_cash"},
        {"A2 in cash without level2_cash", [](bonus_proposal& p) { p.awards[1].medium = award_medium::cash; }, "awards[1].medium", "referrer_cash"},
        {"见点奖", [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::see_point}); }, "awards[5].type", "forbidden_bonus_type"},
        {"对碰奖", [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::pair_collision}); }, "awards[5].type", "forbidden_bonus_type"},
        {"层推奖", [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::layer_push}); }, "awards[5].type", "forbidden_bonus_type"},
        {"小区业绩奖", [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::small_zone}); }, "awards[5].type", "forbidden_bonus_type"},
        {"报单奖", [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::declaration}); }, "awards[5].type", "forbidden_bonus_type"},
        {"a tier award named 见点", [](bonus_proposal& p) { p.awards[0].label = "金牌见点奖"; }, "awards[0].label", "forbidden_bonus_type"},
        {"a long name", [](bonus_proposal& p) { p.awards[0].label = std::string(33, 'x'); }, "awards[0].label", "label_length"},
        {"an award this system does not compute",
         [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::other, .medium = award_medium::points}); },
         "awards[5].type", "unsupported_award_type"},
        {"two level-difference awards",
         [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::level_difference, .depth = 2, .medium = award_medium::points}); },
         "awards[5].type", "duplicate_award"},
        {"per-level rates on the tier award", [](bonus_proposal& p) { p.awards[0].level_rates_bp = {2000}; }, "awards[0].level_rates_bp", "rates_not_applicable"},
        {"flat_bp on the level difference", [](bonus_proposal& p) { p.awards[1].flat_bp = 100; }, "awards[1].flat_bp", "rates_not_applicable"},
        {"level2_cash without a sign-off",
         [](bonus_proposal& p) {
             p.level2_cash = true;
             p.awards[1].medium = p.awards[2].medium = award_medium::cash;
         },
         "level2_cash_sign_off", "level2_cash_without_sign_off"},
        {"level2_cash with a sign-off lacking its reference",
         [](bonus_proposal& p) {
             p.level2_cash = true;
             p.level2_cash_sign_off = cash_sign_off{.operator_user_id = 7, .signed_at = march_1, .reference = ""};
         },
         "level2_cash_sign_off", "level2_cash_without_sign_off"},
        {"a flat push of 0", [](bonus_proposal& p) { p.awards[2].flat_bp = 0; }, "awards[2].flat_bp", "rate_out_of_range"},
        {"a per-level rate above 100 %",
         [](bonus_proposal& p) { p.awards.push_back({.type = proposed_award_type::other, .level_rates_bp = {10'001}, .medium = award_medium::points}); },
         "awards[5].level_rates_bp[0]", "rate_out_of_range"},
        {"a project without its campaign", [](bonus_proposal& p) { p.awards[3].campaign.reset(); }, "awards[3].campaign", "campaign_missing"},
        {"a campaign without a name", [](bonus_proposal& p) { p.awards[3].campaign->name = ""; }, "awards[3].campaign.name", "campaign_name"},
        {"a campaign ending as it starts", [](bonus_proposal& p) { p.awards[3].campaign->ends_at = march_1; }, "awards[3].campaign.ends_at", "campaign_dates"},
        {"a goal of 0", [](bonus_proposal& p) { p.awards[3].campaign->goal_count = 0; }, "awards[3].campaign.goal_count", "campaign_goal"},
        {"units of no product", [](bonus_proposal& p) { p.awards[3].campaign->goal = project_goal::product_units; }, "awards[3].campaign.product", "campaign_product"},
        {"an award of 0", [](bonus_proposal& p) { p.awards[3].campaign->award_fen = 0; }, "awards[3].campaign.award_fen", "campaign_award"},
        {"a budget below one award", [](bonus_proposal& p) { p.awards[3].campaign->budget_fen = 49'999; }, "awards[3].campaign.budget_fen", "campaign_budget"},
        {"no winners", [](bonus_proposal& p) { p.awards[3].campaign->winner_limit = 0; }, "awards[3].campaign.winner_limit", "campaign_winner_limit"},
        {"a pool without its terms", [](bonus_proposal& p) { p.awards[4].top_dealer.reset(); }, "awards[4].top_dealer", "top_dealer_missing"},
        {"a pool of 0", [](bonus_proposal& p) { p.awards[4].top_dealer->pool_bp = 0; }, "awards[4].top_dealer.pool_bp", "rate_out_of_range"},
        {"a pool without a threshold", [](bonus_proposal& p) { p.awards[4].top_dealer->threshold_fen = 0; }, "awards[4].top_dealer.threshold_fen", "top_dealer_threshold"},
    };
    for (const auto& r : rows) {
        auto p = lawful();
        r.change(p);
        const auto problems = validate_bonus_proposal(p);
        EXPECT_TRUE(has(problems, r.field, r.code)) << r.what << ": wanted " << r.field << " " << r.code << ", got\n" << dump(problems);
        EXPECT_FALSE(to_bonus_config(p)) << r.what;
    }
}

TEST(bonus_validator, what_stays_lawful) {
    // A2 in cash with the operator's complete sign-off.
    auto signed_off = lawful();
    signed_off.level2_cash = true;
    signed_off.level2_cash_sign_off = cash_sign_off{.operator_user_id = 7, .signed_at = march_1, .reference = "法律意见书 2026-017"};
    signed_off.awards[1].medium = signed_off.awards[2].medium = award_medium::cash;
    EXPECT_TRUE(validate_bonus_proposal(signed_off).empty()) << dump(validate_bonus_proposal(signed_off));
    ASSERT_TRUE(to_bonus_config(signed_off));
    EXPECT_TRUE(to_bonus_config(signed_off)->level2_cash_sign_off);

    // A returnable qualification purchase that only unlocks a price (seed 004's 100 packs).
    auto packs = lawful();
    packs.partner_entry = partner_entry_terms{.required_purchase_fen = 690'000, .purchase_returnable = true, .purchase_unlocks_rewards = false};
    EXPECT_TRUE(validate_bonus_proposal(packs).empty());

    // Points to a referrer who is no partner; the cap exactly reached at the lowest tier.
    auto points = lawful();
    points.awards[0].recipient = award_recipient::referrer;
    points.awards[0].medium = award_medium::points;
    points.awards[2].flat_bp = 3000;  // 2000 + 3000 = the cap 5000
    EXPECT_TRUE(validate_bonus_proposal(points).empty()) << dump(validate_bonus_proposal(points));

    // Tiers may decrease where no level-difference award reads them (validate_tiers has its own rule).
    auto no_split = lawful();
    no_split.awards.erase(no_split.awards.begin() + 1);
    no_split.tiers[2].ratio_bp = 2500;
    EXPECT_FALSE(has(validate_bonus_proposal(no_split), "tiers[2].ratio_bp", "level_rates_not_monotonic"));
}

TEST(bonus_validator, reports_every_problem_at_once) {
    auto p = lawful();
    p.awards[1].depth = 4;
    p.awards[2].base = award_base::buy_in;
    p.awards[4].min_people_recruited = 5;
    p.partner_entry = partner_entry_terms{.fee_fen = 100};
    p.tiers[2].ratio_bp = 1000;
    p.awards.push_back({.type = proposed_award_type::see_point, .medium = award_medium::points});
    const auto c = codes(validate_bonus_proposal(p));
    for (const auto* code : {"depth_exceeds_two_levels", "base_not_consumer_sales", "eligibility_by_headcount", "entry_fee",
                             "level_rates_not_monotonic", "forbidden_bonus_type"})
        EXPECT_TRUE(c.count(code)) << code;
}

TEST(bonus_words, read_and_write_as_the_apis_words) {
    for (auto k : {award_kind::tier, award_kind::level_difference, award_kind::flat_push, award_kind::project, award_kind::top_dealer})
        EXPECT_EQ(parse_award_kind(to_string(k)), k);
    EXPECT_EQ(to_string(award_kind::level_difference), "level_difference");
    for (auto m : {award_medium::cash, award_medium::points}) EXPECT_EQ(parse_award_medium(to_string(m)), m);
    for (auto b : {award_base::consumer_sales, award_base::top_up, award_base::buy_in, award_base::membership, award_base::qualification_purchase,
                   award_base::registration, award_base::card_claim, award_base::headcount})
        EXPECT_EQ(parse_award_base(to_string(b)), b);
    for (auto t : {proposed_award_type::tier, proposed_award_type::other, proposed_award_type::see_point, proposed_award_type::declaration})
        EXPECT_EQ(parse_proposed_award_type(to_string(t)), t);
    EXPECT_EQ(parse_project_goal("product_units"), project_goal::product_units);
    EXPECT_EQ(parse_project_reward("sales_bp"), project_reward::sales_bp);
    EXPECT_EQ(parse_bonus_period("quarter"), bonus_period::quarter);
    EXPECT_EQ(parse_award_recipient("referrer"), award_recipient::referrer);
    EXPECT_FALSE(parse_award_kind("见点奖"));
    EXPECT_FALSE(parse_award_base("team_volume"));
}

}  // namespace
