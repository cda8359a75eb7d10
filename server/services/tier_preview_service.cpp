#include "server/services/tier_preview_service.hpp"

#include "server/storage/merchant_repository.hpp"

#include <set>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

// What the replay starts from, read once with the access check.
struct preview_setup {
    std::vector<recorded_tier_version> versions;  // every version an order of the window was priced with
    std::vector<share_tier> tiers_now;            // the version in force now (none: empty)
    std::vector<preview_partner> partners;
};

recorded_tier_version recorded(const tier_version_record& v) {
    return {.id = v.id, .table = {.tiers = v.tiers, .margins = {v.profit_margin_bp, v.category_margins_bp}}};
}

}  // namespace

asio::awaitable<service_result<tier_preview_answer>> tier_preview_service::preview(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                   tier_preview_request request) {
    auto problems = validate_tier_table(request.table.tiers, request.table.profit_margin_bp, request.table.category_margins_bp);
    if (!problems.empty()) co_return failure(service_failure::invalid_tiers, std::move(problems));
    const auto from = format_sql_datetime_utc(request.from), to = format_sql_datetime_utc(request.to);

    auto load = [=, limits = limits_](mysql_connection& db) -> service_result<preview_setup> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        preview_setup setup;
        const auto versions = list_tier_versions_in_window(db, merchant_id, from, to, limits.max_versions + 1);
        if (versions.size() > static_cast<std::size_t>(limits.max_versions)) return failure(service_failure::preview_too_large);
        for (const auto& v : versions) setup.versions.push_back(recorded(v));
        if (auto now = list_tier_versions(db, merchant_id, 1); !now.empty()) setup.tiers_now = now.front().tiers;
        setup.partners = list_preview_partners(db, merchant_id, limits.max_partners + 1);
        if (setup.partners.size() > static_cast<std::size_t>(limits.max_partners)) return failure(service_failure::preview_too_large);
        return setup;
    };
    auto setup = co_await database_.run(std::move(load));
    if (!setup) co_return setup.error();

    tier_preview_answer answer{.from = request.from, .to = request.to, .figures = {}, .partners = {}};
    std::vector<partner_facts> facts;
    for (auto& p : setup.value().partners) {
        facts.push_back(p.facts);
        answer.partners.emplace(p.facts.id, std::move(p));
    }
    tier_replay replay(tier_table{.tiers = request.table.tiers, .margins = {request.table.profit_margin_bp, request.table.category_margins_bp}},
                       setup.value().versions, setup.value().tiers_now, facts);
    // The stream: chunk after chunk by id, each its own read (no transaction: a what-if does not
    // need one snapshot, and holding one would keep a connection for the whole window).
    std::uint64_t after_id = 0;
    std::int64_t read = 0;
    for (;;) {
        auto next = [=, chunk_orders = limits_.chunk_orders](mysql_connection& db) {
            return paid_purchases_after(db, merchant_id, from, to, after_id, chunk_orders);
        };
        auto chunk = co_await database_.run(std::move(next));
        read += static_cast<std::int64_t>(chunk.size());
        if (read > limits_.max_orders) co_return failure(service_failure::preview_too_large);
        // An order paid while the window was read may name a partner enrolled or a version
        // published after the start: read those too (rarely more than none).
        std::set<std::uint64_t> partner_ids, version_ids;
        for (const auto& order : chunk) {
            if (order.owner_partner_id && !replay.knows_partner(*order.owner_partner_id)) partner_ids.insert(*order.owner_partner_id);
            if (order.tier_version_id && !replay.knows_version(*order.tier_version_id)) version_ids.insert(*order.tier_version_id);
        }
        if (!partner_ids.empty() || !version_ids.empty()) {
            auto find = [=](mysql_connection& db) {
                std::pair<std::vector<preview_partner>, std::vector<recorded_tier_version>> found;
                for (auto id : partner_ids)
                    if (auto p = find_preview_partner(db, merchant_id, id)) found.first.push_back(std::move(*p));
                for (auto id : version_ids)
                    if (auto v = find_tier_version(db, merchant_id, id)) found.second.push_back(recorded(*v));
                return found;
            };
            auto found = co_await database_.run(std::move(find));
            for (auto& p : found.first) {
                replay.add_partner(p.facts);
                answer.partners.emplace(p.facts.id, std::move(p));
            }
            for (const auto& v : found.second) replay.add_version(v);
        }
        for (const auto& order : chunk) replay.add(order);
        if (chunk.size() < static_cast<std::size_t>(limits_.chunk_orders)) break;
        after_id = chunk.back().order_id;
    }
    answer.figures = replay.result();
    co_return answer;
}

}  // namespace sharedstore
