#pragma once
// Every job of the server, one line each (docs/configuration.md, "Jobs"), and its schedule from the
// configuration. A new job is a file in server/jobs/ and a line in job_set.cpp.
#include "common/mysql_pool.hpp"
#include "server/config.hpp"
#include "server/jobs/job.hpp"
#include "server/services/order_service.hpp"
#include "server/services/payout_service.hpp"

#include <memory>
#include <vector>

namespace sharedstore {

struct job_dependencies {
    mysql_pool& database;
    order_service& orders;
    payout_service& payouts;
    const server_config& config;
    std::chrono::seconds reconcile_max_age{2 * 24 * 3600};  // reconcile-payments looks no further back
};

std::vector<std::unique_ptr<job>> make_jobs(const job_dependencies& deps);

// How often `serve` runs the job (0: only on demand).
std::chrono::seconds job_interval(const server_config& config, std::string_view job_name);

}  // namespace sharedstore
