#pragma once
// Everything real-time reminders need on one instance, started and stopped together: the
// connection hub and the /ws endpoint, presence kept fresh in Redis, the listener of this
// instance's pokes (its own Redis connection: it blocks), and the outbox relay.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "push/ack_batch.hpp"
#include "push/connection_hub.hpp"
#include "push/inbox.hpp"
#include "push/outbox_history.hpp"
#include "push/outbox_relay.hpp"
#include "push/push_endpoint.hpp"
#include "push/push_settings.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <memory>

namespace sharedstore {

class push_runtime {
public:
    push_runtime(boost::asio::io_context& io, redis_client& redis, redis_config redis_settings, mysql_pool& database, wechat_client* wechat,
                 push_settings settings, session_check check, metrics_registry& metrics, logger& log);
    ~push_runtime();

    websocket_endpoint& endpoint() { return *endpoint_; }
    const std::string& instance() const { return instance_; }
    void start();
    // Closes every connection with 1001 (clients reconnect elsewhere) and stops the loops.
    void stop();
    // Outbox events were committed (an order paid, a refund): the instance holding the relay's
    // lease relays them now rather than at its next poll. Any thread; cheap to call often: while a
    // signal waits to be sent, further calls add nothing (it covers every commit made before it).
    void outbox_written();
    // The poke listener has fixed where it reads the pokes and the session-ends streams: from then
    // on no sign-out is missed, so sockets are accepted (and /readyz counts the instance ready).
    bool listening() const { return listening_; }
    // A login session was signed out: its sockets close (4401) on every instance. Throws
    // dependency_unavailable when Redis is down.
    boost::asio::awaitable<void> session_ended(std::uint64_t user_id, std::string session_id);

private:
    boost::asio::awaitable<void> advertise(std::uint64_t user);
    boost::asio::awaitable<void> keep_presence();
    // Frames written by the sessions, into sharedstore_push_frames_sent_total four times a second.
    boost::asio::awaitable<void> count_frames();
    boost::asio::awaitable<void> listen_for_pokes();
    // One entry of the poke stream: its frames to the sessions, pokes, the relay's wake-up.
    void take_poke(std::vector<redis_reply>& fields, std::uint64_t& last_seq);
    // The id of a stream's newest entry ("0-0" when empty): where reading starts.
    boost::asio::awaitable<std::string> newest_id(std::string key);
    // Entries of the session-ends stream: matching sockets here close; `last` moves past them.
    void end_sessions(const redis_reply& entries, std::string& last);
    // After Redis came back: presence again, and sessions pull, once a second for 15 s.
    boost::asio::awaitable<void> catch_up();
    boost::asio::awaitable<void> signal_relay();

    boost::asio::io_context& io_;
    push_settings settings_;
    std::string instance_;
    logger& log_;
    metrics_registry& metrics_;
    inbox inbox_;
    outbox_history history_;
    ack_batch acks_;
    connection_hub hub_;
    std::unique_ptr<push_endpoint> endpoint_;
    std::shared_ptr<redis_client> poke_redis_;  // blocking XREAD: a connection of its own
    outbox_relay relay_;
    // The relay's loop and its wake-ups (from the poke listener) run here, never at once.
    boost::asio::strand<boost::asio::io_context::executor_type> relay_strand_;
    std::atomic<bool> signal_pending_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<bool> listening_{false};
    std::atomic<std::uint64_t> frames_sent_{0};
};

}  // namespace sharedstore
