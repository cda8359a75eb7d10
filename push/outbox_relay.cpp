#include "push/outbox_relay.hpp"

#include "common/dependency_error.hpp"
#include "push/outbox_events.hpp"
#include "push/outbox_history.hpp"
#include "push/outbox_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

// Events a pass reads and appends at most: under load a pass covers what ~5 ms of commits wrote;
// behind (a backlog after Redis was away) larger passes catch up with fewer round trips.
constexpr int relay_batch = 500;
constexpr auto lease = std::chrono::milliseconds(5000);
constexpr auto min_pass_gap = std::chrono::milliseconds(5);
constexpr auto fallback_check_interval = std::chrono::milliseconds(250);

std::int64_t epoch_us(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

asio::awaitable<int> outbox_relay::relay_once() {
    // Twice at most: a pass that finds Redis's tail lost puts it back in the outbox, then relays.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto read = [template_id = settings_.subscribe_template_id](mysql_connection& db) { return pending_events(db, relay_batch, template_id); };
        auto pending = co_await database_.run(std::move(read));
        const auto now = std::chrono::system_clock::now();
        const bool fallbacks = !settings_.subscribe_template_id.empty() && wechat_;
        const auto ack_us = std::chrono::duration_cast<std::chrono::microseconds>(settings_.ack_timeout).count();
        const auto due_ms = std::chrono::duration_cast<std::chrono::milliseconds>((now + settings_.ack_timeout).time_since_epoch()).count();
        // One Redis round trip for the whole batch, in id order (an empty one only checks Redis's
        // mark). A failure stops the script at that event (Lua does not roll back the ones before
        // it); the whole batch is then tried again and the events already appended are skipped,
        // so nothing is lost or appended twice.
        std::vector<inbox::relayed_event> batch;
        std::vector<std::uint64_t> relayed;
        for (const auto& row : pending.rows) {
            // A lost tail's events go again with their fallback (it was lost with them), unless
            // it fell due before Redis lost them: then it was checked (sent, claimed or acked).
            // A kind without a subscribe message has nothing to fall back on: not scheduled; nor is a
            // bulk kind for a user with no subscription left (a dividend's vouchers to 200,000
            // holders, few of them subscribed, leave no sweep behind them).
            const bool schedule = fallbacks && has_subscribe_message(row.kind) && (row.subscribed || !only_when_subscribed(row.kind)) &&
                                  row.created_us + ack_us > lost_at_us_;
            batch.push_back({row.user_id, row.id, outbox_frame(row.id, row.kind, row.payload), schedule ? due_ms : 0});
            relayed.push_back(row.id);
        }
        const auto outcome = co_await box_.relay_batch(std::move(batch), pending.relayed_mark_us, epoch_us(now));
        if (outcome.tail_lost) {
            co_await put_back_lost_tail(outcome.mark_us, pending.relayed_mark_us);
            continue;
        }
        if (relayed.empty()) co_return 0;
        // One statement: atomic without a transaction around it (which would add three round trips).
        const auto stamp = outcome.mark_us;
        auto mark = [relayed, stamp](mysql_connection& db) { mark_relayed(db, relayed, stamp); };
        co_await database_.run(std::move(mark));
        metrics_.increment("sharedstore_push_events_relayed_total", {}, relayed.size());
        co_return static_cast<int>(relayed.size());
    }
    co_return 0;
}

asio::awaitable<void> outbox_relay::put_back_lost_tail(std::int64_t redis_mark_us, std::int64_t mariadb_mark_us) {
    // Every batch Redis kept is at or below its mark (the mark rides in the same atomic call):
    // the events marked relayed after it are the lost tail. Bounded by redis_loss_replay (a
    // Redis that lost everything has no mark). Ids only grow, so appending again what survived
    // is refused by Redis, sessions skip what they sent, and phones de-duplicate the rest.
    const auto now_us = epoch_us(std::chrono::system_clock::now());
    const auto floor_us = now_us - std::chrono::duration_cast<std::chrono::microseconds>(settings_.redis_loss_replay).count();
    const auto cutoff = std::max(redis_mark_us, floor_us);
    auto reset = [cutoff](mysql_connection& db) { return unmark_relayed_after(db, cutoff); };
    const auto again = co_await database_.run(std::move(reset));  // one statement: atomic as it is
    // Only after the events are back in the outbox: a crash in between finds the tail lost again.
    co_await box_.raise_relay_mark(cutoff);
    lost_at_us_ = std::max(lost_at_us_, mariadb_mark_us);
    metrics_.increment("sharedstore_push_redis_tail_lost_total", {});
    log_.warn("push_redis_tail_lost", {{"events_relayed_again", again},
                                       {"redis_mark_us", redis_mark_us},
                                       {"mariadb_mark_us", mariadb_mark_us},
                                       {"lost_ms", (mariadb_mark_us - std::max(redis_mark_us, floor_us)) / 1000}});
}

asio::awaitable<void> outbox_relay::send_fallback(std::uint64_t user_id, std::uint64_t event_id) {
    // Claim the reminder first (its primary key): whatever happens next, it is never sent twice.
    const auto template_id = settings_.subscribe_template_id;
    auto take = [=](mysql_connection& db) { return claim_fallback(db, user_id, event_id, template_id); };
    auto claimed = co_await database_.transaction(std::move(take));
    if (!claimed.claimed || !claimed.has_subscription || claimed.openid.empty()) co_return;
    auto event = parse_outbox_event(claimed.kind, claimed.payload);
    if (!event) {
        log_.error("push_fallback_unreadable", {{"event_id", event_id}, {"kind", claimed.kind}});
        co_return;
    }
    auto fields = subscribe_fields(*event, settings_);
    if (fields.empty()) co_return;  // a kind without a subscribe message: the frame was all
    subscribe_message message;
    message.touser = claimed.openid;
    message.template_id = settings_.subscribe_template_id;
    message.page = settings_.subscribe_page;
    message.miniprogram_state = settings_.subscribe_miniprogram_state;
    for (auto& [field, value] : fields) message.data[field] = std::move(value);
    auto sent = co_await wechat_->send_subscribe_message(std::move(message));
    if (sent) {
        metrics_.increment("sharedstore_push_fallback_messages_total", {{"outcome", "sent"}});
        co_return;
    }
    metrics_.increment("sharedstore_push_fallback_messages_total", {{"outcome", "failed"}});
    log_.warn("push_fallback_failed", {{"user_id", user_id}, {"event_id", event_id}, {"errcode", sent.error().errcode}});
    const auto detail = "errcode " + std::to_string(sent.error().errcode);
    auto record = [=](mysql_connection& db) { record_fallback_failure(db, event_id, detail); };
    co_await database_.run(std::move(record));
}

asio::awaitable<int> outbox_relay::fallback_once() {
    if (settings_.subscribe_template_id.empty() || !wechat_) co_return 0;
    // Nearly every reminder is acknowledged: those are dropped inside Redis, a page at a time,
    // and only the few left cost a claim, a message and a drop each.
    constexpr int scan = 1000;
    int sent = 0;
    for (;;) {
        auto page = co_await box_.take_due_fallbacks(std::chrono::system_clock::now(), scan);
        // Quota first, a page at a time: a user without an accepted subscription left gets no
        // message, so their reminders are dropped together, without a claim each.
        std::vector<std::uint64_t> users;
        for (const auto& entry : page.unacknowledged) users.push_back(entry.first);
        std::vector<std::uint64_t> can;
        if (!users.empty()) {
            auto read = [users, template_id = settings_.subscribe_template_id](mysql_connection& db) {
                return users_with_subscription(db, users, template_id);
            };
            can = co_await database_.run(std::move(read));
        }
        std::vector<std::pair<std::uint64_t, std::uint64_t>> unsendable;
        for (auto [user, event] : page.unacknowledged) {
            if (stopping_) co_return sent;  // a claim cut off by the shutdown would read as sent
            if (!std::binary_search(can.begin(), can.end(), user)) {
                unsendable.emplace_back(user, event);
                continue;
            }
            co_await send_fallback(user, event);
            ++sent;
            co_await box_.drop_fallback(user, event);
        }
        if (!unsendable.empty()) {
            co_await box_.drop_fallbacks(unsendable);
            metrics_.increment("sharedstore_push_fallback_messages_total", {{"outcome", "no_subscription"}}, unsendable.size());
        }
        if (page.scanned < scan || stopping_) break;
    }
    co_return sent;
}

asio::awaitable<void> outbox_relay::run_fallbacks() {
    if (settings_.subscribe_template_id.empty() || !wechat_) co_return;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    bool failing = false;
    while (!stopping_) {
        // Fallbacks fall due after ack_timeout (30 s): looking four times a second is plenty.
        pause.expires_after(fallback_check_interval);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) break;
        try {
            if (co_await box_.hold_lock(instance_, lease)) co_await fallback_once();
            failing = false;
        } catch (const std::exception& e) {
            // Redis or MariaDB away: the due reminders stay scheduled; the relay says so too.
            if (!failing) log_.warn("push_fallback_pass_failed", {{"error", e.what()}});
            failing = true;
        }
    }
}

void outbox_relay::wake() {
    woken_ = true;
    if (pause_) pause_->cancel();
}

asio::awaitable<void> outbox_relay::run() {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    pause_ = &pause;
    asio::co_spawn(executor, run_fallbacks(), asio::detached);
    auto last_pass = std::chrono::steady_clock::time_point{};
    while (!stopping_) {
        // Passes are at least min_pass_gap apart: under load, commits made meanwhile share a
        // pass (one read, one Redis call, one update) instead of each paying for its own.
        const auto since = std::chrono::steady_clock::now() - last_pass;
        if (since < min_pass_gap) {
            pause.expires_after(min_pass_gap - since);
            boost::system::error_code ec;
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;  // a wake-up cancels the wait early: wait out the rest
        }
        last_pass = std::chrono::steady_clock::now();
        woken_ = false;  // what a wake-up asked for is looked at by this pass
        int relayed = 0;
        try {
            if (co_await box_.hold_lock(instance_, lease)) relayed = co_await relay_once();
        } catch (const std::exception& e) {
            // Redis or MariaDB away: the events wait in the outbox; try again shortly.
            log_.warn("push_relay_failed", {{"error", e.what()}});
            relayed = 0;
        }
        if (relayed == relay_batch || woken_) continue;  // more are waiting, or were committed meanwhile
        pause.expires_after(settings_.relay_interval);
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    pause_ = nullptr;
}

}  // namespace sharedstore
