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
      wake_writer_(connection_.executor()),
      ping_timer_(connection_.executor()),
      session_timer_(connection_.executor()),
      helpers_stopped_(connection_.executor()) {}

void push_session::poke() {
    asio::post(connection_.executor(), [self = shared_from_this()] {
        if (self->live_ && !self->closed_) asio::co_spawn(self->connection_.executor(), self->pull(self), asio::detached);
    });
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
    wake_writer_.cancel();
    ping_timer_.cancel();
    session_timer_.cancel();
    co_await connection_.close(code, std::move(reason));
}

void push_session::helper_done() {
    if (--helpers_ == 0) helpers_stopped_.cancel();
}

void push_session::enqueue(std::string frame) {
    if (closed_) return;
    if (queue_.size() >= ctx_.settings.send_queue_limit) {
        // Never reached while pulls are flow-controlled; kept so that the bound holds whatever
        // calls enqueue. A client this far behind is not reading: drop it; it resumes from its
        // last id. A close frame cannot pass a full socket buffer: try briefly (1013), then drop.
        ctx_.metrics.increment("sharedstore_push_slow_clients_closed_total", {});
        ctx_.log.info("push_slow_client_closed", {{"user_id", user_id_}, {"queued", queue_.size()}});
        ++helpers_;
        asio::co_spawn(connection_.executor(), tracked_close(shared_from_this(), close_code::try_again_later, "too slow; resume from your last id"),
                       asio::detached);
        return;
    }
    queue_.push_back(std::move(frame));
    wake_writer_.cancel();
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
        const auto room = ctx_.settings.send_queue_limit - std::min(queue_.size(), ctx_.settings.send_queue_limit);
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

asio::awaitable<void> push_session::writer(std::shared_ptr<push_session> self) {
    while (!closed_) {
        if (queue_.empty()) {
            wake_writer_.expires_at(forever);
            boost::system::error_code ec;
            co_await wake_writer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        auto frame = std::move(queue_.front());
        queue_.pop_front();
        const auto started = std::chrono::steady_clock::now();
        if (!co_await connection_.write(std::move(frame), ctx_.settings.write_timeout)) {
            if (std::chrono::steady_clock::now() - started >= ctx_.settings.write_timeout) {
                // The client stopped reading with a full queue: it resumes from its last id.
                ctx_.metrics.increment("sharedstore_push_slow_clients_closed_total", {});
                ctx_.log.info("push_slow_client_closed", {{"user_id", user_id_}, {"queued", queue_.size()}});
            }
            closed_ = true;
            connection_.abort();
            break;
        }
        ctx_.metrics.increment("sharedstore_push_frames_sent_total", {});
        if (pull_when_drained_ && queue_.size() <= ctx_.settings.send_queue_limit / 2) {
            pull_when_drained_ = false;
            asio::co_spawn(connection_.executor(), pull(self), asio::detached);
        }
    }
    helper_done();
}

asio::awaitable<void> push_session::pinger(std::shared_ptr<push_session> self) {
    // Until the resume window passes, a client that sent no resume gets no events; then live.
    ping_timer_.expires_after(ctx_.settings.resume_window);
    boost::system::error_code ec;
    co_await ping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!closed_) co_await start_live(self, start_id_);
    while (!closed_) {
        ping_timer_.expires_after(ctx_.settings.ping_interval);
        co_await ping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (closed_) break;
        if (std::chrono::steady_clock::now() - connection_.last_received() > ctx_.settings.idle_timeout) {
            ctx_.metrics.increment("sharedstore_push_idle_closed_total", {});
            std::string why = "no answer to pings";
            co_await close_now(self, close_code::ping_timeout, std::move(why));
            break;
        }
        co_await connection_.ping();
    }
    helper_done();
}

asio::awaitable<void> push_session::session_watch(std::shared_ptr<push_session> self) {
    // A socket lives no longer than the login session that opened it (the system clock says when
    // that is; the steady clock waits for it).
    const auto left = session_expires_at_ - std::chrono::system_clock::now();
    session_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    boost::system::error_code ec;
    co_await session_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !closed_) {
        ctx_.metrics.increment("sharedstore_push_sessions_ended_total", {{"reason", "expired"}});
        std::string why = "session expired; sign in again";
        co_await close_now(self, close_code::session_ended, std::move(why));
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
        helpers_ += 3;
        asio::co_spawn(connection_.executor(), writer(self), asio::detached);
        asio::co_spawn(connection_.executor(), pinger(self), asio::detached);
        asio::co_spawn(connection_.executor(), session_watch(self), asio::detached);
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
            try {
                co_await ctx_.box.acknowledge(user_id_, *id);
            } catch (const dependency_unavailable&) {
                // An ack that cannot be stored only means a possible fallback message later.
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
    wake_writer_.cancel();
    ping_timer_.cancel();
    session_timer_.cancel();
    // The helpers use the connection, whose stream dies when this returns: wait for them.
    while (helpers_ > 0) {
        helpers_stopped_.expires_at(forever);
        boost::system::error_code ec;
        co_await helpers_stopped_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace sharedstore
