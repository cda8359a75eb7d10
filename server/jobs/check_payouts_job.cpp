#include "server/jobs/check_payouts_job.hpp"

namespace sharedstore {

namespace {

class check_payouts_job final : public job {
public:
    check_payouts_job(payout_service& payouts, int max_payouts) : payouts_(payouts), max_payouts_(max_payouts) {}

    std::string_view name() const override { return "check-payouts"; }
    std::string_view summary() const override { return "ask WeChat Pay about payouts without a final state and apply what it says"; }

    boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point now) override {
        auto r = co_await payouts_.check(now, max_payouts_);
        co_return job_report{.ok = true,
                             .figures = {{"checked", r.checked}, {"finished", r.finished}, {"still_open", r.still_open}, {"unclear", r.unclear}}};
    }

private:
    payout_service& payouts_;
    int max_payouts_;
};

}  // namespace

std::unique_ptr<job> make_check_payouts_job(payout_service& payouts, int max_payouts) {
    return std::make_unique<check_payouts_job>(payouts, max_payouts);
}

}  // namespace sharedstore
