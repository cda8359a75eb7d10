#include "server/services/project_awards.hpp"

#include "common/clock.hpp"
#include "server/domain/bonus_awards.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"

#include <map>
#include <set>

namespace sharedstore {

namespace {

// A campaign's run key: its start and its name (a store may run one name again another season).
std::string campaign_key(const project_campaign& c) { return format_rfc3339_seconds(c.starts_at) + " " + c.name; }

constexpr int max_versions_read = 200;

}  // namespace

project_run_counts award_projects(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now) {
    project_run_counts counts;
    const auto merchant = find_merchant(db, merchant_id);
    if (!merchant) return counts;
    const auto window = std::chrono::seconds(std::chrono::hours(24) * merchant->settlement_delay_days);
    // A campaign is judged on the terms in force when it ended: the newest version made by then
    // that holds it (a later version that drops or changes it does not undo what was promised).
    const auto versions = list_bonus_config_versions(db, merchant_id, max_versions_read);
    std::vector<std::pair<const bonus_config_version*, project_campaign>> campaigns;
    std::set<std::string> decided;
    for (const auto& v : versions)
        for (const auto& c : v.config.projects)
            if (v.created_at <= c.ends_at && decided.insert(campaign_key(c)).second) campaigns.emplace_back(&v, c);
    for (const auto& [version, campaign] : campaigns) {
        if (project_award_due_at(campaign, window) > now) {
            ++counts.waiting;
            continue;
        }
        const auto key = campaign_key(campaign);
        if (period_run_exists(db, merchant_id, "project", key)) {
            ++counts.already;
            continue;
        }
        const auto from = format_sql_datetime_utc(campaign.starts_at), to = format_sql_datetime_utc(campaign.ends_at);
        const auto rows = campaign_orders(db, merchant_id, from, to, format_sql_datetime_utc(now - window));
        std::vector<campaign_order> orders;
        std::map<std::uint64_t, std::uint64_t> user_of;  // partner -> user
        std::int64_t counted_profit = 0;
        for (const auto& r : rows) {
            user_of[r.partner_id] = r.partner_user_id;
            counted_profit += r.profit_fen;
            orders.push_back(campaign_order{.order_id = r.order_id,
                                            .partner_id = r.partner_id,
                                            .customer_user_id = r.customer_user_id,
                                            .buyer_is_the_partner = r.customer_user_id == r.partner_user_id,
                                            .paid_at = r.paid_at,
                                            .amount_fen = r.amount_fen,
                                            .refunded_fen = r.refunded_fen,
                                            .profit_fen = r.profit_fen,
                                            .vested = r.vested,
                                            .customer_new = r.customer_new,
                                            // The POS names a product by the order's category: one unit an order.
                                            .product_units = !campaign.product.empty() && r.category == campaign.product ? 1 : 0});
        }
        const auto outcome = compute_project_award(campaign, orders);
        const auto at = format_sql_datetime_utc(now);
        const auto run = insert_period_run(db, period_run{.merchant_id = merchant_id,
                                                          .kind = "project",
                                                          .period_key = key,
                                                          .period_start = from,
                                                          .period_end = to,
                                                          .config_version_id = version->id,
                                                          .profit_fen = counted_profit,
                                                          .pool_fen = campaign.budget_fen,
                                                          .paid_fen = outcome.paid_fen,
                                                          .remainder_fen = campaign.budget_fen - outcome.paid_fen,
                                                          .ran_at = at});
        std::vector<ledger_entry> entries;
        for (const auto& w : outcome.winners) {
            std::int64_t sales = 0;
            for (const auto& e : outcome.entrants)
                if (e.partner_id == w.partner_id) sales = e.sales_profit_fen;
            insert_period_award(db, run, merchant_id, w.partner_id, user_of[w.partner_id], sales, w.amount_fen, at);
            for (auto& e : bonus_cash_entries(user_of[w.partner_id], w.amount_fen)) entries.push_back(e);
        }
        if (!entries.empty())
            post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                                       .kind = "bonus_project",
                                                       .reference = "run:" + std::to_string(run),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = std::move(entries),
                                                       .booked_at = at});
        ++counts.judged;
    }
    return counts;
}

}  // namespace sharedstore
