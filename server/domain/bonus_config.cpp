#include "server/domain/bonus_config.hpp"

#include <array>
#include <utility>

namespace sharedstore {

namespace {

// One table per enum, read both ways: the words are the API's and the database's.
template <typename E, std::size_t N>
std::string_view word_of(const std::array<std::pair<E, std::string_view>, N>& words, E value) {
    for (const auto& [e, w] : words)
        if (e == value) return w;
    return words[0].second;
}

template <typename E, std::size_t N>
std::optional<E> parse_word(const std::array<std::pair<E, std::string_view>, N>& words, std::string_view text) {
    for (const auto& [e, w] : words)
        if (w == text) return e;
    return std::nullopt;
}

constexpr std::array<std::pair<award_kind, std::string_view>, 5> award_kind_words{{
    {award_kind::tier, "tier"},
    {award_kind::level_difference, "level_difference"},
    {award_kind::flat_push, "flat_push"},
    {award_kind::project, "project"},
    {award_kind::top_dealer, "top_dealer"},
}};
constexpr std::array<std::pair<award_medium, std::string_view>, 2> medium_words{{
    {award_medium::cash, "cash"},
    {award_medium::points, "points"},
}};
constexpr std::array<std::pair<project_goal, std::string_view>, 2> goal_words{{
    {project_goal::new_paying_customers, "new_paying_customers"},
    {project_goal::product_units, "product_units"},
}};
constexpr std::array<std::pair<project_reward, std::string_view>, 2> reward_words{{
    {project_reward::fixed, "fixed"},
    {project_reward::sales_bp, "sales_bp"},
}};
constexpr std::array<std::pair<bonus_period, std::string_view>, 3> period_words{{
    {bonus_period::month, "month"},
    {bonus_period::quarter, "quarter"},
    {bonus_period::year, "year"},
}};
constexpr std::array<std::pair<award_base, std::string_view>, 8> base_words{{
    {award_base::consumer_sales, "consumer_sales"},
    {award_base::top_up, "top_up"},
    {award_base::buy_in, "buy_in"},
    {award_base::membership, "membership"},
    {award_base::qualification_purchase, "qualification_purchase"},
    {award_base::registration, "registration"},
    {award_base::card_claim, "card_claim"},
    {award_base::headcount, "headcount"},
}};
constexpr std::array<std::pair<proposed_award_type, std::string_view>, 11> type_words{{
    {proposed_award_type::tier, "tier"},
    {proposed_award_type::level_difference, "level_difference"},
    {proposed_award_type::flat_push, "flat_push"},
    {proposed_award_type::project, "project"},
    {proposed_award_type::top_dealer, "top_dealer"},
    {proposed_award_type::other, "other"},
    {proposed_award_type::see_point, "see_point"},
    {proposed_award_type::pair_collision, "pair_collision"},
    {proposed_award_type::layer_push, "layer_push"},
    {proposed_award_type::small_zone, "small_zone"},
    {proposed_award_type::declaration, "declaration"},
}};
constexpr std::array<std::pair<award_recipient, std::string_view>, 2> recipient_words{{
    {award_recipient::partner, "partner"},
    {award_recipient::referrer, "referrer"},
}};

}  // namespace

std::string_view to_string(award_kind v) { return word_of(award_kind_words, v); }
std::optional<award_kind> parse_award_kind(std::string_view t) { return parse_word(award_kind_words, t); }
std::string_view to_string(award_medium v) { return word_of(medium_words, v); }
std::optional<award_medium> parse_award_medium(std::string_view t) { return parse_word(medium_words, t); }
std::string_view to_string(project_goal v) { return word_of(goal_words, v); }
std::optional<project_goal> parse_project_goal(std::string_view t) { return parse_word(goal_words, t); }
std::string_view to_string(project_reward v) { return word_of(reward_words, v); }
std::optional<project_reward> parse_project_reward(std::string_view t) { return parse_word(reward_words, t); }
std::string_view to_string(bonus_period v) { return word_of(period_words, v); }
std::optional<bonus_period> parse_bonus_period(std::string_view t) { return parse_word(period_words, t); }
std::string_view to_string(award_base v) { return word_of(base_words, v); }
std::optional<award_base> parse_award_base(std::string_view t) { return parse_word(base_words, t); }
std::string_view to_string(proposed_award_type v) { return word_of(type_words, v); }
std::optional<proposed_award_type> parse_proposed_award_type(std::string_view t) { return parse_word(type_words, t); }
std::string_view to_string(award_recipient v) { return word_of(recipient_words, v); }
std::optional<award_recipient> parse_award_recipient(std::string_view t) { return parse_word(recipient_words, t); }

bool sign_off_complete(const cash_sign_off& s) {
    return s.operator_user_id != 0 && s.signed_at.time_since_epoch().count() != 0 && !s.reference.empty();
}

bonus_proposal describe(const bonus_config& config, const std::vector<share_tier>& tiers) {
    bonus_proposal p{.tiers = tiers,
                     .awards = {},
                     .order_cap_bp = config.order_cap_bp,
                     .level2_cash = config.level2_cash,
                     .level2_cash_sign_off = config.level2_cash_sign_off,
                     .partner_entry = std::nullopt};
    const auto award = [](proposed_award_type type) {
        proposed_award a;
        a.type = type;
        a.depth = type == proposed_award_type::level_difference || type == proposed_award_type::flat_push ? 2 : 1;
        return a;
    };
    p.awards.push_back(award(proposed_award_type::tier));
    if (config.level_difference) p.awards.push_back(award(proposed_award_type::level_difference));
    if (config.flat_bp != 0) {
        auto a = award(proposed_award_type::flat_push);
        a.flat_bp = config.flat_bp;
        p.awards.push_back(a);
    }
    for (const auto& c : config.projects) {
        auto a = award(proposed_award_type::project);
        a.campaign = c;
        p.awards.push_back(a);
    }
    if (config.top_dealer) {
        auto a = award(proposed_award_type::top_dealer);
        a.top_dealer = config.top_dealer;
        p.awards.push_back(a);
    }
    // What A2 is paid in follows level2_cash; the proposal says so for the awards A2 receives.
    const auto a2_medium = config.level2_cash ? award_medium::cash : award_medium::points;
    for (auto& a : p.awards)
        if (a.type == proposed_award_type::level_difference || a.type == proposed_award_type::flat_push) a.medium = a2_medium;
    return p;
}

}  // namespace sharedstore
