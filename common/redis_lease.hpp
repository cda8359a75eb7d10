#pragma once
// A lease in Redis: at most one holder of a name at a time, for a bounded time. The outbox relay
// holds "push:relay-lock"; each scheduled job holds "job:<name>" so that one instance runs it per
// period. Taking and renewing are one Lua call, so two instances never both believe they hold it.
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace sharedstore {

// Takes the lease `key` for `owner`, or renews it when `owner` holds it already; false when
// another owner holds it. Throws dependency_unavailable when Redis is down.
boost::asio::awaitable<bool> hold_redis_lease(redis_client& redis, std::string key, std::string owner, std::chrono::milliseconds ttl);

}  // namespace sharedstore
