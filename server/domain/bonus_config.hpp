#pragma once
// A store's bonus system (docs/business-rules.md section 7, docs/bonus.md): the configuration the
// awards are computed under, versioned like tier tables, and the description of a *proposed*
// configuration that a request (or an import of another system's plan) sends, rich enough for
// bonus_validator to refuse the unlawful shapes by name. Pure data, no I/O.
#include "server/domain/share_tiers.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

// The five awards. `tier` is the existing dividend, unchanged.
enum class award_kind { tier, level_difference, flat_push, project, top_dealer };
std::string_view to_string(award_kind kind);
std::optional<award_kind> parse_award_kind(std::string_view text);

// How an award is paid: money (a dividend-like balance) or member points of the store, 1 point per
// fen of award (a point is worth 1 fen by default, docs/business-rules.md section 4).
enum class award_medium { cash, points };
std::string_view to_string(award_medium medium);
std::optional<award_medium> parse_award_medium(std::string_view text);

// The platform operator's recorded sign-off that lets A2's awards be paid in cash (level2_cash).
struct cash_sign_off {
    std::uint64_t operator_user_id = 0;                // who
    std::chrono::system_clock::time_point signed_at;   // when
    std::string reference;                             // the legal opinion or ticket it rests on, 1..500 characters
};
// Who, when and a reference are all there.
bool sign_off_complete(const cash_sign_off& sign_off);

// What a project campaign measures. Only sales count: sign-ups, card claims and recruits never do.
enum class project_goal {
    new_paying_customers,  // distinct customers new to the store, each with a vested order >= min_order_fen
    product_units,         // units of one product sold on vested orders
};
enum class project_reward {
    fixed,     // award_fen to each winner
    sales_bp,  // award_bp of the winner's campaign sales, measured as their profit (the bonus base)
};
std::string_view to_string(project_goal goal);
std::optional<project_goal> parse_project_goal(std::string_view text);
std::string_view to_string(project_reward reward);
std::optional<project_reward> parse_project_reward(std::string_view text);

struct project_campaign {
    std::string name;                                // 1..32 characters, shown to partners
    std::chrono::system_clock::time_point starts_at; // orders paid in [starts_at, ends_at) count
    std::chrono::system_clock::time_point ends_at;
    project_goal goal = project_goal::new_paying_customers;
    std::int64_t goal_count = 0;     // at least this many customers or units
    std::int64_t min_order_fen = 0;  // new_paying_customers: a customer counts with an order of at least this, net of refunds
    std::string product;             // product_units: the product code the POS sends
    project_reward reward = project_reward::fixed;
    std::int64_t award_fen = 0;      // fixed
    std::int32_t award_bp = 0;       // sales_bp
    std::int64_t budget_fen = 0;     // all winners together never get more
    std::int32_t winner_limit = 0;   // at most this many winners
};

enum class bonus_period { month, quarter, year };
std::string_view to_string(bonus_period period);
std::optional<bonus_period> parse_bonus_period(std::string_view text);

// The top-dealer dividend bonus: pool = pool_bp of the store's period profit, shared among partners
// whose *personal* attributed sales in the period reach threshold_fen, in proportion to them.
struct top_dealer_bonus {
    std::int32_t pool_bp = 0;
    std::int64_t threshold_fen = 0;
    bonus_period period = bonus_period::quarter;
};

constexpr std::int32_t default_order_cap_bp = 5000;

// The configuration the awards are computed under (bonus_awards.hpp). Defaults: only the tier award
// (the dividend, always on), so a store that never configured bonuses pays what it paid before.
struct bonus_config {
    bool level_difference = false;        // A2 gets max(0, rate(A2) - rate(A1)) of base
    std::int32_t flat_bp = 0;             // flat push when A2's tier equals A1's; 0 = off
    std::vector<project_campaign> projects;
    std::optional<top_dealer_bonus> top_dealer;
    std::int32_t order_cap_bp = default_order_cap_bp;  // all money on one order <= this share of its profit
    bool level2_cash = false;             // A2's awards in cash; needs level2_cash_sign_off
    std::optional<cash_sign_off> level2_cash_sign_off;
};

// One published version of a store's configuration, as tier_versions are: an order's awards are
// computed under the version in force when it was paid, and a change makes a new version.
struct bonus_config_version {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::int32_t version = 0;
    bonus_config config;
    std::uint64_t created_by_user_id = 0;
    std::chrono::system_clock::time_point created_at;
};

// ---- A proposed configuration, as a request describes it ------------------------------------

// What a proposed award is computed on. Only consumer_sales (the order's profit) is lawful.
enum class award_base {
    consumer_sales,          // the profit of a customer's purchase
    top_up,                  // a stored-value top-up
    buy_in,                  // a partner's tier buy-in, or buying / upgrading a tier
    membership,              // a membership product
    qualification_purchase,  // goods bought to become partner or distributor
    registration,            // a sign-up
    card_claim,              // a claimed card
    headcount,               // the number of people brought in
};
std::string_view to_string(award_base base);
std::optional<award_base> parse_award_base(std::string_view text);

// The five awards, `other` (anything else a plan names: this system computes none), and the bonus
// types known from pyramid schemes by name (docs/business-rules.md sections 4 and 7).
enum class proposed_award_type {
    tier,
    level_difference,
    flat_push,
    project,
    top_dealer,
    other,
    see_point,       // 见点奖
    pair_collision,  // 对碰奖
    layer_push,      // 层推奖
    small_zone,      // 小区业绩奖
    declaration,     // 报单奖
};
std::string_view to_string(proposed_award_type type);
std::optional<proposed_award_type> parse_proposed_award_type(std::string_view text);

// Who receives it: a partner, or a referrer who is no partner (a member or customer who shared).
enum class award_recipient { partner, referrer };
std::string_view to_string(award_recipient recipient);
std::optional<award_recipient> parse_award_recipient(std::string_view text);

struct proposed_award {
    std::string label;  // the merchant's own name for it (0..32 characters; empty: the type's)
    proposed_award_type type = proposed_award_type::tier;
    award_base base = award_base::consumer_sales;
    // The deepest ancestor of the buyer it pays or reads: 1 = A1 (the buyer's owner), 2 = A2.
    // Each type has its own at least (tier, project, top_dealer 1; level_difference, flat_push 2).
    std::int32_t depth = 1;
    // `other` and the named types only: what it pays of base per level above the buyer ([0] to A1,
    // [1] to A2, ...). The five awards read the tier table, flat_bp, the campaign or the pool.
    std::vector<std::int32_t> level_rates_bp;
    std::int32_t flat_bp = 0;                     // flat_push
    std::optional<project_campaign> campaign;     // project
    std::optional<top_dealer_bonus> top_dealer;   // top_dealer
    std::int32_t min_people_recruited = 0;        // eligibility by headcount; 0: none
    bool counts_team_sales = false;               // qualifies or weighs by the recipient's downline's sales
    award_recipient recipient = award_recipient::partner;
    award_medium medium = award_medium::cash;     // what the plan asks; A2 gets points unless level2_cash
};

// What becoming a partner or distributor asks besides the buy-in (which is stored value, never a fee).
struct partner_entry_terms {
    std::int64_t fee_fen = 0;               // a non-refundable fee
    std::int64_t required_purchase_fen = 0; // goods that must be bought to join (seed 004's 100 packs)
    bool purchase_returnable = true;        // the goods can be returned at the price shown
    bool purchase_unlocks_rewards = false;  // the purchase unlocks rewards on others' sales, not just a price
};

struct bonus_proposal {
    std::vector<share_tier> tiers;  // the rates the tier and level-difference awards read (in force or proposed)
    std::vector<proposed_award> awards;
    std::int32_t order_cap_bp = default_order_cap_bp;
    bool level2_cash = false;
    std::optional<cash_sign_off> level2_cash_sign_off;
    std::optional<partner_entry_terms> partner_entry;
};

// A configuration as a proposal, so a stored one is checked by the same validator: the tier award,
// then each award the configuration turns on.
bonus_proposal describe(const bonus_config& config, const std::vector<share_tier>& tiers);

}  // namespace sharedstore
