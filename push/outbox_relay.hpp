#pragma once
// Moves outbox events (written by the orders code in the transaction of each payment) from
// MariaDB to the users' Redis inboxes, in id order, then tells the instances that hold those
// users' connections. One instance relays at a time (a Redis lock with a short lease); an event is
// marked relayed only after Redis took it, and appending it again is harmless, so a crash means
// at-least-once, never lost. While Redis is down the events wait in the outbox; a Redis that comes
// back without its last writes is found at the next pass (inbox::relay_batch's relay mark) and the
// lost events go back to the outbox.
//
// The same lease holder runs the fallback, in a loop of its own beside the relay's (a sweep of many
// due reminders never holds up the next pass): a reminder of a kind with a subscribe message that
// no connection acknowledged within `ack_timeout` goes out once as a WeChat subscribe message, if
// the user has an accepted subscription left.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/mysql_pool.hpp"
#include "push/inbox.hpp"
#include "push/push_settings.hpp"
#include "wechat/wechat_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>

namespace sharedstore {

class outbox_relay {
public:
    // `wechat` null: no fallback.
    outbox_relay(mysql_pool& database, inbox& box, const push_settings& settings, std::string instance, wechat_client* wechat, logger& log,
                 metrics_registry& metrics)
        : database_(database), box_(box), settings_(settings), instance_(std::move(instance)), wechat_(wechat), log_(log), metrics_(metrics) {}

    // Until stop(): hold the lease, relay, sleep relay_interval when idle or until woken; the
    // fallback's loop beside it. run() and wake() must run on one strand.
    boost::asio::awaitable<void> run();
    void stop() { stopping_ = true; }
    // New events are committed: look now (the poll is the safety net).
    void wake();

    // One pass (tests and the loop): events relayed.
    boost::asio::awaitable<int> relay_once();
    boost::asio::awaitable<int> fallback_once();

private:
    // Four times a second while the lease is ours: the fallbacks that fell due.
    boost::asio::awaitable<void> run_fallbacks();
    boost::asio::awaitable<void> send_fallback(std::uint64_t user_id, std::uint64_t event_id);
    // Redis lost the batches after `redis_mark_us` (inbox::relay_batch): they go back to the outbox.
    boost::asio::awaitable<void> put_back_lost_tail(std::int64_t redis_mark_us, std::int64_t mariadb_mark_us);

    mysql_pool& database_;
    inbox& box_;
    const push_settings& settings_;
    std::string instance_;
    wechat_client* wechat_;
    logger& log_;
    metrics_registry& metrics_;
    std::atomic<bool> stopping_{false};
    // Both touched only on the strand run() and wake() share.
    bool woken_ = false;
    boost::asio::steady_timer* pause_ = nullptr;
    // The newest relay Redis lost (microseconds since the epoch): a fallback that fell due
    // before it was checked then, and is not scheduled again with the replayed events.
    std::int64_t lost_at_us_ = 0;
};

}  // namespace sharedstore
