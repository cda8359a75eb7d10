#include "server/jobs/remind_expiring_cards_job.hpp"

#include "server/services/card_wallet_service.hpp"

namespace sharedstore {

namespace {

class remind_expiring_cards_job final : public job {
public:
    remind_expiring_cards_job(mysql_pool& database, std::chrono::seconds notice, int batch, int max_batches)
        : database_(database), notice_(notice), batch_(batch), max_batches_(max_batches) {}

    std::string_view name() const override { return "remind-expiring-cards"; }
    std::string_view summary() const override { return "remind holders, once, of cards whose validity ends within the notice"; }

    boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point now) override {
        std::int64_t looked_at = 0, reminded = 0;
        int batches = 0;
        bool more = true;
        std::uint64_t after = 0;  // by card id: cards not due yet are passed over, not read again
        while (more && batches < max_batches_) {
            auto pass = [now, notice = notice_, after, limit = batch_](mysql_connection& db) {
                return remind_expiring_cards(db, now, notice, after, limit);
            };
            const auto done = co_await database_.transaction(std::move(pass));
            looked_at += done.looked_at;
            reminded += done.reminded;
            after = done.last_id;
            ++batches;
            more = done.more;
        }
        co_return job_report{.ok = true, .figures = {{"looked_at", looked_at}, {"reminded", reminded}, {"batches", batches}, {"more", more}}};
    }

private:
    mysql_pool& database_;
    std::chrono::seconds notice_;
    int batch_, max_batches_;
};

}  // namespace

std::unique_ptr<job> make_remind_expiring_cards_job(mysql_pool& database, std::chrono::seconds notice, int batch, int max_batches) {
    return std::make_unique<remind_expiring_cards_job>(database, notice, batch, max_batches);
}

}  // namespace sharedstore
