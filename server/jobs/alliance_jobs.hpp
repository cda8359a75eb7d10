#pragma once
// The alliance's jobs (docs/alliance.md, "Jobs"):
// - vest-alliance-lots: orders past their refund window vest their lots into the pool, their fund
//   share into its free balance, and pay their fan-lock reward in vouchers.
//   Each order is one transaction that locks and marks it: a pass cut short or run twice does
//   nothing twice.
// - pay-alliance-dividends: resumes the dividend under way, or starts the next one when the vested
//   pool crossed its threshold, and carries it out a chunk of holders per transaction
//   (server/services/alliance_dividend_run.hpp), pausing between chunks, and waiting while the
//   relay has a backlog: its "vouchers" frames never crowd out the core loop's reminders.
// - release-voucher-reservations: desk reservations past their expiry that no order confirmed
//   give their vouchers back (one transaction each, the reservation locked: an order confirming
//   it at the same moment either wins or is refused as expired).
// - expire-alliance-vouchers: what credits have left at their end expires (chunks of credits,
//   each one transaction with its postings: the money back in the fund's free balance).
// - remind-expiring-vouchers: each consumer whose vouchers end within the notice gets one
//   `vouchers_expiring` reminder (chunks of consumers; each credit reminded once).
// - issue-alliance-statements: each member store's statement of the closed Asia/Shanghai months
//   (an hour after each ends; the last twelve looked at, a month issued before only looked up),
//   one transaction a store, none twice.
#include "common/mysql_pool.hpp"
#include "server/jobs/job.hpp"

#include <chrono>
#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_vest_alliance_lots_job(mysql_pool& database, int max_orders);
struct dividend_job_settings {
    int chunk_lots = 2000;
    std::chrono::milliseconds pause{0};       // between chunks
    int outbox_backlog = 2000;                // wait while this many reminders await the relay; 0: never
    std::chrono::seconds outbox_wait{60};     // waiting longer stops the run (the next resumes)
};
std::unique_ptr<job> make_pay_alliance_dividends_job(mysql_pool& database, dividend_job_settings settings);
std::unique_ptr<job> make_release_voucher_reservations_job(mysql_pool& database, int max_reservations);
std::unique_ptr<job> make_expire_alliance_vouchers_job(mysql_pool& database, int chunk_credits, int max_chunks);
std::unique_ptr<job> make_issue_alliance_statements_job(mysql_pool& database);
// Each promoter's and centre's statement of each closed month (docs/promoters-and-centres.md "Settlement").
std::unique_ptr<job> make_issue_share_statements_job(mysql_pool& database);
std::unique_ptr<job> make_remind_expiring_vouchers_job(mysql_pool& database, std::chrono::seconds notice, int chunk_users, int max_chunks);

}  // namespace sharedstore
