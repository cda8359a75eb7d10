#include "push/ack_batch.hpp"

#include "common/dependency_error.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>
#include <vector>

namespace sharedstore {

namespace asio = boost::asio;

void ack_batch::add(std::uint64_t user_id, std::uint64_t event_id) {
    std::lock_guard lock(mutex_);
    auto& mark = pending_[user_id];
    if (event_id > mark) mark = event_id;
}

asio::awaitable<void> ack_batch::flush() {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> acks;
    {
        std::lock_guard lock(mutex_);
        if (pending_.empty()) co_return;
        acks.assign(pending_.begin(), pending_.end());
        pending_.clear();
    }
    try {
        co_await box_.acknowledge_many(std::move(acks));
    } catch (const dependency_unavailable&) {
        // As an ack that could not be stored before: at most a fallback message later.
    }
}

asio::awaitable<void> ack_batch::run(const std::atomic<bool>& stopping) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    while (!stopping) {
        pause.expires_after(interval_);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_await flush();
    }
    co_await flush();
}

}  // namespace sharedstore
