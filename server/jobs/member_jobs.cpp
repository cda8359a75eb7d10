#include "server/jobs/member_jobs.hpp"

#include "server/services/member_journey.hpp"
#include "server/storage/member_repository.hpp"

namespace sharedstore {

namespace {

using time_point = std::chrono::system_clock::time_point;
namespace asio = boost::asio;

class vest_member_orders_job final : public job {
public:
    vest_member_orders_job(mysql_pool& database, int max_orders) : database_(database), max_(max_orders) {}
    std::string_view name() const override { return "vest-member-orders"; }
    std::string_view summary() const override { return "grant growth, vest points and make customers of orders past their refund window"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [=, max = max_](mysql_connection& db) { return list_orders_to_vest(db, now, max); };
        auto ids = co_await database_.run(std::move(list));
        int vested = 0;
        for (const auto id : ids) {
            auto vest = [=](mysql_connection& db) { return vest_member_order(db, id, now); };
            if (co_await database_.transaction(std::move(vest))) ++vested;
        }
        co_return job_report{.ok = true, .figures = {{"orders", vested}, {"more", static_cast<int>(ids.size()) == max_}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

class expire_member_points_job final : public job {
public:
    expire_member_points_job(mysql_pool& database, int max_lots) : database_(database), max_(max_lots) {}
    std::string_view name() const override { return "expire-member-points"; }
    std::string_view summary() const override { return "expire member points past their validity; remind of points expiring within 30 days"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [=, max = max_](mysql_connection& db) {
            return std::pair{list_expired_lots(db, now, max), list_lots_to_remind(db, now, now + std::chrono::days(30), max)};
        };
        auto [expired, soon] = co_await database_.run(std::move(list));
        int expired_lots = 0, reminded = 0;
        for (const auto& lot : expired) {
            auto expire = [=, id = lot.id](mysql_connection& db) { return expire_point_lot(db, id, now); };
            if (co_await database_.transaction(std::move(expire))) ++expired_lots;
        }
        for (const auto& lot : soon) {
            auto remind = [=, id = lot.id](mysql_connection& db) { return remind_point_lot(db, id, now); };
            if (co_await database_.transaction(std::move(remind))) ++reminded;
        }
        co_return job_report{.ok = true, .figures = {{"expired_lots", expired_lots}, {"reminded_lots", reminded}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

class member_level_retention_job final : public job {
public:
    member_level_retention_job(mysql_pool& database, int max_members) : database_(database), max_(max_members) {}
    std::string_view name() const override { return "member-level-retention"; }
    std::string_view summary() const override { return "members a year at their level keep it (retention growth met) or drop one level"; }

    asio::awaitable<job_report> run_once(time_point now) override {
        auto list = [=, max = max_](mysql_connection& db) { return list_profiles_due_retention(db, now - retention_period, max); };
        auto due = co_await database_.run(std::move(list));
        int kept = 0, dropped = 0;
        // No structured bindings here: GCC 12 miscompiles them inside coroutines.
        for (const auto& person : due) {
            const auto m = person.first, u = person.second;
            auto check = [=](mysql_connection& db) { return check_member_retention(db, m, u, now); };
            const auto outcome = co_await database_.transaction(std::move(check));
            if (outcome == retention_outcome::kept) ++kept;
            if (outcome == retention_outcome::dropped) ++dropped;
        }
        co_return job_report{.ok = true, .figures = {{"kept", kept}, {"dropped", dropped}}};
    }

private:
    mysql_pool& database_;
    int max_;
};

}  // namespace

std::unique_ptr<job> make_vest_member_orders_job(mysql_pool& database, int max_orders) {
    return std::make_unique<vest_member_orders_job>(database, max_orders);
}
std::unique_ptr<job> make_expire_member_points_job(mysql_pool& database, int max_lots) {
    return std::make_unique<expire_member_points_job>(database, max_lots);
}
std::unique_ptr<job> make_member_level_retention_job(mysql_pool& database, int max_members) {
    return std::make_unique<member_level_retention_job>(database, max_members);
}

}  // namespace sharedstore
