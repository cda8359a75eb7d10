// The MariaDB pool against the real MariaDB of scripts/test.
#include "common/dependency_error.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/io_thread.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace asio = boost::asio;

namespace {

long long query_int(mysql_connection& c, const std::string& sql) {
    mysql_statement st(c.prepare(sql));
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    rs->next();
    return rs->getInt64(1);
}

class mysql_pool_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }
    mysql_config config(int pool_size) {
        auto c = test_config().mysql;
        c.pool_size = pool_size;
        return c;
    }
    captured_log log;
    io_thread io;
};

// Free functions, not capturing lambdas: a coroutine lambda's captures die with the closure,
// and these coroutines outlive the loop iteration that starts them.
asio::awaitable<long long> counted_query(mysql_pool& pool, std::atomic<int>& running, std::atomic<int>& peak, int i) {
    auto work = [&running, &peak, i](mysql_connection& c) {
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        auto v = query_int(c, "SELECT " + std::to_string(i) + " + SLEEP(0.02)");
        --running;
        return v;
    };
    co_return co_await pool.run(std::move(work));
}

asio::awaitable<long long> slow_query(mysql_pool& pool) {
    co_return co_await pool.run([](mysql_connection& c) { return query_int(c, "SELECT SLEEP(0.3)"); });
}

TEST_F(mysql_pool_test, never_runs_more_queries_at_once_than_its_size) {
    mysql_pool pool(config(3), log.log());
    std::atomic<int> running{0}, peak{0};
    std::vector<std::future<long long>> results;
    for (int i = 0; i < 24; ++i) results.push_back(asio::co_spawn(io.io(), counted_query(pool, running, peak, i), asio::use_future));
    long long sum = 0;
    for (auto& r : results) sum += r.get();
    EXPECT_EQ(sum, 23 * 24 / 2);
    EXPECT_LE(peak.load(), 3);
    EXPECT_GE(peak.load(), 1);
    EXPECT_LE(pool.stats().open, 3);
}

TEST_F(mysql_pool_test, transaction_commits_or_rolls_back_whole) {
    mysql_pool pool(config(2), log.log());
    const std::string table = "scratch_tx_" + random_hex(6);
    io.run([&]() -> asio::awaitable<void> {
        auto create = [&](mysql_connection& c) {
            c.execute("CREATE TABLE " + table + " (v INT) ENGINE=InnoDB");
        };
        co_await pool.run(std::move(create));
    }());

    EXPECT_THROW(io.run([&]() -> asio::awaitable<void> {
        auto failing = [&](mysql_connection& c) {
            mysql_statement insert(c.prepare("INSERT INTO " + table + " VALUES (?)"));
            insert->setInt(1, 1);
            insert->executeUpdate();
            throw std::runtime_error("business rule refused");
        };
        co_await pool.transaction(std::move(failing));
    }()),
                 std::runtime_error);

    io.run([&]() -> asio::awaitable<void> {
        auto inserting = [&](mysql_connection& c) {
            mysql_statement insert(c.prepare("INSERT INTO " + table + " VALUES (?)"));
            insert->setInt(1, 2);
            insert->executeUpdate();
            insert->setInt(1, 3);
            insert->executeUpdate();
        };
        co_await pool.transaction(std::move(inserting));
    }());

    auto rows = io.run([&]() -> asio::awaitable<long long> {
        auto counting = [&](mysql_connection& c) { return query_int(c, "SELECT COUNT(*) * 10 + COALESCE(SUM(v), 0) FROM " + table); };
        co_return co_await pool.run(std::move(counting));
    }());
    EXPECT_EQ(rows, 2 * 10 + 5);  // the rolled-back row 1 is absent, rows 2 and 3 are there

    io.run([&]() -> asio::awaitable<void> {
        auto drop = [&](mysql_connection& c) { c.execute("DROP TABLE " + table); };
        co_await pool.run(std::move(drop));
    }());
}

TEST_F(mysql_pool_test, sql_errors_propagate_as_sql_exceptions) {
    mysql_pool pool(config(1), log.log());
    EXPECT_THROW(io.run([&]() -> asio::awaitable<long long> {
        auto bad = [](mysql_connection& c) { return query_int(c, "SELECT no_such_column FROM no_such_table"); };
        co_return co_await pool.run(std::move(bad));
    }()),
                 sql::SQLException);
    // The connection stays usable after an ordinary SQL error.
    auto one = io.run([&]() -> asio::awaitable<long long> {
        co_return co_await pool.run([](mysql_connection& c) { return query_int(c, "SELECT 1"); });
    }());
    EXPECT_EQ(one, 1);
}

TEST_F(mysql_pool_test, reconnects_after_its_connection_is_killed) {
    mysql_pool pool(config(1), log.log());
    auto connection_id = [&]() -> asio::awaitable<long long> {
        co_return co_await pool.run([](mysql_connection& c) { return query_int(c, "SELECT CONNECTION_ID()"); });
    };
    const auto first_id = io.run(connection_id());
    auto admin = mysql_connect(test_config().mysql);
    std::unique_ptr<sql::Statement>(admin->createStatement())->execute("KILL CONNECTION " + std::to_string(first_id));

    // The next query either finds the connection dead before use (ping) or fails with 503 and the
    // one after that reconnects: never more than one failure.
    long long second_id = 0;
    int failures = 0;
    for (int attempt = 0; attempt < 2 && second_id == 0; ++attempt) {
        try {
            second_id = io.run(connection_id());
        } catch (const dependency_unavailable&) {
            ++failures;
        }
    }
    EXPECT_LE(failures, 1);
    ASSERT_NE(second_id, 0);
    EXPECT_NE(second_id, first_id);
    EXPECT_EQ(pool.stats().reconnects, 2u);
}

TEST_F(mysql_pool_test, unreachable_database_is_dependency_unavailable) {
    auto c = config(1);
    c.port = free_tcp_port();  // nothing listens there
    mysql_pool pool(c, log.log());
    EXPECT_THROW(io.run([&]() -> asio::awaitable<long long> {
        co_return co_await pool.run([](mysql_connection& c) { return query_int(c, "SELECT 1"); });
    }()),
                 dependency_unavailable);
    EXPECT_EQ(pool.stats().rejected, 1u);
    EXPECT_NE(log.text().find("mysql_connect_failed"), std::string::npos);
}

TEST_F(mysql_pool_test, full_queue_refuses_at_once) {
    auto c = config(1);
    c.queue_limit = 1;
    mysql_pool pool(c, log.log());
    std::vector<std::future<long long>> results;
    for (int i = 0; i < 4; ++i) results.push_back(asio::co_spawn(io.io(), slow_query(pool), asio::use_future));
    int refused = 0, done = 0;
    for (auto& r : results) {
        try {
            r.get();
            ++done;
        } catch (const dependency_unavailable&) {
            ++refused;
        }
    }
    // One runs, one waits, the others find the queue full.
    EXPECT_GE(refused, 2);
    EXPECT_GE(done, 1);
}

asio::awaitable<long long> sleeping_query(mysql_pool& pool, std::string seconds) {
    auto work = [seconds](mysql_connection& c) { return query_int(c, "SELECT SLEEP(" + seconds + ")"); };
    co_return co_await pool.run(std::move(work));
}

std::string refusal_of(std::future<long long>& result) {
    try {
        result.get();
    } catch (const dependency_unavailable& e) {
        return e.what();
    }
    return "answered";
}

// A job still queued when queue_timeout passes fails then, while the worker is still busy with
// the job before it (not when the worker frees up); a running job's caller stops waiting at
// job_timeout while the query goes on.
TEST_F(mysql_pool_test, a_job_fails_at_its_deadline_not_when_a_worker_frees_up) {
    auto c = config(1);
    c.queue_timeout = std::chrono::milliseconds(300);
    c.job_timeout = std::chrono::milliseconds(600);
    c.circuit_failures = 100;
    mysql_pool pool(c, log.log());
    auto running = asio::co_spawn(io.io(), sleeping_query(pool, "3"), asio::use_future);
    eventually([&] { return pool.stats().busy != 0; }, std::chrono::seconds(1), std::chrono::milliseconds(5));
    auto queued = asio::co_spawn(io.io(), sleeping_query(pool, "0"), asio::use_future);
    EXPECT_NE(refusal_of(queued).find("waited too long"), std::string::npos);
    EXPECT_EQ(pool.stats().busy, 1) << "the queued job failed only when the worker was free again";
    EXPECT_NE(refusal_of(running).find("no answer within job_timeout"), std::string::npos);
    EXPECT_EQ(pool.stats().busy, 1) << "the running job's caller waited for the query to end";
    EXPECT_EQ(pool.stats().timed_out, 2u);
}

// Timeouts in a row open the circuit: jobs then fail at once without queueing; after
// circuit_open one job probes, and its success closes the circuit (here on the one worker the
// hung queries left free, while they still run).
TEST_F(mysql_pool_test, the_circuit_opens_after_timeouts_in_a_row_and_a_probe_closes_it) {
    auto c = config(4);
    c.queue_timeout = c.job_timeout = std::chrono::milliseconds(200);
    c.circuit_failures = 3;
    c.circuit_open = std::chrono::milliseconds(1000);
    mysql_pool pool(c, log.log());
    std::vector<std::future<long long>> hung;
    for (int i = 0; i < 3; ++i) hung.push_back(asio::co_spawn(io.io(), sleeping_query(pool, "4"), asio::use_future));
    for (auto& h : hung) EXPECT_NE(refusal_of(h).find("no answer within job_timeout"), std::string::npos);
    EXPECT_TRUE(pool.stats().circuit_open);
    EXPECT_NE(log.text().find("mysql_circuit_open"), std::string::npos);
    // Open: refused without queueing, though a worker is free.
    auto refused = asio::co_spawn(io.io(), sleeping_query(pool, "0"), asio::use_future);
    EXPECT_NE(refusal_of(refused).find("circuit open"), std::string::npos);
    EXPECT_EQ(pool.stats().queued, 0);
    // Past circuit_open, the next job is the probe: it runs, and the circuit closes.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto probe = asio::co_spawn(io.io(), sleeping_query(pool, "0"), asio::use_future);
    EXPECT_EQ(refusal_of(probe), "answered");
    EXPECT_FALSE(pool.stats().circuit_open);
    // The three hung queries still run (the probe's worker may not have counted itself free yet).
    EXPECT_GE(pool.stats().busy, 3) << "closed by a hung query's late answer, not by the probe";
    EXPECT_NE(log.text().find("mysql_circuit_closed"), std::string::npos);
}

}  // namespace
