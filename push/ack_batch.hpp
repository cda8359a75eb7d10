#pragma once
// Acknowledgements of one instance, stored together: a session hands each ack here (the highest
// id per user is kept) and one Redis call every `interval` raises the marks of all of them,
// instead of one round trip per ack. An ack only spares the subscribe-message fallback, which
// falls due after push.ack_timeout_ms (30 s): a few milliseconds more before it is stored change
// nothing; an ack lost with Redis means at most one message more, as before.
#include "common/log.hpp"
#include "push/inbox.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace sharedstore {

class ack_batch {
public:
    explicit ack_batch(inbox& box, std::chrono::milliseconds interval = std::chrono::milliseconds(20)) : box_(box), interval_(interval) {}

    // From any thread.
    void add(std::uint64_t user_id, std::uint64_t event_id);
    // Until `stopping`: a flush every interval while acks wait; a last flush at the end.
    boost::asio::awaitable<void> run(const std::atomic<bool>& stopping);
    // What waits now, in one call per thousand users. Redis away: dropped (a fallback may follow).
    boost::asio::awaitable<void> flush();

private:
    inbox& box_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    static constexpr std::size_t max_pending = 200'000;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pending_;  // (user, event) in arrival order
};

}  // namespace sharedstore
