#include "push/ack_batch.hpp"

#include "common/dependency_error.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace sharedstore {

namespace asio = boost::asio;

void ack_batch::add(std::uint64_t user_id, std::uint64_t event_id) {
    // Appended, not looked up: no node allocated per ack; the highest per user is picked at flush.
    std::lock_guard lock(mutex_);
    if (!pending_.empty() && pending_.back().first == user_id) {
        pending_.back().second = std::max(pending_.back().second, event_id);  // a client acking in a burst
        return;
    }
    // Bounded against a client flooding acks between two flushes: past it, acks are dropped (an
    // ack only spares a fallback message; 200,000 in 20 ms is no phone's traffic).
    if (pending_.size() >= max_pending) return;
    pending_.emplace_back(user_id, event_id);
}

asio::awaitable<void> ack_batch::flush() {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> acks;
    {
        std::lock_guard lock(mutex_);
        if (pending_.empty()) co_return;
        acks.swap(pending_);
        pending_.reserve(acks.size());  // the next interval's acks fit without growing
    }
    // The highest id per user: sorted by user then id, the last of each user's run is kept.
    std::sort(acks.begin(), acks.end());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < acks.size(); ++i)
        if (i + 1 == acks.size() || acks[i + 1].first != acks[i].first) acks[kept++] = acks[i];
    acks.resize(kept);
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
