#include "push/outbox_relay.hpp"

#include "common/dependency_error.hpp"
#include "push/outbox_history.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr int relay_batch = 200;
constexpr auto lease = std::chrono::milliseconds(5000);
constexpr auto min_pass_gap = std::chrono::milliseconds(5);
constexpr auto fallback_check_interval = std::chrono::milliseconds(250);

struct outbox_row {
    std::uint64_t id = 0, user_id = 0;
    std::string kind, payload;
    std::int64_t created_us = 0;
};

struct pending_read {
    std::vector<outbox_row> rows;
    std::int64_t relayed_mark_us = 0;  // the newest relayed_at: what Redis must remember
};

// Times in microseconds since the epoch, exact both ways (the session's time zone is UTC).
constexpr const char* epoch_origin = "TIMESTAMP'1970-01-01 00:00:00'";

pending_read pending_events(mysql_connection& db) {
    pending_read out;
    {
        mysql_statement mark(db.prepare(std::string("SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, ") + epoch_origin +
                                        ", MAX(relayed_at)), 0) FROM outbox_events"));
        std::unique_ptr<sql::ResultSet> rs(mark->executeQuery());
        if (rs->next()) out.relayed_mark_us = rs->getInt64(1);
    }
    mysql_statement select(db.prepare(std::string("SELECT id, user_id, kind, payload, TIMESTAMPDIFF(MICROSECOND, ") + epoch_origin +
                                      ", created_at) FROM outbox_events WHERE relayed_at IS NULL ORDER BY id LIMIT ?"));
    select->setInt(1, relay_batch);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    while (rs->next()) out.rows.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), rs->getString(4), rs->getInt64(5)});
    return out;
}

void mark_relayed(mysql_connection& db, const std::vector<std::uint64_t>& ids, std::int64_t stamp_us) {
    // The IN list is padded to a power of two with the last id: a handful of statement shapes
    // (1, 2, 4 ... 256 ids) that the connection keeps prepared, instead of one per batch size.
    std::size_t slots = 1;
    while (slots < ids.size()) slots *= 2;
    std::string question_marks;
    for (std::size_t i = 0; i < slots; ++i) question_marks += i ? ", ?" : "?";
    // relayed_at is the batch's stamp in Redis's relay mark (inbox::relay_batch), not the clock.
    mysql_statement update(db.prepare(std::string("UPDATE outbox_events SET relayed_at = ") + epoch_origin +
                                      " + INTERVAL ? MICROSECOND WHERE id IN (" + question_marks + ")"));
    update->setInt64(1, stamp_us);
    for (std::size_t i = 0; i < slots; ++i) update->setUInt64(static_cast<unsigned>(i + 2), ids[std::min(i, ids.size() - 1)]);
    update->executeUpdate();
}

std::int64_t epoch_us(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string subscribe_thing(std::string_view text) {
    // thing: at most 20 characters (code points), no newlines.
    std::string out;
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size() && characters < 20;) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        if (i + length > text.size()) break;
        if (text[i] != '\n' && text[i] != '\r') {
            out.append(text.substr(i, length));
            ++characters;
        }
        i += length;
    }
    return out;
}

std::string subscribe_amount(std::int64_t fen) {
    // "¥7.68": a sign and at most 10 digits; bigger amounts do not fit WeChat's field.
    if (fen < 0) fen = 0;
    if (fen > 9'999'999'999LL) fen = 9'999'999'999LL;
    const auto cents = fen % 100;
    return "¥" + std::to_string(fen / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

asio::awaitable<int> outbox_relay::relay_once() {
    // Twice at most: a pass that finds Redis's tail lost puts it back in the outbox, then relays.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto read = [](mysql_connection& db) { return pending_events(db); };
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
            const bool schedule = fallbacks && row.created_us + ack_us > lost_at_us_;
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
    auto reset = [cutoff](mysql_connection& db) {
        mysql_statement update(db.prepare(std::string("UPDATE outbox_events SET relayed_at = NULL WHERE relayed_at > ") + epoch_origin +
                                          " + INTERVAL ? MICROSECOND"));
        update->setInt64(1, cutoff);
        return update->executeUpdate();
    };
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
    struct claim {
        bool claimed = false;
        bool has_subscription = false;
        std::string openid, payload;
    };
    const auto template_id = settings_.subscribe_template_id;
    auto take = [=](mysql_connection& db) {
        claim c;
        mysql_statement insert(db.prepare(
            "INSERT INTO push_fallbacks (outbox_event_id, user_id, outcome) VALUES (?, ?, 'no_subscription') ON DUPLICATE KEY UPDATE user_id = user_id"));
        insert->setUInt64(1, event_id);
        insert->setUInt64(2, user_id);
        c.claimed = insert->executeUpdate() == 1;
        if (!c.claimed) return c;
        mysql_statement spend(db.prepare(
            "UPDATE push_subscriptions SET remaining = remaining - 1 WHERE user_id = ? AND template_id = ? AND remaining > 0"));
        spend->setUInt64(1, user_id);
        spend->setString(2, template_id);
        c.has_subscription = spend->executeUpdate() == 1;
        if (c.has_subscription) {
            mysql_statement facts(db.prepare(
                "SELECT u.openid, e.payload FROM users u JOIN outbox_events e ON e.id = ? WHERE u.id = ?"));
            facts->setUInt64(1, event_id);
            facts->setUInt64(2, user_id);
            std::unique_ptr<sql::ResultSet> rs(facts->executeQuery());
            if (rs->next()) {
                c.openid = rs->getString(1);
                c.payload = rs->getString(2);
            }
            mysql_statement mark(db.prepare("UPDATE push_fallbacks SET outcome = 'sent' WHERE outbox_event_id = ?"));
            mark->setUInt64(1, event_id);
            mark->executeUpdate();
        }
        return c;
    };
    auto claimed = co_await database_.transaction(std::move(take));
    if (!claimed.claimed || !claimed.has_subscription || claimed.openid.empty()) co_return;

    boost::system::error_code ec;
    auto value = json::parse(claimed.payload, ec);
    const auto event = !ec && value.is_object() ? value.as_object() : json::object{};
    auto text = [&](const char* key) {
        const auto* v = event.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    auto number = [&](const char* key) {
        const auto* v = event.if_contains(key);
        return v && v->is_int64() ? v->as_int64() : 0;
    };
    std::string merchant;
    if (const auto* m = event.if_contains("merchant"); m && m->is_object())
        if (const auto* name = m->as_object().if_contains("name"); name && name->is_string()) merchant = std::string(name->as_string());
    auto paid_at = text("paid_at");  // 2026-11-27T08:00:00Z -> "2026-11-27 08:00"
    if (paid_at.size() >= 16) paid_at = paid_at.substr(0, 10) + " " + paid_at.substr(11, 5);
    const bool reversal = text("type") == "reversal";
    subscribe_message message;
    message.touser = claimed.openid;
    message.template_id = settings_.subscribe_template_id;
    message.page = settings_.subscribe_page;
    message.miniprogram_state = settings_.subscribe_miniprogram_state;
    message.data = {{settings_.field_amount, subscribe_amount(reversal ? number("reversed_fen") : number("dividend_fen"))},
                    {settings_.field_merchant, subscribe_thing(merchant)},
                    {settings_.field_time, paid_at},
                    {settings_.field_customer, subscribe_thing((reversal ? "退款冲回 " : "") + text("customer"))}};
    auto sent = co_await wechat_->send_subscribe_message(std::move(message));
    if (sent) {
        metrics_.increment("sharedstore_push_fallback_messages_total", {{"outcome", "sent"}});
        co_return;
    }
    metrics_.increment("sharedstore_push_fallback_messages_total", {{"outcome", "failed"}});
    log_.warn("push_fallback_failed", {{"user_id", user_id}, {"event_id", event_id}, {"errcode", sent.error().errcode}});
    const auto detail = "errcode " + std::to_string(sent.error().errcode);
    auto record = [=](mysql_connection& db) {
        mysql_statement mark(
            db.prepare("UPDATE push_fallbacks SET outcome = 'failed', detail = ? WHERE outbox_event_id = ?"));
        mark->setString(1, detail);
        mark->setUInt64(2, event_id);
        mark->executeUpdate();
    };
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
        for (auto [user, event] : page.unacknowledged) {
            co_await send_fallback(user, event);
            ++sent;
            co_await box_.drop_fallback(user, event);
        }
        if (page.scanned < scan || stopping_) break;
    }
    co_return sent;
}

void outbox_relay::wake() {
    woken_ = true;
    if (pause_) pause_->cancel();
}

asio::awaitable<void> outbox_relay::run() {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    pause_ = &pause;
    auto last_pass = std::chrono::steady_clock::time_point{};
    auto last_fallback = last_pass;
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
            if (co_await box_.hold_lock(instance_, lease)) {
                relayed = co_await relay_once();
                // Fallbacks fall due after ack_timeout (30 s): looking four times a second is plenty.
                if (last_pass - last_fallback >= fallback_check_interval) {
                    last_fallback = last_pass;
                    co_await fallback_once();
                }
            }
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
