#pragma once
// The awards of the bonus system (docs/business-rules.md section 7, docs/bonus.md): what one paid
// order earns its chain (A1 the buyer's owner, A2 A1's lifetime referrer, nobody beyond), what a
// refund takes back, the top-dealer pool of a period and a project campaign's winners. Pure,
// integer only: fen and basis points, every division floored, remainders named.
#include "server/domain/bonus_config.hpp"
#include "server/domain/order_vocabulary.hpp"
#include "server/domain/share_tiers.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// Where a total buy-in stands in a tier table: rank 1 is the lowest tier (by buy-in).
struct tier_standing {
    std::int32_t rank = 0;
    std::int32_t rate_bp = 0;
    std::string name;
};
// nullopt below the lowest tier (tier_for_total_buy_in's rule).
std::optional<tier_standing> tier_standing_for(const std::vector<share_tier>& tiers, std::int64_t total_buy_in_fen);

// A1 or A2 as an order's awards see them at payment.
struct chain_partner {
    std::uint64_t partner_id = 0;
    std::uint64_t user_id = 0;
    std::int32_t tier_rank = 0;  // tier_standing::rank; 0: below the lowest tier
    std::int32_t rate_bp = 0;    // that tier's dividend ratio; 0 without a tier
    bool earns = true;           // active, or the store keeps paying paused partners (as for dividends)
};

// The chain of one order: A1 and at most A2. There is no place for a third ancestor: nothing
// beyond A2 can be passed in, so nothing beyond A2 can be paid.
struct award_chain {
    chain_partner a1;
    std::optional<chain_partner> a2;
};

struct order_award_input {
    order_kind kind = order_kind::purchase;  // only a purchase (a consumer sale) earns awards
    std::uint64_t buyer_user_id = 0;
    std::int64_t profit_fen = 0;  // the base: the order's profit (order_profit_fen)
    award_chain chain;
};

struct award_line {
    award_kind kind = award_kind::tier;
    std::uint64_t partner_id = 0;
    std::uint64_t user_id = 0;
    std::int32_t rate_bp = 0;        // the rate applied to the base (level difference: rate(A2) - rate(A1))
    std::int64_t uncapped_fen = 0;   // before the order cap
    std::int64_t amount_fen = 0;     // owed, after the cap; in points 1 point per fen
    award_medium medium = award_medium::cash;
    std::int64_t trimmed_fen() const { return uncapped_fen - amount_fen; }
};

struct order_awards {
    std::int64_t base_fen = 0;
    std::int64_t cap_fen = 0;        // floor(base x order_cap_bp / 10000)
    // Tier, then level difference, then flat push; a line is there when it had anything before the
    // cap (a line the cap cut to 0 stays, to show the cut).
    std::vector<award_line> lines;
    std::int64_t total_fen() const;    // <= cap_fen
    std::int64_t trimmed_fen() const;  // what the cap cut
};

// What a paid order earns (nothing for a buy-in, top-up or membership order, nor for a partner's
// own purchase):
// - tier award to A1: dividend_fen(base, rate(A1)), the existing dividend, in cash;
// - level difference to A2 (when on, A2 above A1): one budget split, A2 gets
//   dividend_fen(base, rate(A2)) - dividend_fen(base, rate(A1)), so the pair together get exactly
//   the dividend of the higher rate, never the sum of both;
// - flat push to A2 when A2's tier is A1's: dividend_fen(base, flat_bp);
// - all of it within floor(base x order_cap_bp / 10000): the cap cuts the flat push first, then
//   the level difference, the tier award last (a lawful configuration never lets the cap reach it).
// A2's awards are member points unless level2_cash is on with a complete sign-off. A paused A1's
// rate still counts in the split: A2 never gets A1's share.
order_awards compute_order_awards(const order_award_input& order, const bonus_config& config);

// What a refund takes back of each line, cumulatively as dividends are: after refunds totalling R
// the reversed total is floor(amount x R / order_amount), so a full refund reverses every award
// exactly. Preconditions as reversal_fen's (std::invalid_argument otherwise).
struct award_reversal {
    award_kind kind = award_kind::tier;
    std::uint64_t partner_id = 0;
    award_medium medium = award_medium::cash;
    std::int64_t amount_fen = 0;
};
std::vector<award_reversal> reverse_order_awards(const order_awards& awards, std::int64_t order_amount_fen,
                                                 std::int64_t refunded_before_fen, std::int64_t refund_fen);

// ---- The top-dealer dividend bonus (a job per period) ----------------------------------------

// A partner's *personal* attributed sales in the period: their own customers' purchases net of
// refunds. There is no field for a team's volume: it never qualifies or weighs.
struct dealer_sales {
    std::uint64_t partner_id = 0;
    std::int64_t personal_sales_fen = 0;
};
struct dealer_share {
    std::uint64_t partner_id = 0;
    std::int64_t personal_sales_fen = 0;
    std::int64_t amount_fen = 0;  // cash
};
struct top_dealer_pool {
    std::int64_t pool_fen = 0;             // floor(period profit x pool_bp / 10000)
    std::int64_t qualified_sales_fen = 0;  // the qualifiers' sales together
    std::vector<dealer_share> shares;      // qualifiers, the largest sales first, then by partner id
    std::int64_t remainder_fen = 0;        // what the floors (or the lack of qualifiers) leave: it stays the store's
};
// Qualifiers: personal sales >= threshold (and above 0); each gets floor(pool x sales / qualified
// sales). Throws std::invalid_argument when a partner appears twice.
top_dealer_pool share_top_dealer_pool(std::int64_t period_profit_fen, const top_dealer_bonus& bonus, const std::vector<dealer_sales>& sales);

// ---- Project awards (a job after the campaign's last refund window) --------------------------

// One purchase that may count for a campaign, as the job reads it after the refund windows.
struct campaign_order {
    std::uint64_t order_id = 0;
    std::uint64_t partner_id = 0;        // the customer's owner when it was paid (A1)
    std::uint64_t customer_user_id = 0;
    bool buyer_is_the_partner = false;   // a partner's own purchases never count
    std::chrono::system_clock::time_point paid_at;
    std::int64_t amount_fen = 0;
    std::int64_t refunded_fen = 0;
    std::int64_t profit_fen = 0;
    bool vested = false;                 // its refund window has closed
    bool customer_new = false;           // the customer had no paid order at the store before the campaign
    std::int64_t product_units = 0;      // units of the campaign's product on it, net of returns
};

struct project_entrant {
    std::uint64_t partner_id = 0;
    std::int64_t count = 0;             // qualifying new customers, or units
    std::int64_t sales_profit_fen = 0;  // net profit of the orders that counted (sales_bp's base)
    std::optional<std::chrono::system_clock::time_point> reached_at;  // payment of the order that reached the goal
};
struct project_winner {
    std::uint64_t partner_id = 0;
    std::int64_t count = 0;
    std::int64_t award_fen = 0;   // what the campaign promises them
    std::int64_t amount_fen = 0;  // what the budget left could pay (cash)
    std::chrono::system_clock::time_point reached_at;
};
struct project_outcome {
    std::vector<project_entrant> entrants;       // every partner something counted for, by partner id
    std::vector<project_winner> winners;         // paid, in winning order
    std::vector<std::uint64_t> reached_unpaid;   // reached the goal past the winner limit or the budget
    std::int64_t paid_fen = 0;
    std::int64_t budget_left_fen = 0;            // stays the store's
};

// When the job may run: the campaign's end plus the store's refund window (its settlement delay).
std::chrono::system_clock::time_point project_award_due_at(const project_campaign& campaign, std::chrono::seconds refund_window);

// An order counts when paid within the dates, vested, not the partner's own and not wholly
// refunded. new_paying_customers: each customer once, for a new customer with a counting order of
// at least min_order_fen net of refunds; product_units: the units. Winners reached the goal; the
// earliest to reach it wins first (ties: the larger count, then the lower partner id), at most
// winner_limit of them, each paid the award or what the budget has left.
project_outcome compute_project_award(const project_campaign& campaign, const std::vector<campaign_order>& orders);

}  // namespace sharedstore
