#include "server/storage/session_store.hpp"

#include "common/dependency_error.hpp"
#include "common/random_token.hpp"
#include "common/sha256.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sharedstore {

namespace asio = boost::asio;

namespace {
// The session's id is the token's SHA-256; Redis keys it by that id.
std::string key_of(const std::string& session_id) { return "session:" + session_id; }
}  // namespace

bool well_formed_session_token(std::string_view token) {
    return token.size() == 64 && std::all_of(token.begin(), token.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

session_store::session_store(std::shared_ptr<redis_client> redis, std::chrono::seconds ttl) : redis_(std::move(redis)), ttl_(ttl) {}

asio::awaitable<std::string> session_store::create(std::uint64_t user_id, std::string openid, std::string wechat_session_key) {
    auto token = random_hex(32);
    const auto expires_at = std::chrono::duration_cast<std::chrono::seconds>((std::chrono::system_clock::now() + ttl_).time_since_epoch());
    boost::json::object record{{"user_id", user_id}, {"openid", openid}, {"session_key", wechat_session_key}, {"expires_at", expires_at.count()}};
    std::vector<std::string> set{"SET", key_of(sha256_hex(token)), boost::json::serialize(record), "EX", std::to_string(ttl_.count())};
    auto reply = co_await redis_->command(std::move(set));
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
    co_return token;
}

asio::awaitable<std::optional<session_record>> session_store::find(std::string token) {
    if (!well_formed_session_token(token)) co_return std::nullopt;
    auto session_id = sha256_hex(token);
    std::vector<std::string> get{"GET", key_of(session_id)};
    auto reply = co_await redis_->command(std::move(get));
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
    if (reply.type != redis_reply::kind::string) co_return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(reply.str, ec);
    if (ec || !value.is_object()) co_return std::nullopt;
    const auto& o = value.as_object();
    session_record session;
    if (auto it = o.find("user_id"); it != o.end() && it->value().is_number()) session.user_id = it->value().to_number<std::uint64_t>();
    if (auto it = o.find("openid"); it != o.end() && it->value().is_string()) session.openid = std::string(it->value().as_string());
    if (session.user_id == 0) co_return std::nullopt;
    session.session_id = std::move(session_id);
    // Records written before expires_at was kept: at the latest a whole TTL from now.
    session.expires_at = std::chrono::system_clock::now() + ttl_;
    if (auto it = o.find("expires_at"); it != o.end() && it->value().is_int64())
        session.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(it->value().as_int64()));
    co_return session;
}

asio::awaitable<void> session_store::revoke(std::string token) {
    if (!well_formed_session_token(token)) co_return;
    std::vector<std::string> del{"DEL", key_of(sha256_hex(token))};
    co_await redis_->command(std::move(del));
}

}  // namespace sharedstore
