#include "push/push_runtime.hpp"

#include "common/dependency_error.hpp"
#include "common/random_token.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sharedstore {

namespace asio = boost::asio;

namespace {
// A presence claim lasts three refresh periods: one lost refresh does not make users vanish.
constexpr auto presence_refresh = std::chrono::seconds(20);
constexpr auto presence_ttl = std::chrono::seconds(60);
}  // namespace

push_runtime::push_runtime(asio::io_context& io, redis_client& redis, redis_config redis_settings, mysql_pool& database, wechat_client* wechat,
                           push_settings settings, session_check check, metrics_registry& metrics, logger& log)
    : io_(io),
      settings_(std::move(settings)),
      instance_(random_hex(8)),
      log_(log),
      metrics_(metrics),
      inbox_(redis, settings_.inbox_max_events, settings_.inbox_ttl),
      history_(database),
      acks_(inbox_),
      relay_(database, inbox_, settings_, instance_, wechat, log, metrics),
      relay_strand_(asio::make_strand(io)) {
    // A user's first connection here is advertised at once: the first reminder may follow right away.
    push_context context{inbox_, hub_, settings_, metrics, log,
                         [this](std::uint64_t user) { asio::co_spawn(io_, advertise(user), asio::detached); }};
    context.history = &history_;
    context.acks = &acks_;
    context.frames_sent = &frames_sent_;
    context.listening = &listening_;
    endpoint_ = std::make_unique<push_endpoint>(context, std::move(check));
    redis_settings.command_timeout = std::chrono::milliseconds(5000);  // XREAD blocks up to 1 s
    poke_redis_ = redis_client::create(io.get_executor(), redis_settings, log);
    metrics.describe_counter("sharedstore_push_frames_sent_total", "Reminder frames written to WebSocket clients.");
    metrics.describe_counter("sharedstore_push_client_frames_refused_total", "Client frames refused (the connection closed with 1008), by reason.");
    metrics.describe_counter("sharedstore_push_slow_clients_closed_total", "Connections closed because the client did not read (1013).");
    metrics.describe_counter("sharedstore_push_idle_closed_total", "Connections closed after no answer to pings.");
    metrics.describe_counter("sharedstore_push_connections_opened_total", "WebSocket connections accepted.");
    metrics.describe_counter("sharedstore_push_sessions_ended_total",
                             "Connections closed (4401) because their login session expired or was signed out, by reason.");
    metrics.describe_counter("sharedstore_push_pokes_overrun_total",
                             "Times this instance's poke stream lost entries before they were read (every session then read its inbox).");
    metrics.describe_counter("sharedstore_push_events_relayed_total", "Outbox events appended to Redis inboxes.");
    metrics.describe_counter("sharedstore_push_history_events_total", "Reminders a resume read from the outbox in MariaDB (the inbox no longer held them).");
    metrics.describe_counter("sharedstore_push_redis_tail_lost_total", "Times the relay found Redis without its last relayed batches and put them back in the outbox.");
    metrics.describe_counter("sharedstore_push_fallback_messages_total", "WeChat subscribe messages sent for unacknowledged reminders.");
    metrics.describe_gauge("sharedstore_push_connections", "WebSocket connections open now.", [this] {
        return std::vector<std::pair<metric_labels, double>>{{{}, static_cast<double>(hub_.connections())}};
    });
    log_.info("push_instance", {{"instance", instance_}});
}

push_runtime::~push_runtime() { poke_redis_->stop(); }

void push_runtime::start() {
    poke_redis_->start();
    asio::co_spawn(io_, keep_presence(), asio::detached);
    asio::co_spawn(io_, listen_for_pokes(), asio::detached);
    asio::co_spawn(io_, acks_.run(stopping_), asio::detached);
    asio::co_spawn(io_, count_frames(), asio::detached);
    asio::co_spawn(relay_strand_, relay_.run(), asio::detached);
}

void push_runtime::outbox_written() {
    if (stopping_ || signal_pending_.exchange(true)) return;  // the signal on its way covers this commit
    asio::co_spawn(io_, signal_relay(), asio::detached);
}

asio::awaitable<void> push_runtime::signal_relay() {
    // Cleared before sending: a commit from now on sends a signal of its own.
    signal_pending_ = false;
    try {
        co_await inbox_.wake_relay(instance_);
    } catch (const std::exception&) {
        // Redis away: the relay's poll finds the events (and Redis is needed to relay them anyway).
    }
}

asio::awaitable<void> push_runtime::session_ended(std::uint64_t user_id, std::string session_id) {
    co_await inbox_.announce_session_end(user_id, std::move(session_id));
}

void push_runtime::stop() {
    stopping_ = true;
    relay_.stop();
    hub_.close_all(close_code::going_away);
    poke_redis_->stop();
}

asio::awaitable<void> push_runtime::advertise(std::uint64_t user) {
    try {
        std::vector<std::uint64_t> users{user};
        co_await inbox_.mark_present(std::move(users), instance_, presence_ttl);
    } catch (const dependency_unavailable&) {
    }
}

asio::awaitable<void> push_runtime::count_frames() {
    asio::steady_timer pause(io_);
    while (!stopping_) {
        pause.expires_after(std::chrono::milliseconds(250));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (const auto n = frames_sent_.exchange(0)) metrics_.increment("sharedstore_push_frames_sent_total", {}, n);
    }
}

asio::awaitable<void> push_runtime::keep_presence() {
    asio::steady_timer pause(io_);
    while (!stopping_) {
        try {
            auto users = hub_.users();
            auto instance = instance_;
            co_await inbox_.mark_present(std::move(users), std::move(instance), presence_ttl);
        } catch (const dependency_unavailable&) {
        }
#if defined(__GLIBC__)
        // A burst of sign-ins and connections (handshakes, session checks, every session's first
        // inbox read) leaves freed heap pages that glibc keeps: an instance holding 10k idle
        // sockets gave back 31 of its 174 MB (bench/README.md, fanout). A few milliseconds every
        // presence refresh.
        malloc_trim(0);
#endif
        pause.expires_after(presence_refresh);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> push_runtime::catch_up() {
    asio::steady_timer pause(io_);
    for (int round = 0; round < 15 && !stopping_; ++round) {
        try {
            auto users = hub_.users();
            auto instance = instance_;
            co_await inbox_.mark_present(std::move(users), std::move(instance), presence_ttl);
        } catch (const dependency_unavailable&) {
        }
        hub_.poke_all();
        pause.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<std::string> push_runtime::newest_id(std::string key) {
    std::vector<std::string> newest{"XREVRANGE", std::move(key), "+", "-", "COUNT", "1"};
    auto reply = co_await poke_redis_->command(std::move(newest));
    if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
    if (!reply.elements.empty() && !reply.elements[0].elements.empty()) co_return reply.elements[0].elements[0].str;
    co_return std::string("0-0");
}

void push_runtime::end_sessions(const redis_reply& entries, std::string& last) {
    for (const auto& entry : entries.elements) {
        if (entry.elements.size() != 2) continue;
        last = entry.elements[0].str;
        std::uint64_t user = 0;
        std::string session;
        const auto& fields = entry.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            const auto& v = fields[i + 1].str;
            if (fields[i].str == "user") std::from_chars(v.data(), v.data() + v.size(), user);
            if (fields[i].str == "session") session = v;
        }
        if (user == 0 || session.empty()) continue;
        if (hub_.end_session(user, session) > 0) metrics_.increment("sharedstore_push_sessions_ended_total", {{"reason", "signed_out"}});
    }
}

void push_runtime::take_poke(std::vector<redis_reply>& fields, std::uint64_t& last_seq) {
    // Frames of one user arrive together and in order within an entry (relay_batch).
    std::uint64_t user = 0;
    std::vector<poked_frame> frames;
    std::vector<connection_hub::user_frames> batch;  // handed over together, a loop at a time
    auto hand_over = [&] {
        if (!frames.empty()) batch.emplace_back(user, std::move(frames));
        frames = {};
    };
    auto number = [](std::string_view v) {
        std::uint64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        return n;
    };
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string_view name = fields[i].str;
        if (name == "relay") {
            asio::post(relay_strand_, [this] { relay_.wake(); });
        } else if (name == "user") {
            hub_.poke(number(fields[i + 1].str));
        } else if (name == "seq") {
            const auto seq = number(fields[i + 1].str);
            if (last_seq != 0 && seq != last_seq + 1) {
                // Entries were trimmed (MAXLEN) before this listener read them, or the counter
                // expired: their frames are in the inboxes; every session looks.
                metrics_.increment("sharedstore_push_pokes_overrun_total", {});
                log_.warn("push_pokes_overrun", {{"expected", last_seq + 1}, {"seq", seq}});
                hub_.poke_all();
            }
            last_seq = seq;
        } else {
            // "<user>:<prev>:<id>"
            const auto a = name.find(':'), b = name.rfind(':');
            if (a == std::string_view::npos || a == b) continue;
            const auto who = number(name.substr(0, a));
            if (who != user) hand_over();
            user = who;
            frames.push_back({number(name.substr(a + 1, b - a - 1)), number(name.substr(b + 1)), std::move(fields[i + 1].str)});
        }
    }
    hand_over();
    if (!batch.empty()) hub_.deliver(std::move(batch));
}

asio::awaitable<void> push_runtime::listen_for_pokes() {
    asio::steady_timer pause(io_);
    // Both streams are read from ids fixed before the first read: "$" means "after the newest entry
    // when this call runs", so an entry added between two calls would never be read.
    // Ended login sessions matter only from now on (a socket opened later was checked against the
    // session store).
    std::string last, last_end;
    bool lost = false;
    std::uint64_t last_seq = 0;  // of the last frame-carrying poke read (0: none yet)
    const auto started = std::chrono::steady_clock::now();
    while (!stopping_) {
        // At start the connection of its own is usually still being made: retried quickly and
        // quietly for a second (sockets are refused meanwhile), then like any outage.
        const bool starting = !listening_ && std::chrono::steady_clock::now() - started < std::chrono::seconds(1);
        try {
            if (last.empty()) last = co_await newest_id(pokes_key(instance_));
            if (last_end.empty()) last_end = co_await newest_id(session_ends_key());
            listening_ = true;
            std::vector<std::string> read{"XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS", pokes_key(instance_), session_ends_key(),
                                          last, last_end};
            auto reply = co_await poke_redis_->command(std::move(read));
            if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
            if (lost) {
                // Pokes sent while we could not read may be gone, and a Redis that lost its data
                // lost our presence too (so the relay cannot find us): advertise again, and let
                // every session look at its inbox now and for a little while.
                lost = false;
                last_seq = 0;  // the entries in between are unknown; catch_up covers them
                asio::co_spawn(io_, catch_up(), asio::detached);
            }
            for (auto& stream : reply.elements) {
                if (stream.elements.size() != 2) continue;
                if (stream.elements[0].str == session_ends_key()) {
                    end_sessions(stream.elements[1], last_end);
                    continue;
                }
                for (auto& entry : stream.elements[1].elements) {
                    if (entry.elements.size() != 2) continue;
                    last = entry.elements[0].str;
                    take_poke(entry.elements[1].elements, last_seq);
                }
            }
            continue;
        } catch (const std::exception& e) {
            if (!lost && !stopping_ && !starting) log_.warn("push_pokes_unavailable", {{"error", e.what()}});
            if (!starting) lost = true;
        }
        if (stopping_) break;
        pause.expires_after(std::chrono::milliseconds(starting ? 20 : 200));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace sharedstore
