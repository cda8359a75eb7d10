#include "server/domain/bonus_validator.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace sharedstore {

namespace {

std::string at(std::size_t i, const std::string& field) { return "awards[" + std::to_string(i) + "]." + field; }
std::string tier_at(std::size_t i) { return "tiers[" + std::to_string(i) + "].ratio_bp"; }

bool is_one_of_the_five(proposed_award_type t) {
    switch (t) {
    case proposed_award_type::tier:
    case proposed_award_type::level_difference:
    case proposed_award_type::flat_push:
    case proposed_award_type::project:
    case proposed_award_type::top_dealer: return true;
    default: return false;
    }
}

// The pyramid schemes' own names (docs/business-rules.md section 4), as types and as words
// a label may contain.
std::optional<std::string_view> forbidden_name(proposed_award_type t) {
    switch (t) {
    case proposed_award_type::see_point: return "见点奖";
    case proposed_award_type::pair_collision: return "对碰奖";
    case proposed_award_type::layer_push: return "层推奖";
    case proposed_award_type::small_zone: return "小区业绩奖";
    case proposed_award_type::declaration: return "报单奖";
    default: return std::nullopt;
    }
}
constexpr std::array<std::string_view, 5> forbidden_words{"见点", "对碰", "层推", "小区业绩", "报单"};

// The deepest ancestor a type reads by its nature.
std::int32_t own_depth(proposed_award_type t) {
    return t == proposed_award_type::level_difference || t == proposed_award_type::flat_push ? 2 : 1;
}

// The deepest level a per-level rate table pays (its last non-zero entry), 0 when none.
std::int32_t rates_depth(const std::vector<std::int32_t>& rates) {
    for (std::size_t k = rates.size(); k > 0; --k)
        if (rates[k - 1] != 0) return static_cast<std::int32_t>(k);
    return 0;
}

bool pays_a2(const proposed_award& a) {
    if (a.type == proposed_award_type::level_difference || a.type == proposed_award_type::flat_push) return true;
    if (is_one_of_the_five(a.type)) return false;
    return rates_depth(a.level_rates_bp) >= 2 || a.depth >= 2;
}

bool rate_in_range(std::int32_t bp) { return bp >= 1 && bp <= 10'000; }

void check_campaign(const project_campaign& c, const std::string& prefix, std::int32_t cap, bool cap_ok,
                    std::vector<validation_problem>& problems) {
    const auto f = [&](const char* name) { return prefix + name; };
    const auto name_length = utf8_length(c.name);
    if (name_length == 0 || name_length > 32) problems.push_back({f("name"), "campaign_name", "a campaign's name has 1 to 32 characters"});
    if (c.ends_at <= c.starts_at) problems.push_back({f("ends_at"), "campaign_dates", "a campaign ends after it starts"});
    if (c.goal_count < 1) problems.push_back({f("goal_count"), "campaign_goal", "the goal is at least 1 customer or unit"});
    if (c.goal == project_goal::new_paying_customers && c.min_order_fen < 0)
        problems.push_back({f("min_order_fen"), "campaign_goal", "the least order that makes a new customer count is 0 fen or more"});
    if (c.goal == project_goal::product_units && c.product.empty())
        problems.push_back({f("product"), "campaign_product", "a goal in units names the product counted"});
    if (c.reward == project_reward::fixed && c.award_fen < 1)
        problems.push_back({f("award_fen"), "campaign_award", "a fixed award is more than 0 fen"});
    if (c.reward == project_reward::sales_bp) {
        if (!rate_in_range(c.award_bp))
            problems.push_back({f("award_bp"), "rate_out_of_range", "the award is 1 to 10000 basis points of the winner's campaign sales"});
        else if (cap_ok && c.award_bp > cap)
            problems.push_back({f("award_bp"), "order_cap_exceeded",
                                "the award takes " + std::to_string(c.award_bp) + " bp of the sales' profit, more than the order cap of " +
                                    std::to_string(cap) + " bp"});
    }
    if (c.budget_fen < 1) problems.push_back({f("budget_fen"), "campaign_budget", "a campaign has a budget of more than 0 fen"});
    else if (c.reward == project_reward::fixed && c.award_fen > c.budget_fen)
        problems.push_back({f("budget_fen"), "campaign_budget", "the budget must hold at least one award"});
    if (c.winner_limit < 1) problems.push_back({f("winner_limit"), "campaign_winner_limit", "a campaign has at least 1 winner"});
}

}  // namespace

std::vector<validation_problem> validate_bonus_proposal(const bonus_proposal& p) {
    std::vector<validation_problem> problems;
    const auto cap = p.order_cap_bp;
    const bool cap_ok = rate_in_range(cap);
    if (!cap_ok) problems.push_back({"order_cap_bp", "order_cap_out_of_range", "the order cap is 1 to 10000 basis points of an order's profit"});
    const bool level_difference = std::any_of(p.awards.begin(), p.awards.end(),
                                              [](const auto& a) { return a.type == proposed_award_type::level_difference; });

    // The tier table the tier and level-difference awards read.
    std::int32_t lowest_ratio = 0;
    for (std::size_t i = 0; i < p.tiers.size(); ++i) {
        const auto& t = p.tiers[i];
        if (i == 0 || t.ratio_bp < lowest_ratio) lowest_ratio = t.ratio_bp;
        if (cap_ok && t.ratio_bp > cap)
            problems.push_back({tier_at(i), "order_cap_exceeded",
                                "the tier " + t.name + " pays " + std::to_string(t.ratio_bp) + " bp, above the order cap of " +
                                    std::to_string(cap) + " bp: the cap would cut its dividend; raise order_cap_bp or lower the tier"});
    }
    if (level_difference) {
        std::vector<std::size_t> order(p.tiers.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.tiers[a].buy_in_fen < p.tiers[b].buy_in_fen; });
        for (std::size_t k = 1; k < order.size(); ++k) {
            const auto& lower = p.tiers[order[k - 1]];
            const auto& higher = p.tiers[order[k]];
            if (higher.buy_in_fen > lower.buy_in_fen && higher.ratio_bp < lower.ratio_bp)
                problems.push_back({tier_at(order[k]), "level_rates_not_monotonic",
                                    "under a level-difference award a higher tier (" + higher.name + ") cannot have a lower rate than " +
                                        lower.name});
        }
    }

    std::set<proposed_award_type> seen;
    std::int64_t per_order_bp = lowest_ratio;  // what an order at the lowest tier carries, every award in full
    for (std::size_t i = 0; i < p.awards.size(); ++i) {
        const auto& a = p.awards[i];
        if (utf8_length(a.label) > 32) problems.push_back({at(i, "label"), "label_length", "an award's name has at most 32 characters"});
        if (const auto name = forbidden_name(a.type))
            problems.push_back({at(i, "type"), "forbidden_bonus_type",
                                std::string(*name) + " is a bonus type of pyramid schemes: it is never offered"});
        else if (const auto word = std::find_if(forbidden_words.begin(), forbidden_words.end(),
                                                [&](std::string_view w) { return a.label.find(w) != std::string::npos; });
                 word != forbidden_words.end())
            problems.push_back({at(i, "label"), "forbidden_bonus_type",
                                "the name contains " + std::string(*word) + ", a bonus type of pyramid schemes: it is never offered"});
        if (a.type == proposed_award_type::other)
            problems.push_back({at(i, "type"), "unsupported_award_type",
                                "this system pays the tier, level-difference, flat push, project and top-dealer awards only"});
        const bool single = a.type == proposed_award_type::tier || a.type == proposed_award_type::level_difference ||
                            a.type == proposed_award_type::flat_push || a.type == proposed_award_type::top_dealer;
        if (single && !seen.insert(a.type).second)
            problems.push_back({at(i, "type"), "duplicate_award", "a store has one " + std::string(to_string(a.type)) + " award"});

        // Depth: nothing beyond A2 is ever paid or read.
        if (a.depth < 1) problems.push_back({at(i, "depth"), "depth_out_of_range", "an award goes to someone above the buyer: depth 1 or 2"});
        const auto depth = std::max({a.depth, own_depth(a.type), rates_depth(a.level_rates_bp)});
        if (depth > 2)
            problems.push_back({at(i, a.depth > 2 ? "depth" : "level_rates_bp"), "depth_exceeds_two_levels",
                                "it reaches the " + std::to_string(depth) +
                                    "th level above the buyer: awards stop at A2, the referrer of the buyer's partner"});
        if (a.base != award_base::consumer_sales)
            problems.push_back({at(i, "base"), "base_not_consumer_sales",
                                "it is computed on " + std::string(to_string(a.base)) +
                                    ": awards are paid only on the profit of customers' purchases"});
        if (a.min_people_recruited > 0)
            problems.push_back({at(i, "min_people_recruited"), "eligibility_by_headcount",
                                "money may not depend on the number of people recruited; use the partner's own sales"});
        if (a.counts_team_sales)
            problems.push_back({at(i, "counts_team_sales"), "team_volume",
                                "a downline's sales never qualify for or weigh an award: only the partner's own sales count"});
        if (a.medium == award_medium::cash) {
            if (a.recipient == award_recipient::referrer)
                problems.push_back({at(i, "medium"), "referrer_cash",
                                    "a referrer who is not a partner is rewarded in member points or gifts, never money"});
            else if (pays_a2(a) && !p.level2_cash)
                problems.push_back({at(i, "medium"), "referrer_cash",
                                    "A2 (the referrer of the buyer's partner) is paid in member points unless the platform operator "
                                    "enables level2_cash with a recorded sign-off"});
        }

        if (is_one_of_the_five(a.type)) {
            if (!a.level_rates_bp.empty())
                problems.push_back({at(i, "level_rates_bp"), "rates_not_applicable",
                                    "the tier and level-difference awards read the tier table; this award takes no per-level rates"});
        } else {
            for (std::size_t k = 0; k < a.level_rates_bp.size(); ++k) {
                const auto bp = a.level_rates_bp[k];
                if (bp < 0 || bp > 10'000)
                    problems.push_back({at(i, "level_rates_bp[" + std::to_string(k) + "]"), "rate_out_of_range", "a rate is 0 to 10000 basis points"});
                else per_order_bp += bp;
            }
        }
        if (a.type != proposed_award_type::flat_push && a.flat_bp != 0)
            problems.push_back({at(i, "flat_bp"), "rates_not_applicable", "flat_bp belongs to the flat push award"});

        switch (a.type) {
        case proposed_award_type::flat_push:
            if (!rate_in_range(a.flat_bp)) problems.push_back({at(i, "flat_bp"), "rate_out_of_range", "flat_bp is 1 to 10000 basis points"});
            else per_order_bp += a.flat_bp;
            break;
        case proposed_award_type::project:
            if (!a.campaign) problems.push_back({at(i, "campaign"), "campaign_missing", "a project award describes its campaign"});
            else check_campaign(*a.campaign, at(i, "campaign."), cap, cap_ok, problems);
            break;
        case proposed_award_type::top_dealer:
            if (!a.top_dealer) problems.push_back({at(i, "top_dealer"), "top_dealer_missing", "a top-dealer award gives its pool and threshold"});
            else {
                if (!rate_in_range(a.top_dealer->pool_bp))
                    problems.push_back({at(i, "top_dealer.pool_bp"), "rate_out_of_range", "pool_bp is 1 to 10000 basis points of the period's profit"});
                else if (cap_ok && a.top_dealer->pool_bp > cap)
                    problems.push_back({at(i, "top_dealer.pool_bp"), "order_cap_exceeded",
                                        "the pool takes more of the profit than the order cap of " + std::to_string(cap) + " bp"});
                if (a.top_dealer->threshold_fen < 1)
                    problems.push_back({at(i, "top_dealer.threshold_fen"), "top_dealer_threshold",
                                        "a partner qualifies by personal sales of more than 0 fen in the period"});
            }
            break;
        default: break;
        }
    }
    if (cap_ok && per_order_bp > cap)
        problems.push_back({"order_cap_bp", "order_cap_exceeded",
                            "an order at the lowest tier would carry " + std::to_string(per_order_bp) + " bp of its profit in awards, above the cap of " +
                                std::to_string(cap) + " bp: an award could never be paid in full"});

    if (p.partner_entry) {
        const auto& e = *p.partner_entry;
        if (e.fee_fen > 0)
            problems.push_back({"partner_entry.fee_fen", "entry_fee",
                                "becoming a partner costs no fee: the buy-in is stored value the partner spends on themselves"});
        if (e.required_purchase_fen > 0 && (!e.purchase_returnable || e.purchase_unlocks_rewards))
            problems.push_back({"partner_entry.required_purchase_fen", "entry_fee",
                                "a purchase to become a partner must be real goods at the shown price, returnable, and unlock a price, "
                                "never rewards on others"});
    }
    if (p.level2_cash && (!p.level2_cash_sign_off || !sign_off_complete(*p.level2_cash_sign_off) ||
                          utf8_length(p.level2_cash_sign_off->reference) > 500))
        problems.push_back({"level2_cash_sign_off", "level2_cash_without_sign_off",
                            "cash for A2 needs the platform operator's recorded sign-off: who, when, and a reference of 1 to 500 characters"});
    return problems;
}

std::optional<bonus_config> to_bonus_config(const bonus_proposal& p) {
    if (!validate_bonus_proposal(p).empty()) return std::nullopt;
    bonus_config c;
    c.order_cap_bp = p.order_cap_bp;
    c.level2_cash = p.level2_cash;
    c.level2_cash_sign_off = p.level2_cash_sign_off;
    for (const auto& a : p.awards) {
        switch (a.type) {
        case proposed_award_type::level_difference: c.level_difference = true; break;
        case proposed_award_type::flat_push: c.flat_bp = a.flat_bp; break;
        case proposed_award_type::project: c.projects.push_back(*a.campaign); break;
        case proposed_award_type::top_dealer: c.top_dealer = a.top_dealer; break;
        default: break;
        }
    }
    if (!c.level2_cash) c.level2_cash_sign_off.reset();
    return c;
}

std::vector<validation_problem> validate_bonus_config(const bonus_config& config, const std::vector<share_tier>& tiers) {
    return validate_bonus_proposal(describe(config, tiers));
}

}  // namespace sharedstore
