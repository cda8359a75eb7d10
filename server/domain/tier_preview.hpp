#pragma once
// The what-if of a proposed tier table (docs/api.md, "What-if of a tier table"): a store's paid
// purchases replayed through the payment's own rules (order_profit_fen, plan_dividend,
// reversal_fen) under the proposed table and under the versions that were in force when each was
// paid. Pure: the service streams the orders in; nothing here reads or writes anything.
#include "server/domain/dividends.hpp"
#include "server/domain/payment_facts.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// A table as PUT tiers takes it: the tiers, and the margins that price an order's profit.
struct tier_table {
    std::vector<share_tier> tiers;
    margin_table margins;
};

// A version an order was paid under (orders.tier_version_id).
struct recorded_tier_version {
    std::uint64_t id = 0;
    tier_table table;
};

// One paid purchase with what its payment read: the version then in force, the customer's owner then.
struct replayed_order {
    std::uint64_t order_id = 0;
    std::int64_t amount_fen = 0;
    std::int64_t refunded_fen = 0;  // refunds so far take back their share, as they did of the real dividend
    std::optional<std::int64_t> pos_profit_fen;
    std::string category;
    std::optional<std::uint64_t> customer_user_id;
    std::optional<std::uint64_t> tier_version_id;   // none: the store had no tiers when it was paid
    std::optional<std::uint64_t> owner_partner_id;  // the lead's owner at paid time (lead history)
    std::int64_t recorded_dividend_fen = 0;         // the dividend the ledger holds for it, net of reversals
};

struct scenario_totals {
    std::int64_t profit_fen = 0;     // net of refunds: floor(profit x refunded / amount) taken off, as reversals are
    std::int64_t dividends_fen = 0;  // net of refunds, exactly as reversal_fen takes them back
    // floor(dividends x 10000 / profit); none without profit.
    std::optional<std::int32_t> share_of_profit_bp() const;
};

struct partner_what_if {
    std::uint64_t partner_id = 0;
    std::int64_t orders = 0;                 // their customers' purchases in the window
    std::optional<share_tier> current_tier;  // their total buy-in under the version in force now
    std::optional<share_tier> proposed_tier;
    std::int64_t current_dividends_fen = 0;  // under the versions in force at each order
    std::int64_t proposed_dividends_fen = 0;
    // Lands in a tier of another name, or gains or loses one. The same tier at another ratio is no
    // change of tier (its dividends show the difference).
    bool tier_changes() const;
};

struct tier_what_if {
    std::int64_t orders = 0;
    std::int64_t recorded_dividends_fen = 0;
    scenario_totals current;
    scenario_totals proposed;
    // Partners with purchases in the window or a change of tier; the largest dividends (either
    // side) first, then by id.
    std::vector<partner_what_if> partners;
    std::int64_t tier_changes = 0;
};

// Feed it every paid purchase of the window once (in any order), then read result().
class tier_replay {
public:
    // `versions`: every version an order may name; `tiers_now`: the version in force now (empty
    // without one); `partners`: every partner of the store, as a payment sees them today (their
    // total buy-in sets their tier; status and the store's choice for inactive partners).
    tier_replay(tier_table proposed, const std::vector<recorded_tier_version>& versions, std::vector<share_tier> tiers_now,
                const std::vector<partner_facts>& partners);

    // What an order may name that was not given at the start (a partner enrolled, a version
    // published while the window was being read): the caller looks them up and adds them first.
    bool knows_version(std::uint64_t id) const { return versions_.count(id) > 0; }
    bool knows_partner(std::uint64_t id) const { return partners_.count(id) > 0; }
    void add_version(const recorded_tier_version& version) { versions_[version.id] = version.table; }
    void add_partner(const partner_facts& partner) { partners_[partner.id] = partner; }

    // Throws std::invalid_argument for an order naming a version or a partner it was not given.
    void add(const replayed_order& order);
    tier_what_if result() const;

private:
    struct partner_sums {
        std::int64_t orders = 0;
        std::int64_t current_fen = 0;
        std::int64_t proposed_fen = 0;
    };
    tier_table proposed_;
    std::map<std::uint64_t, tier_table> versions_;
    std::vector<share_tier> tiers_now_;
    std::map<std::uint64_t, partner_facts> partners_;
    std::map<std::uint64_t, partner_sums> sums_;
    std::int64_t orders_ = 0;
    std::int64_t recorded_fen_ = 0;
    scenario_totals current_;
    scenario_totals proposed_totals_;
};

}  // namespace sharedstore
