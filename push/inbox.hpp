#pragma once
// Reminders in Redis. Each user has an inbox stream (`inbox:<user>`) whose entry ids are
// "<outbox id>-0": they only grow, appending the same event twice is refused by Redis (so a relay
// that crashed between Redis and MariaDB cannot duplicate it), and clients resume from the last id
// they saw. Around it: which instances hold a user's connections (presence), a per-instance stream
// of "look at this user's inbox" pokes, the acknowledged position per user, the fallback schedule
// and the relay's lock. Redis failures throw dependency_unavailable (redis_client).
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct inbox_event {
    std::uint64_t id = 0;  // the outbox id; the stream id is "<id>-0"
    std::string frame;     // the JSON frame sent to clients
};

// A frame that rode a poke (pokes_key): `prev` is the id of the inbox entry before it when it was
// appended (0: none), so a session that sent `prev` may send it without reading the inbox.
struct poked_frame {
    std::uint64_t prev = 0, id = 0;
    std::string frame;
};

// "123-0" -> 123; nullopt for anything else (a client's resume or ack id).
std::optional<std::uint64_t> parse_event_id(std::string_view text);
std::string format_event_id(std::uint64_t id);

class inbox {
public:
    inbox(redis_client& redis, int max_events, std::chrono::seconds ttl) : redis_(redis), max_events_(max_events), ttl_(ttl) {}

    // The relay's batch in one round trip (a Lua script, atomic): appends each event (in order;
    // one already there is skipped), schedules its fallback check at `fallback_due_ms` (0: none),
    // and pokes every instance present for each user.
    //
    // Redis may come back from a crash, a restart or a failover without its last writes (AOF
    // everysec, no persistence, a replica behind). The script keeps a relay mark in Redis, the
    // stamp of the last batch it appended, written by the same atomic call as the appends: it
    // survives exactly as far as they do. MariaDB records that stamp as the events' relayed_at.
    // A call whose `expected_mark_us` (MariaDB's newest relayed_at) is above Redis's mark appends
    // nothing and says the tail is lost (an empty batch only checks).
    struct relayed_event {
        std::uint64_t user_id = 0, event_id = 0;
        std::string frame;
        std::int64_t fallback_due_ms = 0;
    };
    struct relay_outcome {
        bool tail_lost = false;
        // Appended: the stamp to record as relayed_at (microseconds since the epoch, above every
        // earlier one). Tail lost: Redis's mark (0: Redis has none, it lost everything).
        std::int64_t mark_us = 0;
    };
    boost::asio::awaitable<relay_outcome> relay_batch(std::vector<relayed_event> events, std::int64_t expected_mark_us, std::int64_t now_us);
    // After a lost tail was put back in the outbox: Redis's mark rises to `mark_us`, so that the
    // events still marked relayed at or below it no longer count as lost.
    boost::asio::awaitable<void> raise_relay_mark(std::int64_t mark_us);
    // The oldest event id the inbox holds (0 when empty or missing).
    boost::asio::awaitable<std::uint64_t> first_id(std::uint64_t user_id);
    // Events after `after_id`, oldest first.
    boost::asio::awaitable<std::vector<inbox_event>> read_after(std::uint64_t user_id, std::uint64_t after_id, int count);
    // The newest event id (0 when empty).
    boost::asio::awaitable<std::uint64_t> last_id(std::uint64_t user_id);

    // Presence: `instance` holds connections of these users for the next `ttl`. One Redis round
    // trip per `presence_batch` users.
    static constexpr std::size_t presence_batch = 1000;
    boost::asio::awaitable<void> mark_present(std::vector<std::uint64_t> user_ids, std::string instance, std::chrono::milliseconds ttl);
    boost::asio::awaitable<std::vector<std::string>> instances_of(std::uint64_t user_id);

    // Raises the highest event id the user acknowledged (the fallback skips those at or below it).
    boost::asio::awaitable<void> acknowledge(std::uint64_t user_id, std::uint64_t event_id);
    // The same for many users: one round trip per thousand (ack_batch's flush).
    boost::asio::awaitable<void> acknowledge_many(std::vector<std::pair<std::uint64_t, std::uint64_t>> acks);

    // Fallback checks due by `now` (relay_batch schedules them), up to `scan` of them in one
    // round trip: those already acknowledged are dropped there; the (user, event) pairs still
    // unacknowledged come back, left scheduled until drop_fallback. `scanned` says how many were
    // looked at (== scan: more may be due).
    struct due_fallback_page {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> unacknowledged;
        int scanned = 0;
    };
    boost::asio::awaitable<due_fallback_page> take_due_fallbacks(std::chrono::system_clock::time_point now, int scan);
    boost::asio::awaitable<void> drop_fallback(std::uint64_t user_id, std::uint64_t event_id);
    // Several at once (one ZREM): reminders whose users have no subscription left to spend.
    boost::asio::awaitable<void> drop_fallbacks(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& entries);

    // Tells the instance holding the relay's lock (or `self`, when none does) that new outbox
    // events are committed: its relay looks now instead of at its next poll.
    boost::asio::awaitable<void> wake_relay(std::string self);

    // A login session ended (signed out): every instance closes the sockets it opened (4401). The
    // stream is shared by all instances, read beside each one's pokes.
    boost::asio::awaitable<void> announce_session_end(std::uint64_t user_id, std::string session_id);

    // The relay's lock: taken or kept by `owner` for `ttl`; false when another instance holds it.
    boost::asio::awaitable<bool> hold_lock(std::string owner, std::chrono::milliseconds ttl);

private:
    redis_client& redis_;
    int max_events_;
    std::chrono::seconds ttl_;
};

// The per-instance stream of pokes, read with a blocking XREAD on a connection of its own. An
// entry of relay_batch's carries `seq` (one more than the instance's previous one) and the batch's
// frames for users present there: field "<user>:<previous inbox id>:<id>", value the frame. An
// entry with `user` asks that user's sessions to read their inbox; one with `relay` wakes the relay.
std::string pokes_key(const std::string& instance);
// The stream of ended login sessions (fields `user`, `session`), read by every instance.
std::string session_ends_key();

}  // namespace sharedstore
