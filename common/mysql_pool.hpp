#pragma once
// MariaDB/MySQL through Connector/C++ (a blocking API) on a bounded pool of worker threads, each
// owning one connection. Coroutines `co_await pool.run(fn)`: fn runs on a worker with that
// worker's connection, never on an io_context thread. Each connection keeps its prepared
// statements (common/mysql_connection.hpp). Connections open lazily, are pinged after
// idling, and are reopened after a connection-level error; such errors and a saturated queue throw
// dependency_unavailable("mysql"). Other SQL errors propagate as sql::SQLException.
//
// A hung server must cost a caller a bounded wait, not a worker's whole read timeout: a job still
// queued after queue_timeout fails then (not when a worker frees up), and a caller stops waiting
// for a job after job_timeout even while it runs (the worker finishes or times out on its own and
// the result is dropped, so fn must own what it uses: capture by value). After circuit_failures
// such timeouts or lost connections in a row the circuit opens: every job fails at once for
// circuit_open, then one job is let through to probe, and its success closes the circuit.
#include "common/log.hpp"
#include "common/mysql_connection.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace sql {
class Connection;
}

namespace sharedstore {

class mysql_probe;

struct mysql_config {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string user;
    std::string password;
    std::string database;
    int pool_size = 8;
    int queue_limit = 1000;
    std::chrono::milliseconds queue_timeout{5000};
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds read_timeout{10000};
    std::chrono::milliseconds write_timeout{10000};
    int statement_cache_size = 256;  // prepared statements kept per connection; 0: none
    std::chrono::milliseconds job_timeout{5000};   // a caller's longest wait for one job, queued or running
    int circuit_failures = 5;                      // timeouts or lost connections in a row that open the circuit
    std::chrono::milliseconds circuit_open{2000};  // open this long, then one job probes
    std::chrono::milliseconds probe_timeout{1000}; // readiness's own connection: connect and read timeouts
};

struct mysql_pool_stats {
    int size = 0;         // worker threads = maximum connections
    int open = 0;         // connections currently open
    int busy = 0;         // workers running a job
    int queued = 0;       // jobs waiting for a worker
    std::uint64_t reconnects = 0;
    std::uint64_t rejected = 0;  // jobs refused: queue full, queue timeout, or no connection
    std::uint64_t statements_prepared = 0;  // sent to the server to prepare
    std::uint64_t statements_reused = 0;    // served prepared from a connection's cache
    std::uint64_t statements_evicted = 0;   // closed to keep a cache within its size
    std::uint64_t timed_out = 0;            // callers that stopped waiting: queue_timeout or job_timeout
    bool circuit_open = false;
};

// Must be called once in main() before any thread starts: Connector/C++'s driver singleton is
// not thread-safe to create.
void mysql_driver_init();

// Opens one connection with the configured timeouts, utf8mb4 and UTC session time zone.
// Throws sql::SQLException. The pool uses it; so does `sharedstore migrate`.
std::unique_ptr<sql::Connection> mysql_connect(const mysql_config& config);

class mysql_pool {
public:
    mysql_pool(mysql_config config, logger& log);
    ~mysql_pool();
    mysql_pool(const mysql_pool&) = delete;
    mysql_pool& operator=(const mysql_pool&) = delete;

    // Finishes queued jobs' refusals, joins the workers and closes connections.
    void stop();

    template <class Fn>
    auto run(Fn fn) -> boost::asio::awaitable<std::invoke_result_t<Fn&, mysql_connection&>> {
        using result_t = std::invoke_result_t<Fn&, mysql_connection&>;
        if constexpr (std::is_void_v<result_t>) {
            // Named, then moved: docs/coroutines.md (GCC 12 destroys a temporary in a co_await twice).
            std::function<void(mysql_connection&)> work(std::move(fn));
            co_await execute(std::move(work), false);
        } else {
            auto slot = std::make_shared<std::optional<result_t>>();
            std::function<void(mysql_connection&)> work = [fn = std::move(fn), slot](mysql_connection& c) mutable {
                slot->emplace(fn(c));
            };
            co_await execute(std::move(work), false);
            co_return std::move(**slot);
        }
    }

    // Like run(), inside one transaction: committed when fn returns, rolled back when it throws.
    // A deadlock's victim is run again from the start (up to 4 runs in all, after a short,
    // staggered pause); with `rerun_on_duplicate_key`, so is a transaction that hit a unique key:
    // the idempotent writes, where two copies of one request raced and the loser, run again, finds
    // the winner's row and answers as a replay.
    enum class conflicts { rerun_deadlocks, rerun_on_duplicate_key };
    static constexpr int duplicate_key_error = 1062, deadlock_error = 1213;  // MariaDB's error numbers
    template <class Fn>
    auto transaction(Fn fn, conflicts policy = conflicts::rerun_deadlocks)
        -> boost::asio::awaitable<std::invoke_result_t<Fn&, mysql_connection&>> {
        using result_t = std::invoke_result_t<Fn&, mysql_connection&>;
        const bool rerun_duplicates = policy == conflicts::rerun_on_duplicate_key;
        if constexpr (std::is_void_v<result_t>) {
            // Named, then moved: docs/coroutines.md (GCC 12 destroys a temporary in a co_await twice).
            std::function<void(mysql_connection&)> work(std::move(fn));
            co_await execute(std::move(work), true, rerun_duplicates);
        } else {
            auto slot = std::make_shared<std::optional<result_t>>();
            std::function<void(mysql_connection&)> work = [fn = std::move(fn), slot](mysql_connection& c) mutable {
                slot->emplace(fn(c));
            };
            co_await execute(std::move(work), true, rerun_duplicates);
            co_return std::move(**slot);
        }
    }

    mysql_pool_stats stats() const;
    const mysql_config& config() const { return config_; }

    // Readiness: MariaDB answers on a connection of its own within `patience` ("ok"), or
    // "slow", or "unavailable" (mysql_probe).
    boost::asio::awaitable<std::string> check_ready(std::chrono::milliseconds patience);

    // One caller's wait for a job, shared by the worker and the caller's deadline timer.
    struct waiter;

private:
    struct job {
        std::function<void(mysql_connection&)> work;
        std::shared_ptr<waiter> caller;
        bool in_transaction = false;
        bool rerun_on_duplicate = false;
        std::chrono::steady_clock::time_point enqueued;
    };
    struct worker_state;
    struct deadlines;
    enum class outcome { success, timeout, connection_failure };

    boost::asio::awaitable<void> execute(std::function<void(mysql_connection&)> work, bool in_transaction, bool rerun_on_duplicate = false);
    void enqueue(job j);
    void on_deadline(const std::shared_ptr<waiter>& caller);
    // Counts toward opening (or closing) the circuit; returns the jobs to refuse if it opened.
    std::deque<job> record(outcome result);
    void worker_loop(worker_state& state);
    void run_job(worker_state& state, job& j);

    mysql_config config_;
    logger& log_;
    // First member, so destroyed last: every waiter's timer lives on it, and the last reference to
    // a waiter may be dropped anywhere (a worker, a caller, a queued job).
    std::unique_ptr<deadlines> deadlines_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    bool stopping_ = false;
    int busy_ = 0;
    int open_ = 0;
    std::uint64_t reconnects_ = 0;
    std::uint64_t rejected_ = 0;
    std::uint64_t timed_out_ = 0;
    // The circuit, under mutex_.
    int failures_in_a_row_ = 0;
    bool circuit_open_ = false;
    bool probing_ = false;
    std::chrono::steady_clock::time_point open_until_{};
    mysql_statement_counters statements_;
    std::vector<std::unique_ptr<worker_state>> workers_;
    std::unique_ptr<mysql_probe> probe_;
};

}  // namespace sharedstore
