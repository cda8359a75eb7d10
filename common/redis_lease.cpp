#include "common/redis_lease.hpp"

#include "common/dependency_error.hpp"

namespace sharedstore {

boost::asio::awaitable<bool> hold_redis_lease(redis_client& redis, std::string key, std::string owner, std::chrono::milliseconds ttl) {
    static const std::string take_or_keep =
        "local holder = redis.call('GET', KEYS[1]) "
        "if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
        "if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0";
    std::vector<std::string> eval{"EVAL", take_or_keep, "1", std::move(key), std::move(owner), std::to_string(ttl.count())};
    auto reply = co_await redis.command(std::move(eval));
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
    co_return reply.integer == 1;
}

}  // namespace sharedstore
