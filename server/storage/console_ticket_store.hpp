#pragma once
// Console login tickets in Redis (docs/console-login.md): one hash per ticket under the ticket's
// SHA-256 (a copy of Redis yields no usable ticket), living as long as the ticket, moved along
// pending -> confirmed -> used by single-key Lua scripts so that two confirmations, or two
// waiting pages, can never both win. A confirmation is announced on a stream every instance reads
// (console_ticket_wakeups), so waiting pages learn of it without asking again.
#include "common/redis_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sharedstore {

enum class ticket_confirmation {
    confirmed,   // now, by this user
    replayed,    // already, by this same user (a retried confirmation)
    taken,       // already, by another user
    not_found,   // unknown, expired
};

enum class ticket_claim_state {
    pending,         // not confirmed yet
    claimed,         // confirmed, and this call took it: `user_id` is who confirmed it
    gone,            // unknown, expired, or already taken by another waiting page
    other_browser,   // the ticket exists but the waiter secret is not the one it was made with
};

struct ticket_claim {
    ticket_claim_state state = ticket_claim_state::gone;
    std::uint64_t user_id = 0;                          // claimed
    std::chrono::system_clock::time_point expires_at;   // pending
};

class console_ticket_store {
public:
    explicit console_ticket_store(std::shared_ptr<redis_client> redis) : redis_(std::move(redis)) {}

    // Every method throws dependency_unavailable when Redis is down. `ticket` and `waiter_secret`
    // are the clear values; only their SHA-256 reach Redis.
    boost::asio::awaitable<void> create(std::string ticket, std::string waiter_secret, std::chrono::system_clock::time_point expires_at);
    // On `confirmed`, the confirmation is announced to every instance's waiters.
    boost::asio::awaitable<ticket_confirmation> confirm(std::string ticket, std::uint64_t user_id);
    boost::asio::awaitable<ticket_claim> claim(std::string ticket, std::string waiter_secret);

private:
    std::shared_ptr<redis_client> redis_;
};

// What names a ticket in Redis and in announcements: its SHA-256.
std::string console_ticket_id(const std::string& ticket);
// The stream every instance reads for confirmations (entries: t = console_ticket_id).
inline constexpr const char* console_ticket_confirmations_key = "console:tickets:confirmed";

}  // namespace sharedstore
