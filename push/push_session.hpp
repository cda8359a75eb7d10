#pragma once
// One partner's WebSocket connection (docs/websocket.md): after an optional `resume`, every
// reminder of the user's inbox newer than the last one sent goes out in order; `ack`s are
// recorded; the server pings and drops a connection that answers nothing; at most
// send_queue_limit frames wait in memory (the inbox is read as the client keeps up), a client
// that stops reading is dropped when a write stalls past write_timeout, and a bad frame closes
// with 1008.
#include "common/http/websocket.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "push/ack_batch.hpp"
#include "push/connection_hub.hpp"
#include "push/inbox.hpp"
#include "push/outbox_history.hpp"
#include "push/push_settings.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace sharedstore {

struct push_context {
    inbox& box;
    connection_hub& hub;
    const push_settings& settings;
    metrics_registry& metrics;
    logger& log;
    std::function<void(std::uint64_t user_id)> on_first_connection;  // advertise presence
    outbox_history* history = nullptr;  // null: a resume gets only what the inbox holds
    ack_batch* acks = nullptr;          // null: each ack is stored by a Redis call of its own
    // Frames written, added to sharedstore_push_frames_sent_total by the owner now and then (a
    // registry lookup and lock per frame cost more than the frame's write); null: counted at once.
    std::atomic<std::uint64_t>* frames_sent = nullptr;
    // Whether this instance reads the session-ends stream yet; until then a sign-out could pass
    // unseen, so upgrades are refused (503). Null: always.
    const std::atomic<bool>* listening = nullptr;
};

// Whether the login session that opened the socket still stands (once, when the socket joins the hub).
using session_recheck = std::function<boost::asio::awaitable<bool>()>;

class push_session : public std::enable_shared_from_this<push_session> {
public:
    // `session_id` and `expires_at`: the login session the socket was opened with; the socket
    // closes with 4401 when it expires or is ended (end_session through the hub).
    push_session(websocket_connection connection, std::uint64_t user_id, std::string session_id,
                 std::chrono::system_clock::time_point expires_at, session_recheck still_signed_in, push_context context);

    // The whole life of the connection; returns once it is closed and every helper has stopped.
    boost::asio::awaitable<void> run();
    // From any thread: look at the inbox (a relay appended something).
    void poke();
    // From any thread: frames that rode a poke, in inbox order. Sent as they are when they follow
    // what was sent (poked_frame::prev); otherwise (a gap, a pull under way, the queue full) the
    // inbox is read, as after poke().
    void deliver(std::vector<poked_frame> frames);
    // On executor() only: deliver() without the post (connection_hub hands frames over a loop at a time).
    void take_here(std::vector<poked_frame>& frames) { take(frames); }
    boost::asio::any_io_executor executor() const { return connection_.executor(); }
    // From any thread: close with `code` (1001 on shutdown).
    void close(std::uint16_t code, std::string reason);
    const std::string& session_id() const { return session_id_; }

private:
    // The write chain (completion handlers on the connection's executor, no coroutine): started by
    // enqueue() when frames wait and none is being written, it ends when the queue is empty.
    void write_next();
    void written(bool ok);
    boost::asio::awaitable<void> pinger(std::shared_ptr<push_session> self);
    boost::asio::awaitable<void> pull(std::shared_ptr<push_session> self);
    boost::asio::awaitable<void> close_now(std::shared_ptr<push_session> self, std::uint16_t code, std::string reason);
    // close_now as a counted helper, for closes started from outside the session's coroutines.
    boost::asio::awaitable<void> tracked_close(std::shared_ptr<push_session> self, std::uint16_t code, std::string reason);
    boost::asio::awaitable<void> start_live(std::shared_ptr<push_session> self, std::uint64_t after);
    // A resume from before the inbox's oldest event: the gap is read from the outbox first.
    // False when that cannot be known now (Redis or MariaDB away).
    boost::asio::awaitable<bool> find_history(std::uint64_t after);
    // A frame the protocol does not allow: counted, then the connection is closed with 1008.
    boost::asio::awaitable<void> refuse(const char* reason);
    void enqueue(std::string frame);
    void take(std::vector<poked_frame>& frames);
    void acknowledge(std::uint64_t id);
    void helper_done();

    websocket_connection connection_;
    std::uint64_t user_id_;
    std::string session_id_;
    std::chrono::system_clock::time_point session_expires_at_;
    session_recheck still_signed_in_;
    push_context ctx_;
    std::size_t queued() const { return queue_.size() - queue_head_; }

    boost::asio::steady_timer ping_timer_, helpers_stopped_;
    // Frames waiting, from queue_head_ on (a vector: an empty std::deque holds ~600 bytes).
    std::vector<std::string> queue_;
    std::size_t queue_head_ = 0;
    bool writing_ = false;  // a write is under way (counted in helpers_)
    std::chrono::steady_clock::time_point write_started_{};
    std::uint64_t last_sent_ = 0;
    std::uint64_t start_id_ = 0;  // the inbox's newest id when the connection opened
    bool live_ = false;           // resumed, or the resume window passed: inbox events flow
    bool in_history_ = false;     // pulls read the outbox (ids below history_before_) before the inbox
    std::uint64_t history_before_ = 0;
    bool pulling_ = false, pull_again_ = false;
    bool pull_when_drained_ = false;  // the queue was full: the writer pulls again as it drains
    bool closed_ = false;
    int helpers_ = 0;
};

}  // namespace sharedstore
