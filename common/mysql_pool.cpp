#include "common/mysql_pool.hpp"

#include "common/dependency_error.hpp"
#include "common/mysql_probe.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <thread>

namespace sharedstore {

namespace asio = boost::asio;

void mysql_driver_init() { sql::mysql::get_mysql_driver_instance(); }

// The callers' deadlines run on a thread and io_context of the pool's own, not on the callers'
// executors: a waiter (and its timer) may be destroyed on a worker after the caller's io_context
// is gone (a test's private one, or a server shutting down), and a timer must not outlive its
// io_context. One thread: on_deadline and the posted cancels never run at once.
struct mysql_pool::deadlines {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> keep{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
    // Deadlines still armed then belong to answered callers: dropped, never run.
    void stop() {
        keep.reset();
        io.stop();
        if (thread.joinable()) thread.join();
    }
    ~deadlines() { stop(); }
};

struct mysql_pool::waiter : std::enable_shared_from_this<waiter> {
    explicit waiter(asio::io_context::executor_type executor) : timer(executor) {}
    // The first of the worker and the deadline wins; false when the caller was answered already.
    bool finish(std::exception_ptr error) {
        std::function<void(std::exception_ptr)> taken;
        {
            std::lock_guard lock(mutex);
            if (!resume) return false;
            taken.swap(resume);
        }
        taken(error);
        // The deadline is moot: cancelled on the deadline thread, the only place the timer is touched.
        asio::post(timer.get_executor(), [self = shared_from_this()] { self->timer.cancel(); });
        return true;
    }

    std::mutex mutex;  // taken before the pool's mutex_, never after
    std::function<void(std::exception_ptr)> resume;  // empty once answered
    asio::steady_timer timer;
    std::chrono::steady_clock::time_point enqueued;
};

struct mysql_pool::worker_state {
    std::thread thread;
    std::unique_ptr<mysql_connection> connection;
    std::chrono::steady_clock::time_point last_used{};
};

namespace {

// Client error codes that mean the connection itself is gone or unusable (CR_* in errmsg.h).
bool is_connection_error(const sql::SQLException& e) {
    switch (e.getErrorCode()) {
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 1053:  // ER_SERVER_SHUTDOWN
        return true;
    default:
        break;
    }
    const std::string state = e.getSQLStateCStr();
    return state.rfind("08", 0) == 0;
}

constexpr auto idle_ping_after = std::chrono::seconds(1);

}  // namespace

mysql_pool::mysql_pool(mysql_config config, logger& log)
    : config_(std::move(config)), log_(log), deadlines_(std::make_unique<deadlines>()) {
    if (config_.pool_size < 1) config_.pool_size = 1;
    workers_.reserve(config_.pool_size);
    for (int i = 0; i < config_.pool_size; ++i) {
        auto state = std::make_unique<worker_state>();
        auto* raw = state.get();
        workers_.push_back(std::move(state));
        raw->thread = std::thread([this, raw] { worker_loop(*raw); });
    }
    probe_ = std::make_unique<mysql_probe>(config_, config_.probe_timeout, log_);
}

mysql_pool::~mysql_pool() { stop(); }

void mysql_pool::stop() {
    std::deque<job> abandoned;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
        abandoned.swap(queue_);
    }
    wake_.notify_all();
    for (auto& j : abandoned) j.caller->finish(std::make_exception_ptr(dependency_unavailable("mysql", "mysql: pool stopped")));
    for (auto& w : workers_)
        if (w->thread.joinable()) w->thread.join();
    // After the workers: a deadline may still be answering a job (on_deadline uses the pool).
    deadlines_->stop();
}

mysql_pool_stats mysql_pool::stats() const {
    std::lock_guard lock(mutex_);
    return {config_.pool_size,
            open_,
            busy_,
            static_cast<int>(queue_.size()),
            reconnects_,
            rejected_,
            statements_.prepared.load(std::memory_order_relaxed),
            statements_.reused.load(std::memory_order_relaxed),
            statements_.evicted.load(std::memory_order_relaxed),
            timed_out_,
            circuit_open_};
}

asio::awaitable<std::string> mysql_pool::check_ready(std::chrono::milliseconds patience) {
    auto answer = co_await probe_->check(patience);
    co_return answer;
}

asio::awaitable<void> mysql_pool::execute(std::function<void(mysql_connection&)> work, bool in_transaction, bool rerun_on_duplicate) {
    // Named, then moved: docs/coroutines.md explains why no temporary may sit in a co_await.
    auto initiation = [this, work = std::move(work), in_transaction, rerun_on_duplicate](auto handler) mutable {
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        auto handler_executor = asio::get_associated_executor(*shared_handler);
        auto caller = std::make_shared<waiter>(deadlines_->io.get_executor());
        // The operation is outstanding work on the caller's executor until it is answered, so
        // that the caller's io_context keeps running while a worker holds the job.
        auto working = asio::make_work_guard(handler_executor);
        caller->resume = [shared_handler, handler_executor, working](std::exception_ptr error) {
            // Resume the coroutine on its own executor, not on the database worker.
            asio::post(handler_executor, [shared_handler, error]() mutable { std::move(*shared_handler)(error); });
        };
        job j;
        j.work = std::move(work);
        j.in_transaction = in_transaction;
        j.rerun_on_duplicate = rerun_on_duplicate;
        j.caller = std::move(caller);
        enqueue(std::move(j));
    };
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(std::move(initiation),
                                                                                            asio::use_awaitable);
}

namespace {
std::exception_ptr unavailable(const char* why) { return std::make_exception_ptr(dependency_unavailable("mysql", std::string("mysql: ") + why)); }
}  // namespace

void mysql_pool::enqueue(job j) {
    const auto now = std::chrono::steady_clock::now();
    j.enqueued = now;
    auto caller = j.caller;
    caller->enqueued = now;
    // Armed before a worker can see the job: until then nothing else touches the timer.
    caller->timer.expires_at(now + std::min(config_.queue_timeout, config_.job_timeout));
    caller->timer.async_wait([this, weak = std::weak_ptr<waiter>(caller)](boost::system::error_code ec) {
        if (auto c = weak.lock(); c && !ec) on_deadline(c);
    });
    std::exception_ptr refusal;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            refusal = unavailable("pool stopped");
        } else if (circuit_open_ && (now < open_until_ || probing_)) {
            ++rejected_;
            refusal = unavailable("circuit open after repeated timeouts");
        } else if (static_cast<int>(queue_.size()) >= config_.queue_limit) {
            ++rejected_;
            refusal = unavailable("too many queued queries");
        } else {
            if (circuit_open_) probing_ = true;  // this job is the probe
            queue_.push_back(std::move(j));
            wake_.notify_one();
        }
    }
    if (refusal) caller->finish(refusal);
}

void mysql_pool::on_deadline(const std::shared_ptr<waiter>& caller) {
    // On the deadline thread. The waiter's lock is held throughout, so that stop() (which answers
    // every waiter before the pool goes) cannot finish while this still uses the pool.
    std::function<void(std::exception_ptr)> resume;
    std::exception_ptr error;
    std::deque<job> refused;
    {
        std::lock_guard caller_lock(caller->mutex);
        if (!caller->resume) return;
        bool was_queued = false;
        {
            std::lock_guard lock(mutex_);
            auto it = std::find_if(queue_.begin(), queue_.end(), [&](const job& j) { return j.caller == caller; });
            if (it != queue_.end()) {
                queue_.erase(it);
                was_queued = true;
                ++rejected_;
            }
        }
        const auto budget_end = caller->enqueued + config_.job_timeout;
        if (!was_queued && std::chrono::steady_clock::now() < budget_end) {
            // Running, within job_timeout: wait for the rest of it.
            caller->timer.expires_at(budget_end);
            caller->timer.async_wait([this, weak = std::weak_ptr<waiter>(caller)](boost::system::error_code ec) {
                if (auto c = weak.lock(); c && !ec) on_deadline(c);
            });
            return;
        }
        resume.swap(caller->resume);
        // Still running: the worker finishes (or meets read_timeout) alone and its result is dropped.
        error = unavailable(was_queued ? "waited too long for a connection" : "no answer within job_timeout");
        {
            std::lock_guard lock(mutex_);
            ++timed_out_;
        }
        refused = record(outcome::timeout);
    }
    resume(error);
    for (auto& j : refused) j.caller->finish(unavailable("circuit open after repeated timeouts"));
}

std::deque<mysql_pool::job> mysql_pool::record(outcome result) {
    std::deque<job> refused;
    std::lock_guard lock(mutex_);
    if (result == outcome::success) {
        failures_in_a_row_ = 0;
        if (circuit_open_) {
            circuit_open_ = probing_ = false;
            log_.info("mysql_circuit_closed", {});
        }
        return refused;
    }
    ++failures_in_a_row_;
    const auto now = std::chrono::steady_clock::now();
    if (circuit_open_) {
        // The probe (or a job from before the circuit opened) failed: open a while longer.
        open_until_ = now + config_.circuit_open;
        probing_ = false;
        return refused;
    }
    if (failures_in_a_row_ < config_.circuit_failures) return refused;
    circuit_open_ = true;
    open_until_ = now + config_.circuit_open;
    // What waits would only time out in turn: refused now, as new jobs are while open.
    refused.swap(queue_);
    rejected_ += refused.size();
    log_.warn("mysql_circuit_open", {{"failures_in_a_row", failures_in_a_row_},
                                     {"open_ms", static_cast<std::int64_t>(config_.circuit_open.count())},
                                     {"queued_refused", refused.size()}});
    return refused;
}

void mysql_pool::worker_loop(worker_state& state) {
    for (;;) {
        job j;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) break;
            j = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        run_job(state, j);
        std::lock_guard lock(mutex_);
        --busy_;
    }
    if (state.connection) {
        state.connection.reset();
        std::lock_guard lock(mutex_);
        --open_;
    }
}

std::unique_ptr<sql::Connection> mysql_connect(const mysql_config& config_) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("tcp://" + config_.host + ":" + std::to_string(config_.port));
    options["userName"] = sql::SQLString(config_.user);
    options["password"] = sql::SQLString(config_.password);
    options["schema"] = sql::SQLString(config_.database);
    // Connector/C++ wants whole seconds; a coroutine cannot interrupt a blocking call, so these
    // timeouts are what bounds a hung server.
    auto seconds = [](std::chrono::milliseconds ms) { return static_cast<int>(std::max<long long>(1, (ms.count() + 999) / 1000)); };
    options["OPT_CONNECT_TIMEOUT"] = seconds(config_.connect_timeout);
    options["OPT_READ_TIMEOUT"] = seconds(config_.read_timeout);
    options["OPT_WRITE_TIMEOUT"] = seconds(config_.write_timeout);
    options["OPT_RECONNECT"] = false;  // a silent reconnect would lose session state mid-transaction
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    std::unique_ptr<sql::Connection> connection(sql::mysql::get_mysql_driver_instance()->connect(options));
    // Times are stored and compared in UTC; the API converts to the store's zone.
    std::unique_ptr<sql::Statement> st(connection->createStatement());
    st->execute("SET time_zone = '+00:00'");
    return connection;
}

void mysql_pool::run_job(worker_state& state, job& j) {
    const auto now = std::chrono::steady_clock::now();
    auto answer = [&](std::exception_ptr error, outcome result) {
        auto refused = record(result);
        j.caller->finish(error);
        for (auto& other : refused) other.caller->finish(unavailable("circuit open after repeated timeouts"));
    };
    auto refuse = [&](const std::string& why, outcome result) {
        {
            std::lock_guard lock(mutex_);
            ++rejected_;
        }
        answer(std::make_exception_ptr(dependency_unavailable("mysql", "mysql: " + why)), result);
    };
    if (now - j.enqueued > config_.queue_timeout) {
        refuse("waited too long for a connection", outcome::timeout);  // its deadline is on its way
        return;
    }
    auto drop_connection = [&] {
        if (!state.connection) return;
        state.connection.reset();  // its statements, then the connection itself
        std::lock_guard lock(mutex_);
        --open_;
    };
    // A connection idle for a while may have been closed by the server (restart, wait_timeout).
    if (state.connection && now - state.last_used > idle_ping_after) {
        bool valid = false;
        try {
            valid = state.connection->native().isValid();
        } catch (...) {
        }
        if (!valid) drop_connection();
    }
    if (!state.connection) {
        try {
            state.connection = std::make_unique<mysql_connection>(mysql_connect(config_),
                                                                  static_cast<std::size_t>(std::max(0, config_.statement_cache_size)), &statements_);
            std::lock_guard lock(mutex_);
            ++open_;
            ++reconnects_;
        } catch (const sql::SQLException& e) {
            log_.warn("mysql_connect_failed", {{"error_code", e.getErrorCode()}, {"error", e.what()}});
            refuse("cannot connect", outcome::connection_failure);
            return;
        }
    }
    state.last_used = now;
    mysql_connection& connection = *state.connection;
    sql::Connection& native = connection.native();
    std::exception_ptr error;
    auto result = outcome::success;  // an SQL error is the job's, not the server's
    try {
        if (j.in_transaction) {
            // InnoDB rolls a deadlock's victim back whole; running the transaction again is the
            // documented answer, and every job is a function of the database alone.
            // Four runs at most; before a deadlock's rerun, a short pause that grows and differs
            // between workers, so two victims of one cycle do not meet again at once.
            constexpr int attempts = 4;
            for (int attempt = 1;; ++attempt) {
                native.setAutoCommit(false);
                try {
                    j.work(connection);
                    native.commit();
                    native.setAutoCommit(true);
                    break;
                } catch (...) {
                    try {
                        native.rollback();
                    } catch (...) {
                    }
                    native.setAutoCommit(true);
                    try {
                        throw;
                    } catch (const sql::SQLException& e) {
                        const bool duplicate = j.rerun_on_duplicate && e.getErrorCode() == duplicate_key_error;
                        if ((e.getErrorCode() != deadlock_error && !duplicate) || attempt == attempts) throw;
                        log_.info(duplicate ? "mysql_duplicate_rerun" : "mysql_deadlock_retried", {{"attempt", attempt}});
                        if (!duplicate) {
                            const auto spread = std::chrono::steady_clock::now().time_since_epoch().count() % 5;
                            std::this_thread::sleep_for(std::chrono::milliseconds((2 + spread) * attempt));
                        }
                    }
                }
            }
        } else {
            j.work(connection);
        }
    } catch (const sql::SQLException& e) {
        if (is_connection_error(e)) {
            log_.warn("mysql_connection_lost", {{"error_code", e.getErrorCode()}, {"error", e.what()}});
            drop_connection();
            error = std::make_exception_ptr(dependency_unavailable("mysql", "mysql: connection lost"));
            result = outcome::connection_failure;
        } else {
            error = std::current_exception();
        }
    } catch (...) {
        error = std::current_exception();
    }
    state.last_used = std::chrono::steady_clock::now();
    answer(error, result);
}

}  // namespace sharedstore
