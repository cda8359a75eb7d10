#include "server/jobs/job_set.hpp"

#include "server/jobs/alliance_jobs.hpp"
#include "server/jobs/bonus_jobs.hpp"
#include "server/jobs/check_payouts_job.hpp"
#include "server/jobs/member_jobs.hpp"
#include "server/jobs/prune_outbox_job.hpp"
#include "server/jobs/reconcile_payments_job.hpp"
#include "server/jobs/remind_expiring_cards_job.hpp"
#include "server/jobs/settle_dividends_job.hpp"

namespace sharedstore {

namespace {
// A run deletes at most this many batches; a backlog larger than that goes over several runs.
constexpr int prune_max_batches = 100;
// Partners settled, and payouts asked about, per run; the rest wait for the next one.
constexpr int settle_max_partners = 1000;
constexpr int check_max_payouts = 200;
// Member journey items per run (each its own transaction).
constexpr int member_max_items = 2000;
// Cards reminded per transaction, and transactions per run.
constexpr int remind_cards_batch = 500;
constexpr int remind_cards_max_batches = 20;
// Stores with a bonus configuration read per page (a run walks every page).
constexpr int bonus_max_stores = 1000;
}  // namespace

std::vector<std::unique_ptr<job>> make_jobs(const job_dependencies& deps) {
    const auto& c = deps.config;
    std::vector<std::unique_ptr<job>> jobs;
    jobs.push_back(make_reconcile_payments_job(deps.orders, std::chrono::seconds(c.wechat_pay.reconcile_after_s), deps.reconcile_max_age,
                                                  std::chrono::seconds(c.wechat_pay.close_unpaid_after_s)));
    jobs.push_back(make_prune_outbox_job(deps.database, std::chrono::seconds(c.jobs.prune_outbox_retention_s), c.jobs.prune_outbox_batch,
                                         prune_max_batches));
    jobs.push_back(make_settle_dividends_job(deps.payouts, settle_max_partners));
    jobs.push_back(make_check_payouts_job(deps.payouts, check_max_payouts));
    jobs.push_back(make_vest_member_orders_job(deps.database, member_max_items));
    jobs.push_back(make_expire_member_points_job(deps.database, member_max_items));
    jobs.push_back(make_member_level_retention_job(deps.database, member_max_items));
    jobs.push_back(make_remind_expiring_cards_job(deps.database, std::chrono::seconds(c.jobs.card_expiry_notice_s), remind_cards_batch,
                                                  remind_cards_max_batches));
    jobs.push_back(make_award_top_dealers_job(deps.database, bonus_max_stores));
    jobs.push_back(make_award_projects_job(deps.database, bonus_max_stores));
    jobs.push_back(make_settle_bonus_awards_job(deps.database, bonus_max_stores));
    jobs.push_back(make_vest_alliance_lots_job(deps.database, member_max_items));
    jobs.push_back(make_release_voucher_reservations_job(deps.database, member_max_items));
    // 1,000 credits or consumers a transaction; a pass takes at most 1,000 of them (a million credits
    // ending on one day, as dividend 1's do, take a run of 1,000 transactions, resumed by the next).
    jobs.push_back(make_expire_alliance_vouchers_job(deps.database, 1000, 1000));
    jobs.push_back(make_issue_alliance_statements_job(deps.database));
    jobs.push_back(make_issue_share_statements_job(deps.database));
    jobs.push_back(make_remind_expiring_vouchers_job(deps.database, std::chrono::seconds(c.jobs.voucher_expiry_notice_s), 1000, 1000));
    jobs.push_back(make_pay_alliance_dividends_job(deps.database,
                                                   dividend_job_settings{.chunk_lots = c.jobs.alliance_dividend_chunk_lots,
                                                                         .pause = std::chrono::milliseconds(c.jobs.alliance_dividend_chunk_pause_ms),
                                                                         .outbox_backlog = c.jobs.alliance_dividend_outbox_backlog,
                                                                         .outbox_wait = std::chrono::seconds(c.jobs.alliance_dividend_outbox_wait_s)}));
    return jobs;
}

std::chrono::seconds job_interval(const server_config& config, std::string_view job_name) {
    if (job_name == "reconcile-payments") return std::chrono::seconds(config.jobs.reconcile_payments_every_s);
    if (job_name == "prune-outbox") return std::chrono::seconds(config.jobs.prune_outbox_every_s);
    if (job_name == "settle-dividends" || job_name == "settle-bonus-awards") return std::chrono::seconds(config.jobs.settle_dividends_every_s);
    if (job_name == "check-payouts") return std::chrono::seconds(config.jobs.check_payouts_every_s);
    if (job_name == "vest-alliance-lots") return std::chrono::seconds(config.jobs.vest_alliance_lots_every_s);
    if (job_name == "expire-alliance-vouchers") return std::chrono::seconds(config.jobs.expire_alliance_vouchers_every_s);
    if (job_name == "remind-expiring-vouchers") return std::chrono::seconds(config.jobs.remind_expiring_vouchers_every_s);
    if (job_name == "release-voucher-reservations") return std::chrono::seconds(config.jobs.release_voucher_reservations_every_s);
    if (job_name == "issue-alliance-statements") return std::chrono::seconds(config.jobs.issue_alliance_statements_every_s);
    if (job_name == "issue-share-statements") return std::chrono::seconds(config.jobs.issue_share_statements_every_s);
    if (job_name == "pay-alliance-dividends") return std::chrono::seconds(config.jobs.pay_alliance_dividends_every_s);
    if (job_name == "vest-member-orders") return std::chrono::seconds(config.jobs.vest_member_orders_every_s);
    if (job_name == "expire-member-points") return std::chrono::seconds(config.jobs.expire_member_points_every_s);
    if (job_name == "member-level-retention") return std::chrono::seconds(config.jobs.member_level_retention_every_s);
    if (job_name == "remind-expiring-cards") return std::chrono::seconds(config.jobs.remind_expiring_cards_every_s);
    if (job_name == "award-top-dealers" || job_name == "award-projects") return std::chrono::seconds(config.jobs.award_top_dealers_every_s);
    return std::chrono::seconds(0);
}

}  // namespace sharedstore
