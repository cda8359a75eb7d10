#pragma once
// Waiting for an awaitable with patience: `co_await within(patience, work)` gives its value, or
// nullopt once `patience` has passed. The work is not cancelled (Redis commands, blocking MariaDB
// calls cannot be): it runs to its own end on the caller's executor and its value is dropped, so
// it must own what it uses. Readiness answers "slow" this way instead of hanging with the
// dependency.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace sharedstore {

namespace within_detail {

template <class T, class Handler>
struct race {
    explicit race(boost::asio::any_io_executor executor, Handler h)
        : timer(boost::asio::make_strand(executor)), handler(std::move(h)) {}
    // The first of the work and the timer wins; the handler runs on its own executor.
    void finish(std::optional<T> value) {
        std::optional<Handler> taken;
        {
            std::lock_guard lock(mutex);
            if (!handler) return;
            taken.emplace(std::move(*handler));
            handler.reset();
        }
        auto executor = boost::asio::get_associated_executor(*taken, timer.get_executor());
        boost::asio::post(executor, [h = std::move(*taken), value = std::move(value)]() mutable { std::move(h)(std::move(value)); });
    }
    std::mutex mutex;
    // Touched only on its strand once the wait is started (the cancel is posted there).
    boost::asio::steady_timer timer;
    std::optional<Handler> handler;
};

template <class T, class Handler>
boost::asio::awaitable<void> run_work(std::shared_ptr<race<T, Handler>> state, boost::asio::awaitable<T> work) {
    std::optional<T> value;
    try {
        value = co_await std::move(work);
    } catch (...) {
        // A failure is the work's to turn into a value; here it only ends the wait.
    }
    state->finish(std::move(value));
    boost::asio::post(state->timer.get_executor(), [state] { state->timer.cancel(); });
}

}  // namespace within_detail

template <class T>
boost::asio::awaitable<std::optional<T>> within(std::chrono::milliseconds patience, boost::asio::awaitable<T> work) {
    auto executor = co_await boost::asio::this_coro::executor;
    // Named, then moved: docs/coroutines.md (GCC 12 destroys a temporary in a co_await twice).
    auto initiation = [executor, patience, work = std::move(work)](auto handler) mutable {
        using state_t = within_detail::race<T, decltype(handler)>;
        auto state = std::make_shared<state_t>(executor, std::move(handler));
        state->timer.expires_after(patience);
        state->timer.async_wait([state](boost::system::error_code ec) {
            if (!ec) state->finish(std::nullopt);
        });
        boost::asio::co_spawn(executor, within_detail::run_work<T>(state, std::move(work)), boost::asio::detached);
    };
    auto value = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::optional<T>)>(std::move(initiation),
                                                                                                                  boost::asio::use_awaitable);
    co_return value;
}

}  // namespace sharedstore
