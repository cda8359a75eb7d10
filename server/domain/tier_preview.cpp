#include "server/domain/tier_preview.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

struct replayed {
    std::int64_t profit_fen = 0;
    std::int64_t dividend_fen = 0;
};

// What a refund of R out of A leaves of x: x - floor(x x R / A), the cumulative rule of reversal_fen.
std::int64_t left_after_refunds(std::int64_t x, const replayed_order& o) {
    if (o.refunded_fen <= 0 || x <= 0) return x;
    return x - reversal_fen(x, o.amount_fen, 0, std::min(o.refunded_fen, o.amount_fen));
}

// One order as its payment would have priced it under `table` (version `version_id`): the same
// facts handed to the same rules as apply_order_paid, then what its refunds took back.
replayed replay_under(const replayed_order& o, std::uint64_t version_id, const tier_table& table, const std::optional<partner_facts>& owner) {
    const paid_order_facts facts{.order_id = o.order_id,
                                 .kind = order_kind::purchase,
                                 .amount_fen = o.amount_fen,
                                 .customer_user_id = o.customer_user_id,
                                 .paid_at = {},  // when it settles is no part of a what-if
                                 .version = tier_version_facts{.id = version_id, .tiers = table.tiers},
                                 .profit_fen = order_profit_fen(o.amount_fen, o.pos_profit_fen, o.category, table.margins),
                                 .owner = owner};
    const auto plan = plan_dividend(facts);
    return {left_after_refunds(*facts.profit_fen, o), left_after_refunds(plan ? plan->amount_fen : 0, o)};
}

bool same_tier(const std::optional<share_tier>& a, const std::optional<share_tier>& b) {
    if (!a || !b) return !a && !b;
    return a->name == b->name;
}

}  // namespace

std::optional<std::int32_t> scenario_totals::share_of_profit_bp() const {
    if (profit_fen <= 0) return std::nullopt;
    return static_cast<std::int32_t>(static_cast<__int128>(std::max<std::int64_t>(dividends_fen, 0)) * 10'000 / profit_fen);
}

bool partner_what_if::tier_changes() const { return !same_tier(current_tier, proposed_tier); }

tier_replay::tier_replay(tier_table proposed, const std::vector<recorded_tier_version>& versions, std::vector<share_tier> tiers_now,
                         const std::vector<partner_facts>& partners)
    : proposed_(std::move(proposed)), tiers_now_(std::move(tiers_now)) {
    for (const auto& v : versions) versions_[v.id] = v.table;
    for (const auto& p : partners) partners_[p.id] = p;
}

void tier_replay::add(const replayed_order& o) {
    std::optional<partner_facts> owner;
    if (o.owner_partner_id) {
        auto it = partners_.find(*o.owner_partner_id);
        if (it == partners_.end()) throw std::invalid_argument("tier_replay: order " + std::to_string(o.order_id) + " names an unknown partner");
        owner = it->second;
    }
    replayed current;  // no version in force: no profit recorded, no dividend (as apply_order_paid)
    if (o.tier_version_id) {
        auto it = versions_.find(*o.tier_version_id);
        if (it == versions_.end()) throw std::invalid_argument("tier_replay: order " + std::to_string(o.order_id) + " names an unknown version");
        current = replay_under(o, it->first, it->second, owner);
    }
    // Version id 0: the proposed table, which has none yet.
    const auto proposed = replay_under(o, 0, proposed_, owner);

    ++orders_;
    recorded_fen_ += o.recorded_dividend_fen;
    current_.profit_fen += current.profit_fen;
    current_.dividends_fen += current.dividend_fen;
    proposed_totals_.profit_fen += proposed.profit_fen;
    proposed_totals_.dividends_fen += proposed.dividend_fen;
    if (owner) {
        auto& sums = sums_[owner->id];
        ++sums.orders;
        sums.current_fen += current.dividend_fen;
        sums.proposed_fen += proposed.dividend_fen;
    }
}

tier_what_if tier_replay::result() const {
    tier_what_if out{.orders = orders_, .recorded_dividends_fen = recorded_fen_, .current = current_, .proposed = proposed_totals_, .partners = {}};
    for (const auto& [id, partner] : partners_) {
        partner_what_if line{.partner_id = id,
                             .current_tier = tier_for_total_buy_in(tiers_now_, partner.total_buy_in_fen),
                             .proposed_tier = tier_for_total_buy_in(proposed_.tiers, partner.total_buy_in_fen)};
        if (auto it = sums_.find(id); it != sums_.end()) {
            line.orders = it->second.orders;
            line.current_dividends_fen = it->second.current_fen;
            line.proposed_dividends_fen = it->second.proposed_fen;
        }
        if (line.tier_changes()) ++out.tier_changes;
        if (line.orders > 0 || line.tier_changes()) out.partners.push_back(std::move(line));
    }
    std::sort(out.partners.begin(), out.partners.end(), [](const partner_what_if& a, const partner_what_if& b) {
        const auto most_a = std::max(a.current_dividends_fen, a.proposed_dividends_fen);
        const auto most_b = std::max(b.current_dividends_fen, b.proposed_dividends_fen);
        return most_a != most_b ? most_a > most_b : a.partner_id < b.partner_id;
    });
    return out;
}

}  // namespace sharedstore
