#include "server/jobs/prune_outbox_job.hpp"

#include "common/clock.hpp"
#include "push/outbox_retention.hpp"

namespace sharedstore {

namespace {

class prune_outbox_job final : public job {
public:
    prune_outbox_job(mysql_pool& database, std::chrono::seconds retention, int batch, int max_batches)
        : database_(database), retention_(retention), batch_(batch), max_batches_(max_batches) {}

    std::string_view name() const override { return "prune-outbox"; }
    std::string_view summary() const override { return "delete relayed reminders (and their fallbacks) older than the retention"; }

    boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point now) override {
        const auto before = format_sql_datetime_utc(now - retention_);
        std::int64_t deleted = 0;
        int batches = 0;
        bool more = true;
        while (more && batches < max_batches_) {
            auto prune = [before, limit = batch_](mysql_connection& db) { return prune_relayed_outbox(db, before, limit); };
            const int n = co_await database_.transaction(std::move(prune));
            deleted += n;
            ++batches;
            more = n == batch_;
        }
        co_return job_report{.ok = true, .figures = {{"deleted", deleted}, {"batches", batches}, {"more", more}, {"before", before}}};
    }

private:
    mysql_pool& database_;
    std::chrono::seconds retention_;
    int batch_, max_batches_;
};

}  // namespace

std::unique_ptr<job> make_prune_outbox_job(mysql_pool& database, std::chrono::seconds retention, int batch, int max_batches) {
    return std::make_unique<prune_outbox_job>(database, retention, batch, max_batches);
}

}  // namespace sharedstore
