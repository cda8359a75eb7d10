#include "server/jobs/bonus_jobs.hpp"

#include "server/services/project_awards.hpp"
#include "server/services/top_dealer_bonus.hpp"
#include "server/storage/bonus_repository.hpp"

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;
namespace asio = boost::asio;

class award_top_dealers_job final : public job {
public:
    award_top_dealers_job(mysql_pool& database, int max_stores) : database_(database), max_(max_stores) {}
    std::string_view name() const override { return "award-top-dealers"; }
    std::string_view summary() const override { return "share each store's top-dealer pool of its last settled period, once"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [max = max_](mysql_connection& db) { return list_bonus_merchants(db, 0, max); };
        auto stores = co_await database_.run(std::move(list));
        int ran = 0, already = 0;
        for (const auto id : stores) {
            // Each store its own transaction; two runs of one period meet the unique key (duplicate: ran elsewhere).
            auto award = [=](mysql_connection& db) { return award_top_dealers(db, id, now); };
            const auto outcome = co_await database_.transaction(std::move(award), mysql_pool::conflicts::rerun_on_duplicate_key);
            if (outcome == top_dealer_outcome::ran) ++ran;
            else if (outcome == top_dealer_outcome::already_ran) ++already;
        }
        co_return job_report{.ok = true, .figures = {{"stores", static_cast<int>(stores.size())}, {"periods_shared", ran}, {"already_shared", already}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

class award_projects_job final : public job {
public:
    award_projects_job(mysql_pool& database, int max_stores) : database_(database), max_(max_stores) {}
    std::string_view name() const override { return "award-projects"; }
    std::string_view summary() const override { return "judge each project campaign once its last order's refund window has closed"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [max = max_](mysql_connection& db) { return list_bonus_merchants(db, 0, max); };
        auto stores = co_await database_.run(std::move(list));
        int judged = 0, waiting = 0;
        for (const auto id : stores) {
            auto award = [=](mysql_connection& db) { return award_projects(db, id, now); };
            const auto counts = co_await database_.transaction(std::move(award), mysql_pool::conflicts::rerun_on_duplicate_key);
            judged += counts.judged;
            waiting += counts.waiting;
        }
        co_return job_report{.ok = true, .figures = {{"stores", static_cast<int>(stores.size())}, {"campaigns_judged", judged}, {"campaigns_waiting", waiting}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

}  // namespace

std::unique_ptr<job> make_award_projects_job(mysql_pool& database, int max_stores) { return std::make_unique<award_projects_job>(database, max_stores); }

std::unique_ptr<job> make_award_top_dealers_job(mysql_pool& database, int max_stores) {
    return std::make_unique<award_top_dealers_job>(database, max_stores);
}

}  // namespace sharedstore
