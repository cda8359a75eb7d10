#pragma once
// The bonus system's batch jobs (docs/bonus.md): award-top-dealers shares each store's pool of
// its last settled period once; award-projects judges each campaign once it is due;
// settle-bonus-awards makes cash awards that are due withdrawable.
#include "common/mysql_pool.hpp"
#include "server/jobs/job.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_award_top_dealers_job(mysql_pool& database, int max_stores);
std::unique_ptr<job> make_award_projects_job(mysql_pool& database, int max_stores);
std::unique_ptr<job> make_settle_bonus_awards_job(mysql_pool& database, int max_stores);

}  // namespace sharedstore
