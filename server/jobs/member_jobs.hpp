#pragma once
// The member journey's jobs (docs/members.md, "Jobs"):
// - vest-member-orders: orders past their store's refund window grant their growth, vest their
//   points and make their buyer a customer;
// - expire-member-points: points past their validity leave the member; lots expiring within 30
//   days send one `points_expiring` frame;
// - member-level-retention: members a year at their level keep it or drop one level.
// Each item is one transaction that locks and marks what it changes: a pass cut short or run
// twice does nothing twice.
#include "common/mysql_pool.hpp"
#include "server/jobs/job.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_vest_member_orders_job(mysql_pool& database, int max_orders);
std::unique_ptr<job> make_expire_member_points_job(mysql_pool& database, int max_lots);
std::unique_ptr<job> make_member_level_retention_job(mysql_pool& database, int max_members);

}  // namespace sharedstore
