#include "server/jobs/alliance_jobs.hpp"

#include "push/outbox_store.hpp"
#include "server/services/alliance_dividend_run.hpp"
#include "server/services/alliance_vesting.hpp"
#include "server/services/alliance_voucher_spending.hpp"
#include "server/services/alliance_voucher_expiry.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/services/share_settlement.hpp"
#include "server/storage/alliance_accrual_repository.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;
namespace asio = boost::asio;
namespace json = boost::json;

// How often a dividend waiting for the relay looks at its backlog again.
constexpr std::chrono::milliseconds backlog_poll{50};

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

class issue_alliance_statements_job final : public job {
public:
    explicit issue_alliance_statements_job(mysql_pool& database) : database_(database) {}
    std::string_view name() const override { return "issue-alliance-statements"; }
    std::string_view summary() const override {
        return "issue each member store's statement of the last closed month: concessions and supply owed, reimbursements due";
    }

    asio::awaitable<job_report> run_once(time_point now) override {
        // The last year's closed months, the oldest first: a month missed while nothing ran is
        // issued when it runs again; a month issued before is only looked up (its marker).
        const auto periods = closed_periods(now, statement_utc_offset(), statement_grace, months_back);
        int issued = 0, existing = 0, read = 0;
        for (const auto& period : periods) {
            const auto done = co_await issue_alliance_statements(database_, period, now, false);
            issued += done.issued;
            existing += done.existing;
            read += done.skipped ? 0 : 1;
        }
        co_return job_report{.ok = true,
                             .figures = {{"period", periods.back().label},
                                         {"issued", issued},
                                         {"existing", existing},
                                         {"months_read", read},
                                         {"skipped", read == 0}}};
    }

private:
    static constexpr int months_back = 12;
    mysql_pool& database_;
};

class issue_share_statements_job final : public job {
public:
    explicit issue_share_statements_job(mysql_pool& database) : database_(database) {}
    std::string_view name() const override { return "issue-share-statements"; }
    std::string_view summary() const override {
        return "issue each promoter's and service centre's statement of the last closed month: their share of the platform net settled in it";
    }

    asio::awaitable<job_report> run_once(time_point now) override {
        // As the stores' statements: the last year's closed months, the oldest first (a payee's
        // carry runs month by month), a month issued before only looked up.
        const auto periods = closed_periods(now, statement_utc_offset(), statement_grace, months_back);
        int issued = 0, existing = 0, out_of_order = 0, read = 0;
        for (const auto& period : periods) {
            const auto done = co_await issue_share_statements(database_, period, now, false);
            issued += done.issued;
            existing += done.existing;
            out_of_order += done.out_of_order;
            read += done.skipped ? 0 : 1;
        }
        co_return job_report{.ok = true,
                             .figures = {{"period", periods.back().label},
                                         {"issued", issued},
                                         {"existing", existing},
                                         {"out_of_order", out_of_order},
                                         {"months_read", read},
                                         {"skipped", read == 0}}};
    }

private:
    static constexpr int months_back = 12;
    mysql_pool& database_;
};

class release_voucher_reservations_job final : public job {
public:
    release_voucher_reservations_job(mysql_pool& database, int max_reservations) : database_(database), max_(max_reservations) {}
    std::string_view name() const override { return "release-voucher-reservations"; }
    std::string_view summary() const override { return "give back the vouchers of desk reservations that expired unconfirmed"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [=, max = max_](mysql_connection& db) { return list_expired_voucher_reservations(db, now, max); };
        auto ids = co_await database_.run(std::move(list));
        int released = 0;
        for (const auto id : ids) {
            auto release = [=](mysql_connection& db) { return release_voucher_reservation_holds(db, id, "expiry", now); };
            if (co_await database_.transaction(std::move(release))) ++released;
        }
        co_return job_report{.ok = true, .figures = {{"reservations", released}, {"more", static_cast<int>(ids.size()) == max_}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

class expire_alliance_vouchers_job final : public job {
public:
    expire_alliance_vouchers_job(mysql_pool& database, int chunk, int max_chunks) : database_(database), chunk_(chunk), max_chunks_(max_chunks) {}
    std::string_view name() const override { return "expire-alliance-vouchers"; }
    std::string_view summary() const override { return "expire what alliance voucher credits have left at their end; the money returns to the fund"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        int credits = 0, chunks = 0;
        std::int64_t fen = 0;
        bool more = true;
        while (more && chunks < max_chunks_) {
            auto step = [=, limit = chunk_](mysql_connection& db) { return expire_alliance_vouchers(db, now, limit); };
            const auto done = co_await database_.transaction(std::move(step));
            credits += done.credits;
            fen += done.fen;
            more = done.more;
            ++chunks;
        }
        co_return job_report{.ok = true, .figures = {{"credits", credits}, {"fen", fen}, {"chunks", chunks}, {"more", more}}};
    }

private:
    mysql_pool& database_;
    int chunk_, max_chunks_;
};

class remind_expiring_vouchers_job final : public job {
public:
    remind_expiring_vouchers_job(mysql_pool& database, std::chrono::seconds notice, int chunk, int max_chunks)
        : database_(database), notice_(notice), chunk_(chunk), max_chunks_(max_chunks) {}
    std::string_view name() const override { return "remind-expiring-vouchers"; }
    std::string_view summary() const override { return "remind consumers, once per credit, of alliance vouchers ending within the notice"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        int reminded = 0, chunks = 0;
        std::uint64_t after = 0;
        bool more = true;
        while (more && chunks < max_chunks_) {
            auto step = [=, notice = notice_, limit = chunk_](mysql_connection& db) { return remind_expiring_vouchers(db, now, notice, after, limit); };
            const auto done = co_await database_.transaction(std::move(step));
            reminded += done.reminded;
            after = done.last_user;
            more = done.more;
            ++chunks;
        }
        co_return job_report{.ok = true, .figures = {{"reminded", reminded}, {"chunks", chunks}, {"more", more}}};
    }

private:
    mysql_pool& database_;
    std::chrono::seconds notice_;
    int chunk_, max_chunks_;
};

class pay_alliance_dividends_job final : public job {
public:
    pay_alliance_dividends_job(mysql_pool& database, dividend_job_settings settings) : database_(database), settings_(settings) {}
    std::string_view name() const override { return "pay-alliance-dividends"; }
    std::string_view summary() const override {
        return "when the vested pool crossed its threshold, credit every holder its dividend in vouchers (resumes a dividend cut short)";
    }

    asio::awaitable<job_report> run_once(time_point now) override {
        const auto t0 = std::chrono::steady_clock::now();
        auto begin = [=](mysql_connection& db) { return start_alliance_dividend(db, now); };
        const auto start = co_await database_.transaction(std::move(begin));
        const auto t1 = std::chrono::steady_clock::now();
        if (!start.number)
            co_return job_report{.ok = true,
                                 .figures = {{"dividend", nullptr},
                                             {"pool_cp", start.pool.pool_cp},
                                             {"consumer_holders", start.pool.consumer_holders},
                                             {"threshold_cp", start.threshold_cp}}};
        const int number = *start.number;
        int chunks = 0, holders = 0;
        std::int64_t fen = 0;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        std::chrono::milliseconds waited{0};  // in all, for the figures
        bool paused = false;
        for (;;) {
            // Backpressure: the relay catches up before the next chunk adds its frames; one wait
            // longer than outbox_wait (the relay or Redis down) stops the run.
            if (settings_.outbox_backlog > 0) {
                const auto wait_start = std::chrono::steady_clock::now();
                const auto deadline = wait_start + settings_.outbox_wait;
                bool slept = false;
                for (;;) {
                    auto count = [cap = settings_.outbox_backlog](mysql_connection& db) { return pending_event_count(db, cap); };
                    if (co_await database_.run(std::move(count)) < settings_.outbox_backlog) break;
                    if (std::chrono::steady_clock::now() >= deadline) {
                        paused = true;
                        break;
                    }
                    timer.expires_after(backlog_poll);
                    co_await timer.async_wait(asio::use_awaitable);
                    slept = true;
                }
                // The time it really waited, the backlog's reads included (not the sleeps alone).
                if (slept) waited += std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wait_start);
                if (paused) break;
            }
            // Each chunk at its own time: the credits' dates and the dividend's end are when they happened.
            auto step = [=, max = settings_.chunk_lots, at = std::chrono::system_clock::now()](mysql_connection& db) {
                return run_alliance_dividend_chunk(db, number, max, at);
            };
            const auto chunk = co_await database_.transaction(std::move(step));
            if (chunk.done) break;
            ++chunks;
            holders += chunk.holders;
            fen += chunk.fen;
            if (settings_.pause.count() > 0) {
                timer.expires_after(settings_.pause);
                co_await timer.async_wait(asio::use_awaitable);
            }
        }
        const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
        co_return job_report{.ok = true,
                             .figures = {{"dividend", number},
                                         {"resumed", start.resumed},
                                         {"start_ms", ms(t1 - t0)},
                                         // Stopped waiting for the relay: the next run resumes.
                                         {"paused", paused ? json::value("outbox_backlog") : json::value(nullptr)},
                                         {"waited_ms", static_cast<std::int64_t>(waited.count())},
                                         {"chunks_ms", ms(std::chrono::steady_clock::now() - t1)},
                                         {"chunks", chunks},
                                         {"holders", holders},
                                         {"released_fen", fen}}};
    }

private:
    mysql_pool& database_;
    dividend_job_settings settings_;
};

}  // namespace

std::unique_ptr<job> make_pay_alliance_dividends_job(mysql_pool& database, dividend_job_settings settings) {
    return std::make_unique<pay_alliance_dividends_job>(database, settings);
}

std::unique_ptr<job> make_expire_alliance_vouchers_job(mysql_pool& database, int chunk_credits, int max_chunks) {
    return std::make_unique<expire_alliance_vouchers_job>(database, chunk_credits, max_chunks);
}

std::unique_ptr<job> make_remind_expiring_vouchers_job(mysql_pool& database, std::chrono::seconds notice, int chunk_users, int max_chunks) {
    return std::make_unique<remind_expiring_vouchers_job>(database, notice, chunk_users, max_chunks);
}

std::unique_ptr<job> make_release_voucher_reservations_job(mysql_pool& database, int max_reservations) {
    return std::make_unique<release_voucher_reservations_job>(database, max_reservations);
}

std::unique_ptr<job> make_issue_alliance_statements_job(mysql_pool& database) { return std::make_unique<issue_alliance_statements_job>(database); }
std::unique_ptr<job> make_issue_share_statements_job(mysql_pool& database) { return std::make_unique<issue_share_statements_job>(database); }

std::unique_ptr<job> make_vest_alliance_lots_job(mysql_pool& database, int max_orders) {
    return std::make_unique<vest_alliance_lots_job>(database, max_orders);
}

}  // namespace sharedstore
