#include "server/jobs/alliance_jobs.hpp"

#include "server/services/alliance_vesting.hpp"
#include "server/storage/alliance_accrual_repository.hpp"

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;
namespace asio = boost::asio;

class vest_alliance_lots_job final : public job {
public:
    vest_alliance_lots_job(mysql_pool& database, int max_orders) : database_(database), max_(max_orders) {}
    std::string_view name() const override { return "vest-alliance-lots"; }
    std::string_view summary() const override { return "vest the alliance lots, fund shares and fan-lock rewards of orders past their refund window"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [=, max = max_](mysql_connection& db) { return list_alliance_accruals_to_vest(db, now, max); };
        auto ids = co_await database_.run(std::move(list));
        int vested = 0;
        for (const auto id : ids) {
            auto vest = [=](mysql_connection& db) { return vest_alliance_accrual(db, id, now); };
            if (co_await database_.transaction(std::move(vest))) ++vested;
        }
        co_return job_report{.ok = true, .figures = {{"orders", vested}, {"more", static_cast<int>(ids.size()) == max_}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

}  // namespace

std::unique_ptr<job> make_vest_alliance_lots_job(mysql_pool& database, int max_orders) {
    return std::make_unique<vest_alliance_lots_job>(database, max_orders);
}

}  // namespace sharedstore
