#pragma once
// Deletes relayed outbox events and their fallback rows older than jobs.prune_outbox.retention_s,
// in batches of jobs.prune_outbox.batch (one transaction each, so the relay and the requests never
// wait long behind it), at most max_batches a run: nothing else deletes them.
#include "common/mysql_pool.hpp"
#include "server/jobs/job.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_prune_outbox_job(mysql_pool& database, std::chrono::seconds retention, int batch, int max_batches);

}  // namespace sharedstore
