#include "push/push_session.hpp"

#include "common/dependency_error.hpp"
#include "common/json_duplicates.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <limits>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {
constexpr int pull_batch = 100;

// {"type":"ack","id":"<n>-0"} exactly as the SDK (JSON.stringify) writes it; nullopt otherwise
// (then the frame goes through the full parse and checks).
std::optional<std::uint64_t> canonical_ack(std::string_view m) {
    constexpr std::string_view head = "{\"type\":\"ack\",\"id\":\"", tail = "\"}";
    if (m.size() <= head.size() + tail.size() || m.substr(0, head.size()) != head || m.substr(m.size() - tail.size()) != tail) return std::nullopt;
    return parse_event_id(m.substr(head.size(), m.size() - head.size() - tail.size()));
}
constexpr auto forever = asio::steady_timer::time_point::max();
}  // namespace

push_session::push_session(websocket_connection connection, std::uint64_t user_id, std::string session_id,
                           std::chrono::system_clock::time_point expires_at, session_recheck still_signed_in, push_context context)
    : connection_(std::move(connection)),
      user_id_(user_id),
      session_id_(std::move(session_id)),
      session_expires_at_(expires_at),
      still_signed_in_(std::move(still_signed_in)),
      ctx_(std::move(context)),
      ping_timer_(connection_.executor()),
      helpers_stopped_(connection_.executor()) {}

void push_session::poke() {
    asio::post(connection_.executor(), [self = shared_from_this()] {
        if (self->live_ && !self->closed_) asio::co_spawn(self->connection_.executor(), self->pull(self), asio::detached);
    });
}

void push_session::acknowledge(std::uint64_t id) {
    if (ctx_.acks) {
        ctx_.acks->add(user_id_, id);  // stored with the instance's next batch (ack_batch)
        return;
    }
    // Without a batch (a context built without one): stored by a call of its own, in the background.
    asio::co_spawn(
        connection_.executor(),
        [](inbox& box, std::uint64_t user, std::uint64_t event) -> asio::awaitable<void> {
            try {
                co_await box.acknowledge(user, event);
            } catch (const dependency_unavailable&) {
            }
        }(ctx_.box, user_id_, id),
        asio::detached);
}

void push_session::deliver(std::vector<poked_frame> frames) {
    asio::post(connection_.executor(), [self = shared_from_this(), frames = std::move(frames)]() mutable { self->take(frames); });
}

void push_session::take(std::vector<poked_frame>& frames) {
    if (!live_ || closed_) return;  // going live reads the inbox
    if (pulling_) {
        pull_again_ = true;  // the pull under way reads these too
        return;
    }
    for (auto& f : frames) {
        if (f.id <= last_sent_) continue;  // sent by a pull already
        if (in_history_ || f.prev > last_sent_ || queued() >= ctx_.settings.send_queue_limit || pull_when_drained_) {
            // Something before it was not sent (or must wait for room): the inbox has it all, in order.
            asio::co_spawn(connection_.executor(), pull(shared_from_this()), asio::detached);
            return;
        }
        last_sent_ = f.id;
        enqueue(std::move(f.frame));
    }
}

void push_session::close(std::uint16_t code, std::string reason) {
    asio::post(connection_.executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
        if (self->closed_) return;
        ++self->helpers_;  // run() must not return (and free the stream) while the close frame is on its way
        asio::co_spawn(self->connection_.executor(), self->tracked_close(self, code, std::move(reason)), asio::detached);
    });
}

asio::awaitable<void> push_session::tracked_close(std::shared_ptr<push_session> self, std::uint16_t code, std::string reason) {
    co_await close_now(self, code, std::move(reason));
    helper_done();
}

asio::awaitable<void> push_session::close_now(std::shared_ptr<push_session> self, std::uint16_t code, std::string reason) {
    if (closed_) co_return;
    closed_ = true;
    ping_timer_.cancel();
    co_await connection_.close(code, std::move(reason));
}

void push_session::helper_done() {
    if (--helpers_ == 0) helpers_stopped_.cancel();
}

void push_session::enqueue(std::string frame) {
    if (closed_) return;
    if (queued() >= ctx_.settings.send_queue_limit) {
        // Never reached while pulls are flow-controlled; kept so that the bound holds whatever
        // calls enqueue. A client this far behind is not reading: drop it; it resumes from its
        // last id. A close frame cannot pass a full socket buffer: try briefly (1013), then drop.
        ctx_.metrics.increment("sharedstore_push_slow_clients_closed_total", {});
        ctx_.log.info("push_slow_client_closed", {{"user_id", user_id_}, {"queued", queued()}});
        ++helpers_;
        asio::co_spawn(connection_.executor(), tracked_close(shared_from_this(), close_code::try_again_later, "too slow; resume from your last id"),
                       asio::detached);
        return;
    }
    queue_.push_back(std::move(frame));
    if (!writing_) {
        writing_ = true;
        ++helpers_;  // run() waits for the chain: `this` stays valid in its handlers
        write_next();
    }
}

asio::awaitable<void> push_session::pull(std::shared_ptr<push_session> self) {
    if (pulling_) {
        pull_again_ = true;
        co_return;
    }
    pulling_ = true;
    do {
        pull_again_ = false;
        // Flow control: never more than the queue bound in memory; the writer asks for more as
        // the client reads (a client that does not read is dropped by the write timeout).
        const auto room = ctx_.settings.send_queue_limit - std::min(queued(), ctx_.settings.send_queue_limit);
        if (room == 0) {
            pull_when_drained_ = true;
            break;
        }
        const int count = static_cast<int>(std::min<std::size_t>(room, pull_batch));
        std::vector<inbox_event> events;
        if (in_history_) {
            bool read = true;
            try {
                events = co_await ctx_.history->read(user_id_, last_sent_, history_before_, count);
            } catch (const std::exception& e) {
                // MariaDB away (or a bug): nothing may escape a detached pull.
                ctx_.log.warn("push_history_unavailable", {{"user_id", user_id_}, {"error", e.what()}});
                read = false;
            }
            if (!read) {
                // Skipping the gap would lose reminders silently: the client resumes later.
                std::string why = "reminders are unavailable; reconnect shortly";
                co_await close_now(self, close_code::try_again_later, std::move(why));
                break;
            }
            ctx_.metrics.increment("sharedstore_push_history_events_total", {}, events.size());
            if (static_cast<int>(events.size()) < count) {
                in_history_ = false;  // the gap is filled: the inbox from here
                pull_again_ = true;
            }
        } else {
            try {
                events = co_await ctx_.box.read_after(user_id_, last_sent_, count);
            } catch (const dependency_unavailable&) {
                // Redis is down: the poke listener pokes everyone again once it is back.
                break;
            }
        }
        for (auto& e : events) {
            if (e.id <= last_sent_) continue;  // ids only grow on the wire
            last_sent_ = e.id;
            enqueue(std::move(e.frame));
        }
        if (static_cast<int>(events.size()) == count) pull_again_ = true;
    } while (pull_again_ && !closed_);
    pulling_ = false;
}

asio::awaitable<void> push_session::start_live(std::shared_ptr<push_session> self, std::uint64_t after) {
    if (live_) co_return;
    live_ = true;
    last_sent_ = after;
    co_await pull(self);
}

asio::awaitable<bool> push_session::find_history(std::uint64_t after) {
    try {
        const auto first = co_await ctx_.box.first_id(user_id_);
        // The inbox holds `after` or the event right after it: nothing in between to fetch.
        if (first != 0 && first <= after + 1) co_return true;
        // Bounded like the inbox itself: at most inbox_max_events from the outbox, the newest of the gap.
        const auto before = first == 0 ? std::numeric_limits<std::uint64_t>::max() : first;
        const auto start = co_await ctx_.history->start_of_newest(user_id_, after, before, ctx_.settings.inbox_max_events);
        if (start != after) ctx_.log.info("push_history_truncated", {{"user_id", user_id_}, {"after", after}, {"from", start}});
        last_sent_ = start;
        history_before_ = before;
        in_history_ = true;
        co_return true;
    } catch (const std::exception& e) {
        ctx_.log.warn("push_history_unavailable", {{"user_id", user_id_}, {"error", e.what()}});
        co_return false;
    }
}

void push_session::write_next() {
    if (closed_ || queued() == 0) {
        // Ends when the queue is empty, so an idle connection keeps nothing of it in memory.
        writing_ = false;
        helper_done();
        return;
    }
    auto frame = std::move(queue_[queue_head_]);
    if (++queue_head_ == queue_.size()) {
        queue_head_ = 0;
        if (queue_.capacity() > 16) std::vector<std::string>().swap(queue_);  // a burst's room goes back
        else queue_.clear();
    }
    write_started_ = std::chrono::steady_clock::now();
    // `this` alone (no shared_ptr): std::function keeps it inline, without an allocation.
    connection_.start_write(std::move(frame), ctx_.settings.write_timeout, [this](bool ok) { written(ok); });
}

void push_session::written(bool ok) {
    if (!ok) {
        if (std::chrono::steady_clock::now() - write_started_ >= ctx_.settings.write_timeout) {
            // The client stopped reading with a full queue: it resumes from its last id.
            ctx_.metrics.increment("sharedstore_push_slow_clients_closed_total", {});
            ctx_.log.info("push_slow_client_closed", {{"user_id", user_id_}, {"queued", queued()}});
        }
        // Refused because a close is under way: whoever closes drops the connection once the
        // close frame is out (dropping it here could cut that frame short).
        if (!closed_ && !connection_.closing()) connection_.abort();
        closed_ = true;
        writing_ = false;
        helper_done();
        return;
    }
    if (ctx_.frames_sent) ctx_.frames_sent->fetch_add(1, std::memory_order_relaxed);
    else ctx_.metrics.increment("sharedstore_push_frames_sent_total", {});
    if (pull_when_drained_ && queued() <= ctx_.settings.send_queue_limit / 2) {
        pull_when_drained_ = false;
        asio::co_spawn(connection_.executor(), pull(shared_from_this()), asio::detached);
    }
    write_next();
}

asio::awaitable<void> push_session::pinger(std::shared_ptr<push_session> self) {
    // One timer for three deadlines: the resume window, the next ping and the login session's
    // expiry (a socket lives no longer than the session that opened it; the system clock says
    // when that is, the steady clock waits for it).
    using steady = std::chrono::steady_clock;
    auto expiry = [this] {
        const auto left = std::min<std::chrono::system_clock::duration>(session_expires_at_ - std::chrono::system_clock::now(), std::chrono::hours(24 * 366));
        return steady::now() + std::chrono::duration_cast<steady::duration>(left);
    };
    auto expired = [this] { return std::chrono::system_clock::now() >= session_expires_at_; };
    boost::system::error_code ec;
    // Until the resume window passes, a client that sent no resume gets no events; then live.
    const auto window_end = steady::now() + ctx_.settings.resume_window;
    while (!closed_ && steady::now() < window_end && !expired()) {
        ping_timer_.expires_at(std::min(window_end, expiry()));
        co_await ping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!closed_ && !expired()) co_await start_live(self, start_id_);
    auto next_ping = steady::now() + ctx_.settings.ping_interval;
    while (!closed_) {
        if (expired()) {
            ctx_.metrics.increment("sharedstore_push_sessions_ended_total", {{"reason", "expired"}});
            std::string why = "session expired; sign in again";
            co_await close_now(self, close_code::session_ended, std::move(why));
            break;
        }
        if (steady::now() < next_ping) {
            ping_timer_.expires_at(std::min(next_ping, expiry()));
            co_await ping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        next_ping = steady::now() + ctx_.settings.ping_interval;
        if (steady::now() - connection_.last_received() > ctx_.settings.idle_timeout) {
            ctx_.metrics.increment("sharedstore_push_idle_closed_total", {});
            std::string why = "no answer to pings";
            co_await close_now(self, close_code::ping_timeout, std::move(why));
            break;
        }
        connection_.ping();
    }
    helper_done();
}

asio::awaitable<void> push_session::refuse(const char* reason) {
    ctx_.metrics.increment("sharedstore_push_client_frames_refused_total", {{"reason", reason}});
    auto self = shared_from_this();
    std::string why = reason;
    co_await close_now(std::move(self), close_code::policy_violation, std::move(why));
}

asio::awaitable<void> push_session::run() {
    auto self = shared_from_this();
    bool inbox_up = true;
    try {
        start_id_ = co_await ctx_.box.last_id(user_id_);
    } catch (const dependency_unavailable&) {
        inbox_up = false;
    }
    if (!inbox_up) {
        std::string why = "reminders are unavailable; reconnect shortly";
        co_await connection_.close(close_code::try_again_later, std::move(why));
        co_return;
    }
    if (ctx_.hub.add(user_id_, self) && ctx_.on_first_connection) ctx_.on_first_connection(user_id_);
    if (still_signed_in_) {
        const bool alive = co_await still_signed_in_();
        still_signed_in_ = nullptr;  // the token goes with it
        if (!alive) {
            ctx_.metrics.increment("sharedstore_push_sessions_ended_total", {{"reason", "signed_out"}});
            std::string why = "signed out; sign in again";
            co_await close_now(self, close_code::session_ended, std::move(why));  // the hub may be closing it too
        }
    }
    if (!closed_) {
        ctx_.metrics.increment("sharedstore_push_connections_opened_total", {});
        ++helpers_;  // the writer starts when frames wait (enqueue)
        asio::co_spawn(connection_.executor(), pinger(self), asio::detached);
    }

    while (!closed_) {
        auto message = co_await connection_.read(ctx_.settings.max_frame_bytes);
        if (!message) break;
        if (message->binary) {
            co_await refuse("binary_frame");
            break;
        }
        if (message->too_large) {
            co_await refuse("frame_too_large");
            break;
        }
        if (auto id = canonical_ack(message->payload)) {
            // The SDK's own ack, byte for byte: valid JSON with no key twice, read without a parse.
            acknowledge(*id);
            continue;
        }
        if (first_duplicate_key(message->payload)) {
            co_await refuse("duplicate_key");
            break;
        }
        boost::system::error_code ec;
        auto value = json::parse(message->payload, ec);
        const json::object* frame = !ec && value.is_object() ? &value.as_object() : nullptr;
        const auto* type = frame ? frame->if_contains("type") : nullptr;
        if (!type || !type->is_string()) {
            co_await refuse("not_a_known_frame");
            break;
        }
        auto id_field = [&](const char* name) -> std::optional<std::uint64_t> {
            const auto* v = frame->if_contains(name);
            return v && v->is_string() ? parse_event_id(v->as_string()) : std::nullopt;
        };
        if (type->as_string() == "ack") {
            auto id = id_field("id");
            if (!id) {
                co_await refuse("bad_ack");
                break;
            }
            if (ctx_.acks) {
                acknowledge(*id);
            } else {
                try {
                    co_await ctx_.box.acknowledge(user_id_, *id);
                } catch (const dependency_unavailable&) {
                    // An ack that cannot be stored only means a possible fallback message later.
                }
            }
        } else if (type->as_string() == "resume") {
            // "0-0" (or an id from before the retention bound): everything the inbox still holds.
            auto after = id_field("after");
            if (!after) {
                co_await refuse("bad_resume");
                break;
            }
            if (!live_ && *after > 0 && ctx_.history) {
                // Before anything goes live: a poke meanwhile must not send newer events first.
                live_ = pulling_ = true;
                const bool found = co_await find_history(*after);
                pulling_ = false;
                if (!found) {
                    std::string why = "reminders are unavailable; reconnect shortly";
                    co_await close_now(self, close_code::try_again_later, std::move(why));
                    break;
                }
                if (!in_history_) last_sent_ = *after;
                co_await pull(self);
            } else {
                co_await start_live(self, *after);
            }
        } else {
            co_await refuse("unknown_type");
            break;
        }
    }
    closed_ = true;
    ctx_.hub.remove(user_id_, this);
    connection_.abort();
    ping_timer_.cancel();
    // The helpers use the connection, whose stream dies when this returns: wait for them.
    while (helpers_ > 0) {
        helpers_stopped_.expires_at(forever);
        boost::system::error_code ec;
        co_await helpers_stopped_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace sharedstore
