#include "server/domain/bonus_awards.hpp"

#include "server/domain/dividends.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace sharedstore {

namespace {

std::int64_t share_of(std::int64_t amount, std::int64_t part, std::int64_t whole) {
    return static_cast<std::int64_t>(static_cast<__int128>(amount) * part / whole);
}

bool a2_cash(const bonus_config& c) { return c.level2_cash && c.level2_cash_sign_off && sign_off_complete(*c.level2_cash_sign_off); }

}  // namespace

std::optional<tier_standing> tier_standing_for(const std::vector<share_tier>& tiers, std::int64_t total_buy_in_fen) {
    const auto tier = tier_for_total_buy_in(tiers, total_buy_in_fen);
    if (!tier) return std::nullopt;
    // Rank: 1 + the number of distinct lower buy-ins (validate_tiers keeps buy-ins distinct).
    std::int32_t rank = 1;
    for (const auto& t : tiers)
        if (t.buy_in_fen < tier->buy_in_fen) ++rank;
    return tier_standing{.rank = rank, .rate_bp = tier->ratio_bp, .name = tier->name};
}

std::int64_t order_awards::total_fen() const {
    std::int64_t sum = 0;
    for (const auto& l : lines) sum += l.amount_fen;
    return sum;
}

std::int64_t order_awards::trimmed_fen() const {
    std::int64_t sum = 0;
    for (const auto& l : lines) sum += l.trimmed_fen();
    return sum;
}

order_awards compute_order_awards(const order_award_input& order, const bonus_config& config) {
    order_awards out;
    if (order.kind != order_kind::purchase) return out;
    out.base_fen = std::max<std::int64_t>(order.profit_fen, 0);
    out.cap_fen = dividend_fen(out.base_fen, std::clamp(config.order_cap_bp, 0, 10'000));
    const auto& a1 = order.chain.a1;
    if (a1.user_id == order.buyer_user_id) return out;  // a partner's own purchase earns nobody anything

    if (a1.earns && a1.tier_rank > 0 && a1.rate_bp > 0) {
        const auto fen = dividend_fen(out.base_fen, a1.rate_bp);
        out.lines.push_back({.kind = award_kind::tier, .partner_id = a1.partner_id, .user_id = a1.user_id, .rate_bp = a1.rate_bp,
                             .uncapped_fen = fen, .amount_fen = fen, .medium = award_medium::cash});
    }
    if (order.chain.a2) {
        const auto& a2 = *order.chain.a2;
        const bool a2_earns = a2.earns && a2.tier_rank > 0 && a2.user_id != order.buyer_user_id && a2.partner_id != a1.partner_id &&
                              a2.user_id != a1.user_id;
        const auto medium = a2_cash(config) ? award_medium::cash : award_medium::points;
        const auto a1_rate = a1.tier_rank > 0 ? a1.rate_bp : 0;
        if (a2_earns && config.level_difference && a2.rate_bp > a1_rate) {
            // One budget: A2 gets what the higher rate adds to A1's share, floors included.
            const auto fen = dividend_fen(out.base_fen, a2.rate_bp) - dividend_fen(out.base_fen, a1_rate);
            if (fen > 0)
                out.lines.push_back({.kind = award_kind::level_difference, .partner_id = a2.partner_id, .user_id = a2.user_id,
                                     .rate_bp = a2.rate_bp - a1_rate, .uncapped_fen = fen, .amount_fen = fen, .medium = medium});
        }
        if (a2_earns && config.flat_bp > 0 && a1.tier_rank > 0 && a2.tier_rank == a1.tier_rank) {
            const auto fen = dividend_fen(out.base_fen, std::min(config.flat_bp, 10'000));
            if (fen > 0)
                out.lines.push_back({.kind = award_kind::flat_push, .partner_id = a2.partner_id, .user_id = a2.user_id,
                                     .rate_bp = config.flat_bp, .uncapped_fen = fen, .amount_fen = fen, .medium = medium});
        }
    }
    // The cap: lines are in priority order (tier, level difference, flat push), so filling them
    // in turn cuts the flat push first.
    auto room = out.cap_fen;
    for (auto& l : out.lines) {
        l.amount_fen = std::min(l.uncapped_fen, room);
        room -= l.amount_fen;
    }
    return out;
}

std::vector<award_reversal> reverse_order_awards(const order_awards& awards, std::int64_t order_amount_fen, std::int64_t refunded_before_fen,
                                                 std::int64_t refund_fen) {
    std::vector<award_reversal> out;
    for (const auto& l : awards.lines)
        out.push_back({.kind = l.kind,
                       .partner_id = l.partner_id,
                       .medium = l.medium,
                       .amount_fen = reversal_fen(l.amount_fen, order_amount_fen, refunded_before_fen, refund_fen)});
    return out;
}

top_dealer_pool share_top_dealer_pool(std::int64_t period_profit_fen, const top_dealer_bonus& bonus, const std::vector<dealer_sales>& sales) {
    top_dealer_pool out;
    out.pool_fen = dividend_fen(std::max<std::int64_t>(period_profit_fen, 0), std::clamp(bonus.pool_bp, 0, 10'000));
    std::set<std::uint64_t> seen;
    for (const auto& s : sales) {
        if (!seen.insert(s.partner_id).second) throw std::invalid_argument("share_top_dealer_pool: a partner appears twice");
        if (s.personal_sales_fen > 0 && s.personal_sales_fen >= bonus.threshold_fen) {
            out.shares.push_back({.partner_id = s.partner_id, .personal_sales_fen = s.personal_sales_fen, .amount_fen = 0});
            out.qualified_sales_fen += s.personal_sales_fen;
        }
    }
    std::sort(out.shares.begin(), out.shares.end(), [](const dealer_share& a, const dealer_share& b) {
        return a.personal_sales_fen != b.personal_sales_fen ? a.personal_sales_fen > b.personal_sales_fen : a.partner_id < b.partner_id;
    });
    out.remainder_fen = out.pool_fen;
    for (auto& s : out.shares) {
        s.amount_fen = share_of(out.pool_fen, s.personal_sales_fen, out.qualified_sales_fen);
        out.remainder_fen -= s.amount_fen;
    }
    return out;
}

std::chrono::system_clock::time_point project_award_due_at(const project_campaign& campaign, std::chrono::seconds refund_window) {
    return campaign.ends_at + refund_window;
}

project_outcome compute_project_award(const project_campaign& c, const std::vector<campaign_order>& orders) {
    // Orders in payment order, so "reached the goal at" is the payment that crossed it.
    std::vector<const campaign_order*> counting;
    for (const auto& o : orders) {
        if (o.paid_at < c.starts_at || o.paid_at >= c.ends_at || !o.vested || o.buyer_is_the_partner) continue;
        if (o.amount_fen <= 0 || o.refunded_fen >= o.amount_fen) continue;
        counting.push_back(&o);
    }
    std::sort(counting.begin(), counting.end(), [](const campaign_order* a, const campaign_order* b) {
        return a->paid_at != b->paid_at ? a->paid_at < b->paid_at : a->order_id < b->order_id;
    });

    std::map<std::uint64_t, project_entrant> entrants;
    std::set<std::pair<std::uint64_t, std::uint64_t>> counted_customers;  // (partner, customer)
    // For a goal in customers, the orders of a customer who never qualifies add no sales: collect
    // per customer first, credit when they qualify.
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::int64_t> pending_profit;
    for (const auto* o : counting) {
        const auto net_profit = o->profit_fen - share_of(o->profit_fen, o->refunded_fen, o->amount_fen);
        auto& e = entrants[o->partner_id];
        e.partner_id = o->partner_id;
        bool counted = false;
        if (c.goal == project_goal::product_units) {
            if (o->product_units <= 0) continue;
            e.count += o->product_units;
            e.sales_profit_fen += net_profit;
            counted = true;
        } else {
            if (!o->customer_new) continue;
            const auto key = std::pair(o->partner_id, o->customer_user_id);
            if (counted_customers.count(key)) {
                e.sales_profit_fen += net_profit;
                continue;
            }
            pending_profit[key] += net_profit;
            if (o->amount_fen - o->refunded_fen < c.min_order_fen) continue;
            counted_customers.insert(key);
            ++e.count;
            e.sales_profit_fen += pending_profit[key];
            counted = true;
        }
        if (counted && !e.reached_at && e.count >= c.goal_count) e.reached_at = o->paid_at;
    }

    project_outcome out;
    std::vector<project_entrant> reached;
    for (const auto& [id, e] : entrants) {
        if (e.count == 0 && e.sales_profit_fen == 0) continue;
        out.entrants.push_back(e);
        if (e.reached_at && c.goal_count > 0) reached.push_back(e);
    }
    std::sort(reached.begin(), reached.end(), [](const project_entrant& a, const project_entrant& b) {
        if (*a.reached_at != *b.reached_at) return *a.reached_at < *b.reached_at;
        if (a.count != b.count) return a.count > b.count;
        return a.partner_id < b.partner_id;
    });
    out.budget_left_fen = std::max<std::int64_t>(c.budget_fen, 0);
    for (const auto& e : reached) {
        const auto award = c.reward == project_reward::fixed ? std::max<std::int64_t>(c.award_fen, 0)
                                                             : dividend_fen(e.sales_profit_fen, std::clamp(c.award_bp, 0, 10'000));
        const auto amount = std::min(award, out.budget_left_fen);
        if (static_cast<std::int64_t>(out.winners.size()) >= c.winner_limit || amount <= 0) {
            out.reached_unpaid.push_back(e.partner_id);
            continue;
        }
        out.winners.push_back({.partner_id = e.partner_id, .count = e.count, .award_fen = award, .amount_fen = amount, .reached_at = *e.reached_at});
        out.budget_left_fen -= amount;
        out.paid_fen += amount;
    }
    return out;
}

}  // namespace sharedstore
