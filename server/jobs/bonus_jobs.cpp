#include "server/jobs/bonus_jobs.hpp"

#include "server/services/bonus_settlement.hpp"
#include "server/services/project_awards.hpp"
#include "server/services/top_dealer_bonus.hpp"
#include "server/storage/bonus_repository.hpp"

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;
namespace asio = boost::asio;

// Each store with a bonus configuration, one transaction each: `step(db, store, now)` answers
// what the store's figures add, `count(answer)`. Two runs of one period or campaign meet the unique
// key (a duplicate: it ran elsewhere), and the step runs again to find it done.
template <class Step, class Count>
asio::awaitable<int> for_each_bonus_store(mysql_pool& database, int max, time_point now, Step step, Count count) {
    int seen = 0;
    std::uint64_t after = 0;
    for (;;) {
        auto list = [max, after](mysql_connection& db) { return list_bonus_merchants(db, after, max); };
        auto stores = co_await database.run(std::move(list));
        for (const auto id : stores) {
            auto one = [=](mysql_connection& db) { return step(db, id, now); };
            auto answer = co_await database.transaction(std::move(one), mysql_pool::conflicts::rerun_on_duplicate_key);
            count(answer);
        }
        seen += static_cast<int>(stores.size());
        if (static_cast<int>(stores.size()) < max) break;
        after = stores.back();
    }
    co_return seen;
}

class award_top_dealers_job final : public job {
public:
    award_top_dealers_job(mysql_pool& database, int max_stores) : database_(database), max_(max_stores) {}
    std::string_view name() const override { return "award-top-dealers"; }
    std::string_view summary() const override { return "share each store's top-dealer pool of its last settled period, once"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        int ran = 0, already = 0;
        const auto stores = co_await for_each_bonus_store(database_, max_, now, award_top_dealers, [&](top_dealer_outcome o) {
            ran += o == top_dealer_outcome::ran;
            already += o == top_dealer_outcome::already_ran;
        });
        co_return job_report{.ok = true, .figures = {{"stores", stores}, {"periods_shared", ran}, {"already_shared", already}}};
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
        int judged = 0, waiting = 0;
        const auto stores = co_await for_each_bonus_store(database_, max_, now, award_projects, [&](const project_run_counts& c) {
            judged += c.judged;
            waiting += c.waiting;
        });
        co_return job_report{.ok = true, .figures = {{"stores", stores}, {"campaigns_judged", judged}, {"campaigns_waiting", waiting}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

class settle_bonus_awards_job final : public job {
public:
    settle_bonus_awards_job(mysql_pool& database, int max_stores) : database_(database), max_(max_stores) {}
    std::string_view name() const override { return "settle-bonus-awards"; }
    std::string_view summary() const override { return "move cash awards that are due into the partners' withdrawable balances"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        int partners = 0;
        std::int64_t settled = 0;
        const auto stores = co_await for_each_bonus_store(database_, max_, now, settle_bonus_awards, [&](const bonus_settle_counts& c) {
            partners += c.partners;
            settled += c.settled_fen;
        });
        co_return job_report{.ok = true, .figures = {{"stores", stores}, {"partners", partners}, {"settled_fen", settled}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

}  // namespace

std::unique_ptr<job> make_settle_bonus_awards_job(mysql_pool& database, int max_stores) {
    return std::make_unique<settle_bonus_awards_job>(database, max_stores);
}

std::unique_ptr<job> make_award_top_dealers_job(mysql_pool& database, int max_stores) {
    return std::make_unique<award_top_dealers_job>(database, max_stores);
}

std::unique_ptr<job> make_award_projects_job(mysql_pool& database, int max_stores) { return std::make_unique<award_projects_job>(database, max_stores); }

}  // namespace sharedstore
