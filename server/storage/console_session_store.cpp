#include "server/storage/console_session_store.hpp"

#include "common/dependency_error.hpp"
#include "common/random_token.hpp"
#include "common/sha256.hpp"
#include "server/storage/session_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

std::string sessions_of_key(std::uint64_t user_id) { return "console:sessions:" + std::to_string(user_id); }

long long unix_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

void check(const redis_reply& reply) {
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
}

}  // namespace

std::string console_session_key(const std::string& session_id) { return "console:session:" + session_id; }

asio::awaitable<new_console_session> console_session_store::create(std::uint64_t user_id) {
    new_console_session created;
    created.token = random_hex(32);
    auto& record = created.record;
    record.user_id = user_id;
    record.session_id = sha256_hex(created.token);
    record.csrf_token = random_hex(32);
    const auto now = std::chrono::system_clock::now();
    // Whole milliseconds, as stored: find() compares with what it reads back.
    record.expires_at = std::chrono::system_clock::time_point(milliseconds(unix_ms(now + limits_.absolute)));
    const boost::json::object value{{"user_id", user_id}, {"csrf", record.csrf_token}, {"expires_at_ms", unix_ms(record.expires_at)}};
    const auto ttl = std::min<milliseconds>(limits_.idle, limits_.absolute);
    std::vector<std::string> set{"SET", console_session_key(record.session_id), boost::json::serialize(value), "PX", std::to_string(ttl.count())};
    auto set_reply = co_await redis_->command(std::move(set));
    check(set_reply);
    // The user's list lives as long as their newest session can.
    std::vector<std::string> add{"SADD", sessions_of_key(user_id), record.session_id};
    auto add_reply = co_await redis_->command(std::move(add));
    check(add_reply);
    std::vector<std::string> keep{"PEXPIRE", sessions_of_key(user_id), std::to_string(milliseconds(limits_.absolute).count())};
    auto keep_reply = co_await redis_->command(std::move(keep));
    check(keep_reply);
    co_return created;
}

asio::awaitable<std::optional<console_session_record>> console_session_store::find(std::string token) {
    if (!well_formed_session_token(token)) co_return std::nullopt;
    console_session_record record;
    record.session_id = sha256_hex(token);
    const auto key = console_session_key(record.session_id);
    std::vector<std::string> get{"GET", key};
    auto reply = co_await redis_->command(std::move(get));
    check(reply);
    if (reply.type != redis_reply::kind::string) co_return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(reply.str, ec);
    if (ec || !value.is_object()) co_return std::nullopt;
    const auto& o = value.as_object();
    const auto* user = o.if_contains("user_id");
    const auto* csrf = o.if_contains("csrf");
    const auto* expires = o.if_contains("expires_at_ms");
    if (!user || !user->is_number() || !csrf || !csrf->is_string() || !expires || !expires->is_int64()) co_return std::nullopt;
    record.user_id = user->to_number<std::uint64_t>();
    record.csrf_token = std::string(csrf->as_string());
    record.expires_at = std::chrono::system_clock::time_point(milliseconds(expires->as_int64()));
    const auto now = std::chrono::system_clock::now();
    if (record.user_id == 0 || now >= record.expires_at) co_return std::nullopt;
    // The idle limit starts again, never past the absolute end.
    const auto left = std::chrono::duration_cast<milliseconds>(record.expires_at - now);
    const auto ttl = std::max<milliseconds>(milliseconds(1), std::min<milliseconds>(limits_.idle, left));
    std::vector<std::string> touch{"PEXPIRE", key, std::to_string(ttl.count())};
    auto touch_reply = co_await redis_->command(std::move(touch));
    check(touch_reply);
    co_return record;
}

asio::awaitable<void> console_session_store::revoke(std::uint64_t user_id, std::string session_id) {
    std::vector<std::string> del{"DEL", console_session_key(session_id)};
    auto del_reply = co_await redis_->command(std::move(del));
    check(del_reply);
    std::vector<std::string> forget{"SREM", sessions_of_key(user_id), std::move(session_id)};
    auto forget_reply = co_await redis_->command(std::move(forget));
    check(forget_reply);
}

asio::awaitable<int> console_session_store::revoke_all(std::uint64_t user_id) {
    std::vector<std::string> members{"SMEMBERS", sessions_of_key(user_id)};
    auto listed = co_await redis_->command(std::move(members));
    check(listed);
    // One key at a time (no multi-key command across hash slots); a session made meanwhile is
    // newer than this request and keeps its entry.
    int revoked = 0;
    for (const auto& id : listed.elements) {
        std::vector<std::string> del{"DEL", console_session_key(id.str)};
        auto gone = co_await redis_->command(std::move(del));
        check(gone);
        revoked += static_cast<int>(gone.integer);
        std::vector<std::string> forget{"SREM", sessions_of_key(user_id), id.str};
        auto forget_reply = co_await redis_->command(std::move(forget));
        check(forget_reply);
    }
    co_return revoked;
}

}  // namespace sharedstore
