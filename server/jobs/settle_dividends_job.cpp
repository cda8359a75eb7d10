#include "server/jobs/settle_dividends_job.hpp"

namespace sharedstore {

namespace {

class settle_dividends_job final : public job {
public:
    settle_dividends_job(payout_service& payouts, int max_partners) : payouts_(payouts), max_partners_(max_partners) {}

    std::string_view name() const override { return "settle-dividends"; }
    std::string_view summary() const override { return "move dividends past their settlement delay to the partners' withdrawable balances"; }

    boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point now) override {
        auto r = co_await payouts_.settle(now, max_partners_);
        co_return job_report{.ok = true,
                             .figures = {{"settlements", r.settlements},
                                         {"dividends", r.dividends},
                                         {"settled_fen", r.settled_fen},
                                         {"to_debt_fen", r.to_debt_fen},
                                         {"closed_reversed", r.closed_reversed}}};
    }

private:
    payout_service& payouts_;
    int max_partners_;
};

}  // namespace

std::unique_ptr<job> make_settle_dividends_job(payout_service& payouts, int max_partners) {
    return std::make_unique<settle_dividends_job>(payouts, max_partners);
}

}  // namespace sharedstore
