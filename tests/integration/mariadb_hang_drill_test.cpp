// Fault drill (ctest label "fault"): MariaDB hangs, SIGSTOPped for 15 s under POS traffic, on a
// MariaDB of the drill's own (the shared one serves the other tests meanwhile). A hung database
// must cost bounded waits, as a dead one does: /readyz answers 503 within a second throughout and
// says MariaDB is slow, every POS callback is answered within queue_timeout_ms (503 with
// Retry-After while MariaDB hangs), and after SIGCONT every order is applied once.
#include "common/clock.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr auto queue_timeout = 2000ms;
// Readiness promises an answer within a second; POS callbacks within queue_timeout. What is
// asserted adds room for a loaded 2-core machine on top of the server's own bounds (readiness
// waits 500 ms for MariaDB; a query's budget is job_timeout_ms = queue_timeout here).
constexpr auto readiness_bound = 1000ms;
constexpr auto pos_margin = 1500ms;

class mariadb_hang_drill : public store_api_test {
protected:
    // Per test, not per suite: a failure to set up must fail the test (gtest only skips it when
    // SetUpTestSuite throws).
    void SetUp() override {
        mariadb = new mariadb_server_process();
        redis = new redis_server_process();
        create_scratch_database("hang", mariadb->port());
        const auto ms = std::to_string(queue_timeout.count());
        start(false, {{"SHAREDSTORE_REDIS_PORT", std::to_string(redis->port())},
                      {"SHAREDSTORE_MYSQL_PORT", std::to_string(mariadb->port())},
                      {"SHAREDSTORE_MYSQL_DATABASE", scratch_database},
                      {"SHAREDSTORE_MYSQL_QUEUE_TIMEOUT_MS", ms},
                      {"SHAREDSTORE_MYSQL_JOB_TIMEOUT_MS", ms},
                      {"SHAREDSTORE_PUSH_RELAY_INTERVAL_MS", std::string("20")}});
    }
    void TearDown() override {
        if (server) stop();
        if (mariadb) mariadb->resume();
        drop_scratch_database();
        delete redis;
        delete mariadb;
        redis = nullptr;
        mariadb = nullptr;
    }
    static inline mariadb_server_process* mariadb = nullptr;
    static inline redis_server_process* redis = nullptr;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST_F(mariadb_hang_drill, mariadb_stopped_for_fifteen_seconds_under_traffic) {
    auto s = open_store();
    auto key = make_pos_key(s);
    auto owner = enrol(s);
    auto customer = sign_in();
    ASSERT_EQ(claim(customer, owner.share_code), "claimed");
    std::this_thread::sleep_for(1100ms);  // orders dated after the claim's second

    const auto t0 = std::chrono::steady_clock::now();
    std::atomic<double> paused_at{1e9}, resumed_at{1e9};
    std::atomic<bool> done{false};

    struct readiness_probe {
        double started = 0, took_ms = 0;
        int status = 0;
        std::string mysql;
    };
    std::mutex mutex;
    std::vector<readiness_probe> probes;
    std::thread readiness([&] {
        while (!done) {
            readiness_probe p;
            p.started = seconds_since(t0);
            const auto start = std::chrono::steady_clock::now();
            try {
                auto reply = http_call(server->port(), "GET", "/readyz");
                p.status = reply.status;
                const auto body = reply.json();
                const auto* checks = body.is_object() ? body.as_object().if_contains("checks") : nullptr;
                if (checks && checks->is_object())
                    if (const auto* m = checks->as_object().if_contains("mysql"); m && m->is_string()) p.mysql = std::string(m->as_string());
            } catch (const std::exception&) {
                p.status = 0;  // no whole answer (the client gives up after 10 s)
            }
            p.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            {
                std::lock_guard lock(mutex);
                probes.push_back(p);
            }
            std::this_thread::sleep_for(200ms);
        }
    });
    std::thread chaos([&] {
        std::this_thread::sleep_until(t0 + 4s);
        mariadb->pause();
        paused_at = seconds_since(t0);
        std::this_thread::sleep_until(t0 + 19s);
        // Taken before SIGCONT: on a loaded machine this thread may be descheduled right after
        // it, and a probe answered by the resumed MariaDB must not count as one while hung.
        resumed_at = seconds_since(t0);
        mariadb->resume();
    });

    // POS orders at 8/s for 24 s, each sent again under its merchant_order_id until accepted,
    // as a front desk does.
    struct attempt {
        double started = 0, took_ms = 0;
        int status = 0;
        bool retry_after = false;
    };
    std::vector<attempt> attempts;
    long long sent = 0, accepted = 0;
    constexpr double rate = 8;
    for (int i = 0; i < 192; ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::microseconds(static_cast<long long>(1e6 * i / rate)));
        const json::object body{{"merchant_order_id", "H-" + std::to_string(i)}, {"user_id", customer.id}, {"amount_fen", 60'000 + i},
                                {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
        ++sent;
        for (int tries = 0; tries < 200; ++tries) {
            attempt a;
            a.started = seconds_since(t0);
            const auto start = std::chrono::steady_clock::now();
            try {
                auto reply = pos_call(key, "/api/v1/pos/orders", body);
                a.status = reply.status;
                a.retry_after = !reply.header("retry-after").empty();
            } catch (const std::exception&) {
                a.status = 0;
            }
            a.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            attempts.push_back(a);
            if (a.status == 200 || a.status == 201) {
                ++accepted;
                break;
            }
            std::this_thread::sleep_for(100ms);
        }
    }
    chaos.join();
    // Ready again once MariaDB answers.
    bool ready_again = false;
    for (int i = 0; i < 100 && !ready_again; ++i) {
        ready_again = http_call(server->port(), "GET", "/readyz").status == 200;
        if (!ready_again) std::this_thread::sleep_for(100ms);
    }
    done = true;
    readiness.join();

    // Readiness: every probe answered within the bound; those while MariaDB hung said 503 and why.
    double slowest_probe = 0, slowest_hung_probe = 0;
    int hung_probes = 0, hung_not_503 = 0, probes_late = 0;
    for (const auto& p : probes) {
        slowest_probe = std::max(slowest_probe, p.took_ms);
        if (p.took_ms >= static_cast<double>(readiness_bound.count())) ++probes_late;
        if (p.started < paused_at + 0.5 || p.started + p.took_ms / 1000 > resumed_at) continue;
        ++hung_probes;
        slowest_hung_probe = std::max(slowest_hung_probe, p.took_ms);
        if (p.status != 503 || (p.mysql != "slow" && p.mysql != "unavailable")) {
            ++hung_not_503;
            std::printf("probe while hung: started %.2f s, took %.0f ms, status %d, mysql \"%s\"\n", p.started, p.took_ms, p.status, p.mysql.c_str());
        }
    }
    // POS callbacks: every attempt answered within queue_timeout (plus margin); refusals are 503
    // with Retry-After.
    double slowest_attempt = 0;
    int refused = 0, refused_without_retry_after = 0, attempts_late = 0, unanswered = 0, other_status = 0;
    for (const auto& a : attempts) {
        slowest_attempt = std::max(slowest_attempt, a.took_ms);
        if (a.took_ms > static_cast<double>((queue_timeout + pos_margin).count())) ++attempts_late;
        if (a.status == 0) ++unanswered;
        if (a.status == 503) {
            ++refused;
            if (!a.retry_after) ++refused_without_retry_after;
        } else if (a.status != 200 && a.status != 201 && a.status != 0) {
            ++other_status;
        }
    }
    std::printf("drill mariadb-hang: MariaDB stopped %.1f s - %.1f s; orders sent %lld, accepted %lld; POS attempts %zu, 503 %d "
                "(without Retry-After %d), unanswered %d, slowest %.0f ms (bound %lld ms); readiness probes %zu (%d while hung), slowest %.0f ms, "
                "slowest while hung %.0f ms, while hung not 503 %d\n",
                paused_at.load(), resumed_at.load(), sent, accepted, attempts.size(), refused, refused_without_retry_after, unanswered, slowest_attempt,
                static_cast<long long>((queue_timeout + pos_margin).count()), probes.size(), hung_probes, slowest_probe, slowest_hung_probe,
                hung_not_503);

    EXPECT_EQ(accepted, sent) << "an order was never accepted";
    EXPECT_GT(refused, 0) << "no POS callback met the hung database: the drill tested nothing";
    EXPECT_EQ(attempts_late, 0) << "POS callbacks answered later than queue_timeout_ms; slowest " << slowest_attempt << " ms";
    EXPECT_EQ(unanswered, 0);
    EXPECT_EQ(other_status, 0);
    EXPECT_EQ(refused_without_retry_after, 0);
    EXPECT_GE(hung_probes, 20) << "readiness was hardly probed while MariaDB hung";
    EXPECT_EQ(probes_late, 0) << "/readyz took " << slowest_probe << " ms";
    EXPECT_EQ(hung_not_503, 0) << "/readyz did not say 503 (mysql slow) while MariaDB hung";
    EXPECT_TRUE(ready_again) << "/readyz not 200 within 10 s of SIGCONT";

    // Every order applied once: one paid order per merchant_order_id, one dividend each, and the
    // ledger's invariants hold.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE merchant_order_id LIKE 'H-%' AND status = 'paid'"), sent);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders o WHERE o.merchant_order_id LIKE 'H-%' AND "
                     "(SELECT COUNT(*) FROM dividends d WHERE d.order_id = o.id) <> 1"),
              0)
        << "an order without exactly one dividend";
    child_process check({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()},
                        {{"SHAREDSTORE_MYSQL_DATABASE", scratch_database}, {"SHAREDSTORE_MYSQL_PORT", std::to_string(mariadb->port())}},
                        make_temp_dir("check-ledger") + "/out.log");
    EXPECT_EQ(check.wait_exit(60s), 0) << check.output();
}

}  // namespace
