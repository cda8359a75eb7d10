#include "server/jobs/reconcile_payments_job.hpp"

namespace sharedstore {

namespace {

class reconcile_payments_job final : public job {
public:
    reconcile_payments_job(order_service& orders, std::chrono::seconds min_age, std::chrono::seconds max_age, std::chrono::seconds close_after)
        : orders_(orders), min_age_(min_age), max_age_(max_age), close_after_(close_after) {}

    std::string_view name() const override { return "reconcile-payments"; }
    std::string_view summary() const override { return "ask WeChat Pay about orders left unpaid, apply what it says, close those unpaid too long"; }

    boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point) override {
        auto report = co_await orders_.reconcile(min_age_, max_age_, close_after_);
        co_return job_report{.ok = report.failed == 0,
                             .figures = {{"checked", report.checked},
                                         {"applied", report.applied},
                                         {"still_unpaid", report.still_unpaid},
                                         {"closed", report.closed},
                                         {"failed", report.failed}}};
    }

private:
    order_service& orders_;
    std::chrono::seconds min_age_, max_age_, close_after_;
};

}  // namespace

std::unique_ptr<job> make_reconcile_payments_job(order_service& orders, std::chrono::seconds min_age, std::chrono::seconds max_age,
                                                 std::chrono::seconds close_after) {
    return std::make_unique<reconcile_payments_job>(orders, min_age, max_age, close_after);
}

}  // namespace sharedstore
