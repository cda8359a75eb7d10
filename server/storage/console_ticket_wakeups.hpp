#pragma once
// Waiting login pages on this instance, by ticket, woken when any instance announces that their
// ticket was confirmed (console_ticket_store::confirm). One blocking XREAD on a Redis connection
// of its own serves every waiting page of the instance: a page waits on a timer, never by asking
// Redis again and again. Thread-safe.
#include "common/log.hpp"
#include "common/redis_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sharedstore {

class console_ticket_wakeups {
    struct watcher;

public:
    // At most this many pages wait on one ticket here at once (a page needs one).
    static constexpr int max_watchers_per_ticket = 8;

    console_ticket_wakeups(boost::asio::io_context& io, redis_config settings, logger& log);
    ~console_ticket_wakeups();

    void start();
    // Wakes every waiting page (they answer "pending" and the browser asks again, elsewhere) and
    // stops listening.
    void stop();

    // A page's place in the queue of one ticket, from watch() to its destruction. Made and
    // awaited on one coroutine (its executor is where wake-ups are delivered).
    class watch_handle {
    public:
        watch_handle(console_ticket_wakeups& owner, std::string ticket_id, std::shared_ptr<watcher> w);
        ~watch_handle();
        watch_handle(const watch_handle&) = delete;
        watch_handle& operator=(const watch_handle&) = delete;
        // Returns when the ticket was announced (since watch()), at `deadline`, or on stop().
        boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline);

    private:
        console_ticket_wakeups& owner_;
        std::string ticket_id_;
        std::shared_ptr<watcher> watcher_;
    };

    // Registers before the caller looks at the ticket, so an announcement in between is not
    // missed. nullptr when the ticket already has max_watchers_per_ticket pages waiting here.
    std::unique_ptr<watch_handle> watch(std::string ticket_id, boost::asio::any_io_executor executor);

    // Pages waiting here now (for metrics and tests).
    std::size_t waiting() const;

private:
    boost::asio::awaitable<void> listen();
    void wake(const std::string& ticket_id);
    void wake_all();
    void forget(const std::string& ticket_id, const watcher* w);

    boost::asio::io_context& io_;
    logger& log_;
    std::shared_ptr<redis_client> redis_;  // blocking XREAD: a connection of its own
    mutable std::mutex mutex_;
    std::unordered_multimap<std::string, std::shared_ptr<watcher>> watchers_;
    std::atomic<bool> stopping_{false};
};

}  // namespace sharedstore
