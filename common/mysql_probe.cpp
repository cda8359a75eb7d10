#include "common/mysql_probe.hpp"

#include "common/within.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace sharedstore {

namespace asio = boost::asio;

mysql_probe::mysql_probe(mysql_config config, std::chrono::milliseconds timeout, logger& log) : config_(std::move(config)), log_(log) {
    config_.connect_timeout = config_.read_timeout = config_.write_timeout = timeout;
    thread_ = std::thread([this] { loop(); });
}

mysql_probe::~mysql_probe() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    for (auto& w : waiting_) w("unavailable");
}

asio::awaitable<std::string> mysql_probe::check(std::chrono::milliseconds patience) {
    auto pinging = ping();  // named, then moved: docs/coroutines.md
    auto answer = co_await within(patience, std::move(pinging));
    co_return answer ? *answer : std::string("slow");
}

asio::awaitable<std::string> mysql_probe::ping() {
    auto initiation = [this](auto handler) {
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        auto executor = asio::get_associated_executor(*shared_handler);
        // Outstanding work on the caller's executor until answered (the probe thread answers).
        std::function<void(std::string)> done = [shared_handler, executor, working = asio::make_work_guard(executor)](std::string result) {
            asio::post(executor, [shared_handler, result = std::move(result)]() mutable { std::move(*shared_handler)(std::move(result)); });
        };
        {
            std::lock_guard lock(mutex_);
            if (!stopping_) {
                waiting_.push_back(std::move(done));
                requested_ = true;
                wake_.notify_one();
                return;
            }
        }
        done("unavailable");
    };
    auto result = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::string)>(std::move(initiation), asio::use_awaitable);
    co_return result;
}

void mysql_probe::loop() {
    std::string last = "ok";
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || requested_; });
            if (stopping_) break;
            requested_ = false;
        }
        std::string result = "ok";
        try {
            if (!connection_) connection_ = mysql_connect(config_);
            std::unique_ptr<sql::Statement> st(connection_->createStatement());
            std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 1"));
            if (!rs->next() || rs->getInt(1) != 1) result = "unexpected answer";
        } catch (const std::exception& e) {
            result = "unavailable";
            connection_.reset();  // whatever went wrong, the next ping starts afresh
            if (last == "ok") log_.warn("mysql_probe_failed", {{"error", e.what()}});
        }
        last = result;
        std::vector<std::function<void(std::string)>> answered;
        {
            std::lock_guard lock(mutex_);
            answered.swap(waiting_);
        }
        for (auto& w : answered) w(result);
    }
    connection_.reset();
}

}  // namespace sharedstore
