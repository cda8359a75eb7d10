#include "server/storage/console_ticket_store.hpp"

#include "common/dependency_error.hpp"
#include "common/sha256.hpp"

#include <algorithm>
#include <charconv>

namespace sharedstore {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

std::string key_of(const std::string& ticket) { return "console:ticket:" + console_ticket_id(ticket); }

void check(const redis_reply& reply) {
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
}

std::uint64_t number_of(const redis_reply& reply) {
    std::uint64_t value = 0;
    if (reply.type == redis_reply::kind::integer) return static_cast<std::uint64_t>(reply.integer);
    std::from_chars(reply.str.data(), reply.str.data() + reply.str.size(), value);
    return value;
}

// ARGV: waiter hash, expires_at ms, key lifetime ms. The ticket ends on the server's clock: the
// scripts below compare expires_at with the server's now, so a key Redis drops a little later
// than that (its lifetime is relative, with a second to spare, so a Redis clock set apart from
// ours cannot cut it short) lets no late confirmation through.
constexpr const char* create_script =
    "redis.call('HSET', KEYS[1], 'state', 'pending', 'waiter', ARGV[1], 'expires_at', ARGV[2]) "
    "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1";

// ARGV: user id, now ms. 1 confirmed, 2 replayed (the same user), 3 taken (another user), 0 not
// found (or past its end).
constexpr const char* confirm_script =
    "local t = redis.call('HMGET', KEYS[1], 'state', 'expires_at') "
    "local state = t[1] "
    "if not state or tonumber(t[2]) <= tonumber(ARGV[2]) then return 0 end "
    "if state == 'pending' then redis.call('HSET', KEYS[1], 'state', 'confirmed', 'user', ARGV[1]) return 1 end "
    "if redis.call('HGET', KEYS[1], 'user') == ARGV[1] then return 2 end "
    "return 3";

// ARGV: waiter hash, now ms. {0} gone (or a pending one past its end), {-1} other browser,
// {1, expires_at} pending, {2, user} claimed (the ticket is used from now on), {3} used already.
constexpr const char* claim_script =
    "local t = redis.call('HMGET', KEYS[1], 'state', 'waiter', 'user', 'expires_at') "
    "if not t[1] then return {0} end "
    "if t[2] ~= ARGV[1] then return {-1} end "
    "if t[1] == 'pending' then if tonumber(t[4]) <= tonumber(ARGV[2]) then return {0} end return {1, t[4]} end "
    "if t[1] == 'confirmed' then redis.call('HSET', KEYS[1], 'state', 'used') return {2, t[3]} end "
    "return {3}";

long long unix_ms(std::chrono::system_clock::time_point t) { return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count(); }

}  // namespace

std::string console_ticket_id(const std::string& ticket) { return sha256_hex(ticket); }

asio::awaitable<void> console_ticket_store::create(std::string ticket, std::string waiter_secret, std::chrono::system_clock::time_point expires_at) {
    const auto lifetime_ms = std::max<std::int64_t>(1, unix_ms(expires_at) - unix_ms(std::chrono::system_clock::now())) + 1000;
    std::vector<std::string> eval{"EVAL", create_script, "1", key_of(ticket), sha256_hex(waiter_secret), std::to_string(unix_ms(expires_at)),
                                  std::to_string(lifetime_ms)};
    auto reply = co_await redis_->command(std::move(eval));
    check(reply);
}

asio::awaitable<ticket_confirmation> console_ticket_store::confirm(std::string ticket, std::uint64_t user_id) {
    std::vector<std::string> eval{"EVAL", confirm_script, "1", key_of(ticket), std::to_string(user_id),
                                  std::to_string(unix_ms(std::chrono::system_clock::now()))};
    auto reply = co_await redis_->command(std::move(eval));
    check(reply);
    switch (reply.integer) {
    case 1: break;
    case 2: co_return ticket_confirmation::replayed;
    case 3: co_return ticket_confirmation::taken;
    default: co_return ticket_confirmation::not_found;
    }
    // Announced after the state changed: a page woken by it finds the ticket confirmed. Should
    // this fail, a waiting page still finds the confirmation when its wait ends.
    std::vector<std::string> announce{"XADD", console_ticket_confirmations_key, "MAXLEN", "~", "10000", "*", "t", console_ticket_id(ticket)};
    auto announced = co_await redis_->command(std::move(announce));
    check(announced);
    co_return ticket_confirmation::confirmed;
}

asio::awaitable<ticket_claim> console_ticket_store::claim(std::string ticket, std::string waiter_secret) {
    std::vector<std::string> eval{"EVAL", claim_script, "1", key_of(ticket), sha256_hex(waiter_secret),
                                  std::to_string(unix_ms(std::chrono::system_clock::now()))};
    auto reply = co_await redis_->command(std::move(eval));
    check(reply);
    ticket_claim out;
    if (reply.type != redis_reply::kind::array || reply.elements.empty()) co_return out;
    switch (reply.elements[0].integer) {
    case -1: out.state = ticket_claim_state::other_browser; break;
    case 1:
        out.state = ticket_claim_state::pending;
        if (reply.elements.size() > 1)
            out.expires_at = std::chrono::system_clock::time_point(milliseconds(static_cast<long long>(number_of(reply.elements[1]))));
        break;
    case 2:
        out.state = ticket_claim_state::claimed;
        if (reply.elements.size() > 1) out.user_id = number_of(reply.elements[1]);
        if (out.user_id == 0) out.state = ticket_claim_state::gone;
        break;
    default: out.state = ticket_claim_state::gone; break;
    }
    co_return out;
}

}  // namespace sharedstore
