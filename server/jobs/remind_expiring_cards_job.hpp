#pragma once
// Reminds holders of cards about to expire, once per card (docs/business-rules.md section 6):
// cards whose validity ends within jobs.card_expiry_notice_s, at most `batch` a transaction and
// `max_batches` a run.
#include "common/mysql_pool.hpp"
#include "server/jobs/job.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_remind_expiring_cards_job(mysql_pool& database, std::chrono::seconds notice, int batch, int max_batches);

}  // namespace sharedstore
