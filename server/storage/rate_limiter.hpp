#pragma once
// Fixed-window request counters in Redis, shared by every instance: at most `limit` hits per
// `window` for one key (an address, an openid).
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace sharedstore {

struct rate_decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until the window ends
};

class rate_limiter {
public:
    explicit rate_limiter(std::shared_ptr<redis_client> redis) : redis_(std::move(redis)) {}
    // Throws dependency_unavailable when Redis is down (callers fail closed: no Redis, no login).
    boost::asio::awaitable<rate_decision> hit(std::string key, int limit, std::chrono::seconds window);

private:
    std::shared_ptr<redis_client> redis_;
};

}  // namespace sharedstore
