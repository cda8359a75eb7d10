#pragma once
// Merchant console sessions in Redis (docs/console-login.md). The browser holds an opaque random
// token (256 bits) in an HttpOnly cookie; Redis holds only its SHA-256, with the session's CSRF
// token and its absolute end. The key's TTL is the idle limit, pushed back on every use but never
// past the absolute end; a set per user lists the user's sessions for revoke-all.
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sharedstore {

struct console_session_record {
    std::uint64_t user_id = 0;
    std::string session_id;  // the token's SHA-256, never the token
    std::string csrf_token;  // sent back as X-CSRF-Token on writes
    std::chrono::system_clock::time_point expires_at;  // the absolute end
};

struct console_session_limits {
    std::chrono::seconds idle{1800};
    std::chrono::seconds absolute{12 * 3600};
};

struct new_console_session {
    std::string token;  // for the cookie, once
    console_session_record record;
};

class console_session_store {
public:
    console_session_store(std::shared_ptr<redis_client> redis, console_session_limits limits) : redis_(std::move(redis)), limits_(limits) {}

    const console_session_limits& limits() const { return limits_; }
    // Throws dependency_unavailable when Redis is down (as every method here).
    boost::asio::awaitable<new_console_session> create(std::uint64_t user_id);
    // nullopt for a malformed, unknown, idle, expired or revoked token; a found session's idle
    // limit starts again.
    boost::asio::awaitable<std::optional<console_session_record>> find(std::string token);
    boost::asio::awaitable<void> revoke(std::uint64_t user_id, std::string session_id);
    // Every console session of the user: how many there were.
    boost::asio::awaitable<int> revoke_all(std::uint64_t user_id);

private:
    std::shared_ptr<redis_client> redis_;
    console_session_limits limits_;
};

// The Redis key of a console session: "console:session:" + its id (tests read its TTL).
std::string console_session_key(const std::string& session_id);

}  // namespace sharedstore
