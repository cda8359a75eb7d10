#pragma once
// The outbox in MariaDB as the durable record of a user's reminders: what a resume needs when the
// Redis inbox no longer holds it (trimmed to push.inbox_max_events, expired, or lost with Redis).
// Also the one place that turns an outbox row into its client frame, for the relay and for this.
#include "common/mysql_pool.hpp"
#include "push/inbox.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sharedstore {

// The client's frame: the event as the orders code wrote it, plus its id (docs/websocket.md).
std::string outbox_frame(std::uint64_t id, const std::string& kind, const std::string& payload);

class outbox_history {
public:
    explicit outbox_history(mysql_pool& database) : database_(database) {}

    // Where to page from to get at most `limit` of the user's events in (after, before), the
    // newest ones: `after`, or the id below them when there are more.
    boost::asio::awaitable<std::uint64_t> start_of_newest(std::uint64_t user_id, std::uint64_t after, std::uint64_t before, int limit);
    // The user's events in (after, before), oldest first, at most `count`.
    boost::asio::awaitable<std::vector<inbox_event>> read(std::uint64_t user_id, std::uint64_t after, std::uint64_t before, int count);

private:
    mysql_pool& database_;
};

}  // namespace sharedstore
