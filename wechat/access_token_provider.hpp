#pragma once
// The mini-program's access token, shared by every server instance through Redis.
//
// - One key holds the token with a Redis TTL equal to its lifetime, so every instance reads the
//   same token and WeChat's stable_token endpoint is called once, not once per instance.
// - Refresh starts `refresh_margin` before expiry (WeChat's normal mode hands out the next token
//   in the last 5 minutes, both valid meanwhile), by the one instance that wins a short Redis
//   lock; the others keep using the still-valid token, or wait briefly for the winner's.
// - invalidate(token) after WeChat answers 40001/42001: the token is dropped if it is still the
//   cached one; if the next normal-mode fetch returns that same token, a force_refresh follows
//   (at most one every 30 s across all instances, as WeChat requires).
#include "common/log.hpp"
#include "common/redis_client.hpp"
#include "wechat/wechat_api.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace sharedstore {

struct access_token_config {
    std::chrono::seconds refresh_margin{300};
    std::chrono::milliseconds lock_ttl{10000};
    std::chrono::milliseconds wait_for_refresher{3000};
};

class access_token_provider {
public:
    access_token_provider(wechat_api& api, std::shared_ptr<redis_client> redis, logger& log, access_token_config config = {});

    // Throws dependency_unavailable("wechat") when no token can be had, ("redis") when Redis is down.
    boost::asio::awaitable<std::string> get();
    boost::asio::awaitable<void> invalidate(std::string rejected_token);

private:
    boost::asio::awaitable<std::string> refresh(std::string lock_owner);
    boost::asio::awaitable<redis_reply> redis(std::vector<std::string> argv);

    wechat_api& api_;
    std::shared_ptr<redis_client> redis_;
    logger& log_;
    access_token_config config_;
    std::string token_key_, lock_key_, rejected_key_, force_key_;
};

// Whether an errcode says the access token itself was refused (so: invalidate and retry once).
bool is_access_token_error(int errcode);

}  // namespace sharedstore
