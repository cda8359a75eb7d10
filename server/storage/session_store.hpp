#pragma once
// Login sessions in Redis. The client holds an opaque random token (256 bits); Redis holds only
// its SHA-256, so a copy of Redis yields no usable token. The WeChat session_key lives in the
// session record and never leaves the server.
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sharedstore {

struct session_record {
    std::uint64_t user_id = 0;
    std::string openid;
    std::string session_id;  // names the session (the token's SHA-256), never the token
    std::chrono::system_clock::time_point expires_at;
};

class session_store {
public:
    session_store(std::shared_ptr<redis_client> redis, std::chrono::seconds ttl);

    std::chrono::seconds ttl() const { return ttl_; }
    // Returns the token to hand to the client. Throws dependency_unavailable when Redis is down.
    boost::asio::awaitable<std::string> create(std::uint64_t user_id, std::string openid, std::string wechat_session_key);
    // nullopt for a malformed, unknown, expired or revoked token.
    boost::asio::awaitable<std::optional<session_record>> find(std::string token);
    boost::asio::awaitable<void> revoke(std::string token);

private:
    std::shared_ptr<redis_client> redis_;
    std::chrono::seconds ttl_;
};

// A token as we issue them: 64 lower-case hex characters.
bool well_formed_session_token(std::string_view token);

}  // namespace sharedstore
