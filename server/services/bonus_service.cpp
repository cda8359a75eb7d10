#include "server/services/bonus_service.hpp"

#include "server/domain/bonus_awards.hpp"
#include "server/domain/bonus_validator.hpp"
#include "server/domain/dividends.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/member_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/tier_preview_repository.hpp"

#include <algorithm>
#include <map>

namespace sharedstore {

namespace {
constexpr int history_limit = 20;
}  // namespace

boost::asio::awaitable<service_result<bonus_config_view>> bonus_service::config(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<bonus_config_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return bonus_config_view{list_bonus_config_versions(db, merchant_id, history_limit), find_cash_sign_off(db, merchant_id)};
    };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<bonus_config_view>> bonus_service::propose(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                 bonus_proposal proposal) {
    const auto now = clock_.now();
    auto write = [=, proposal = std::move(proposal)](mysql_connection& db) mutable -> service_result<bonus_config_view> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        // The store's row first: a tier change at the same moment waits, and is checked against this.
        lock_merchant(db, merchant_id);
        auto tiers = list_tier_versions(db, merchant_id, 1);
        if (tiers.empty()) return failure(service_failure::no_tiers);
        proposal.tiers = tiers.front().tiers;
        proposal.level2_cash_sign_off = proposal.level2_cash ? find_cash_sign_off(db, merchant_id) : std::nullopt;
        auto problems = validate_bonus_proposal(proposal);
        if (!problems.empty()) return failure(service_failure::bonus_config_refused, std::move(problems));
        auto config = to_bonus_config(proposal);
        if (!config) return failure(service_failure::bonus_config_refused);
        insert_bonus_config_version(db, merchant_id, *config, caller, now);
        return bonus_config_view{list_bonus_config_versions(db, merchant_id, history_limit), find_cash_sign_off(db, merchant_id)};
    };
    // Two proposals at once take one version number: the second meets the unique key and runs again.
    co_return co_await database_.transaction(std::move(write), mysql_pool::conflicts::rerun_on_duplicate_key);
}

boost::asio::awaitable<std::vector<award_total>> bonus_service::my_awards(std::uint64_t user_id) {
    auto read = [=](mysql_connection& db) { return partner_award_totals(db, user_id); };
    co_return co_await database_.run(std::move(read));
}

boost::asio::awaitable<service_result<store_award_report>> bonus_service::award_report(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                      std::string from, std::string to) {
    auto read = [=](mysql_connection& db) -> service_result<store_award_report> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return store_award_report{store_award_totals(db, merchant_id, from, to), net_profit_in(db, merchant_id, from, to)};
    };
    co_return co_await database_.run(std::move(read));
}

namespace {

constexpr int replay_chunk = 5'000;
constexpr int max_what_if_partners = 50'000;

// A refunded share of an award, as refunds take it back.
std::int64_t net_of_refunds(std::int64_t award, const award_replay_order& o) {
    return o.refunded_fen > 0 ? award - reversal_fen(award, o.amount_fen, 0, o.refunded_fen) : award;
}

}  // namespace

boost::asio::awaitable<service_result<award_what_if>> bonus_service::what_if(std::uint64_t caller, std::uint64_t merchant_id,
                                                                              bonus_proposal proposal, wall_time from, wall_time to) {
    struct setup {
        bonus_config config;
        std::vector<share_tier> tiers;
        std::map<std::uint64_t, preview_partner> partners;  // by id
        std::map<std::uint64_t, std::uint64_t> referrer_of;  // user -> referrer user
    };
    auto prepare = [=, proposal = std::move(proposal)](mysql_connection& db) mutable -> service_result<setup> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        auto tiers = list_tier_versions(db, merchant_id, 1);
        if (tiers.empty()) return failure(service_failure::no_tiers);
        proposal.tiers = tiers.front().tiers;
        proposal.level2_cash_sign_off = proposal.level2_cash ? find_cash_sign_off(db, merchant_id) : std::nullopt;
        auto problems = validate_bonus_proposal(proposal);
        if (!problems.empty()) return failure(service_failure::bonus_config_refused, std::move(problems));
        auto config = to_bonus_config(proposal);
        if (!config) return failure(service_failure::bonus_config_refused);
        setup out{std::move(*config), proposal.tiers, {}, {}};
        for (auto& p : list_preview_partners(db, merchant_id, max_what_if_partners)) {
            if (auto r = find_referral(db, p.facts.user_id)) out.referrer_of[p.facts.user_id] = r->referrer_user_id;
            out.partners[p.facts.id] = std::move(p);
        }
        return out;
    };
    auto ready = co_await database_.run(std::move(prepare));
    if (!ready) co_return ready.error();
    const auto& base = ready.value();
    std::map<std::uint64_t, std::uint64_t> partner_of_user;
    for (const auto& entry : base.partners) partner_of_user[entry.second.facts.user_id] = entry.first;  // no structured bindings in a coroutine (GCC 12)
    auto member_of = [&](const preview_partner& p) {
        const auto standing = tier_standing_for(base.tiers, p.facts.total_buy_in_fen);
        return chain_partner{.partner_id = p.facts.id,
                             .user_id = p.facts.user_id,
                             .tier_rank = standing ? standing->rank : 0,
                             .rate_bp = standing ? standing->rate_bp : 0,
                             .earns = p.status == partner_status::active || p.facts.inactive_keeps_paying};
    };

    award_what_if out{.from = from, .to = to};
    std::map<std::uint64_t, award_what_if_partner> by_partner;
    const auto from_text = format_sql_datetime_utc(from), to_text = format_sql_datetime_utc(to);
    std::uint64_t after = 0;
    for (;;) {
        // One chunk a pool job: a long window never holds a connection for long.
        auto chunk = [=](mysql_connection& db) { return award_replay_orders(db, merchant_id, from_text, to_text, after, replay_chunk); };
        auto orders = co_await database_.run(std::move(chunk));
        for (const auto& o : orders) {
            if (++out.orders > max_award_what_if_orders) co_return failure(service_failure::preview_too_large);
            auto a1 = base.partners.find(o.a1_partner_id);
            if (a1 == base.partners.end()) continue;
            award_chain chain{.a1 = member_of(a1->second), .a2 = std::nullopt};
            if (auto r = base.referrer_of.find(a1->second.facts.user_id); r != base.referrer_of.end())
                if (auto a2 = partner_of_user.find(r->second); a2 != partner_of_user.end() && base.partners.at(a2->second).status != partner_status::ended)
                    chain.a2 = member_of(base.partners.at(a2->second));
            const auto awards = compute_order_awards({.kind = order_kind::purchase, .buyer_user_id = o.customer_user_id, .profit_fen = o.profit_fen, .chain = chain},
                                                     base.config);
            out.profit_fen += net_of_refunds(o.profit_fen, o);
            out.trimmed_fen += awards.trimmed_fen();
            std::int64_t payout = 0;
            for (const auto& line : awards.lines) {
                const auto net = net_of_refunds(line.amount_fen, o);
                payout += net;
                auto& who = by_partner[line.partner_id];
                who.partner_id = line.partner_id;
                if (line.kind == award_kind::tier) {
                    out.tier_fen += net;
                    who.tier_fen += net;
                } else {
                    (line.kind == award_kind::level_difference ? out.level_difference_fen : out.flat_push_fen) += net;
                    (line.medium == award_medium::cash ? who.cash_fen : who.points) += net;
                }
                (line.medium == award_medium::cash ? out.cash_fen : out.points) += net;
            }
            if (payout > out.largest_payout_fen) {
                out.largest_payout_fen = payout;
                out.largest_profit_fen = net_of_refunds(o.profit_fen, o);
                out.largest_order_id = o.order_id;
            }
        }
        if (static_cast<int>(orders.size()) < replay_chunk) break;
        after = orders.back().order_id;
    }
    for (auto& entry : by_partner) {
        if (auto found = base.partners.find(entry.first); found != base.partners.end()) entry.second.phone = found->second.phone;
        out.partners.push_back(entry.second);
    }
    std::sort(out.partners.begin(), out.partners.end(), [](const auto& a, const auto& b) {
        const auto ta = a.tier_fen + a.cash_fen + a.points, tb = b.tier_fen + b.cash_fen + b.points;
        return ta != tb ? ta > tb : a.partner_id < b.partner_id;
    });
    if (out.partners.size() > 100) out.partners.resize(100);
    co_return out;
}

}  // namespace sharedstore
