#include "wechat/access_token_provider.hpp"

#include "common/dependency_error.hpp"
#include "common/random_token.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sharedstore {

namespace asio = boost::asio;

namespace {
// Deletes KEYS[1] only if it still holds ARGV[1] (never someone else's newer token or lock).
constexpr const char* delete_if_equal =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
}  // namespace

bool is_access_token_error(int errcode) {
    return errcode == wechat_errcode::invalid_credential || errcode == wechat_errcode::access_token_expired ||
           errcode == wechat_errcode::access_token_missing;
}

access_token_provider::access_token_provider(wechat_api& api, std::shared_ptr<redis_client> redis, logger& log,
                                             access_token_config config)
    : api_(api), redis_(std::move(redis)), log_(log), config_(config) {
    const std::string prefix = "wechat:" + api_.appid() + ":access_token";
    token_key_ = prefix;
    lock_key_ = prefix + ":refresh_lock";
    rejected_key_ = prefix + ":rejected";
    force_key_ = prefix + ":force_refresh_guard";
}

asio::awaitable<redis_reply> access_token_provider::redis(std::vector<std::string> argv) {
    auto reply = co_await redis_->command(std::move(argv));
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
    co_return reply;
}

asio::awaitable<std::string> access_token_provider::get() {
    const auto deadline = std::chrono::steady_clock::now() + config_.wait_for_refresher;
    for (;;) {
        std::vector<std::string> get_token{"GET", token_key_};
        auto token = co_await redis(std::move(get_token));
        std::vector<std::string> ttl_of{"PTTL", token_key_};
        auto ttl = co_await redis(std::move(ttl_of));
        const bool have = token.type == redis_reply::kind::string && ttl.integer > 0;
        if (have && std::chrono::milliseconds(ttl.integer) > config_.refresh_margin) co_return token.str;

        const std::string owner = random_hex(8);
        std::vector<std::string> lock{"SET", lock_key_, owner, "NX", "PX", std::to_string(config_.lock_ttl.count())};
        auto locked = co_await redis(std::move(lock));
        if (locked.type == redis_reply::kind::status) co_return co_await refresh(owner);

        // Another instance is refreshing: a still-valid token serves meanwhile.
        if (have) co_return token.str;
        if (std::chrono::steady_clock::now() >= deadline)
            throw dependency_unavailable("wechat", "wechat: no access token (another instance is still fetching it)");
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<std::string> access_token_provider::refresh(std::string lock_owner) {
    std::string failure;
    std::string result;
    try {
        auto fetched = co_await api_.fetch_stable_token(false);
        if (fetched) {
            // WeChat may hand back the very token it just refused (normal mode returns the current
            // one): then only a forced refresh helps, at most once every 30 s across instances.
            std::vector<std::string> get_rejected{"GET", rejected_key_};
            auto rejected = co_await redis(std::move(get_rejected));
            if (rejected.type == redis_reply::kind::string && rejected.str == fetched.value().access_token) {
                std::vector<std::string> guard{"SET", force_key_, "1", "NX", "PX", "30000"};
                auto may_force = co_await redis(std::move(guard));
                if (may_force.type == redis_reply::kind::status) {
                    log_.warn("wechat_access_token_force_refresh", {});
                    fetched = co_await api_.fetch_stable_token(true);
                }
            }
        }
        if (!fetched) {
            failure = "stable_token failed: errcode " + std::to_string(fetched.error().errcode) + " " + fetched.error().errmsg;
        } else {
            const auto& t = fetched.value();
            // The Redis TTL is the token's lifetime (a few seconds less, for clock and transit).
            const long long ttl_ms = std::max<long long>(1000, t.expires_in * 1000LL - 5000);
            std::vector<std::string> store{"SET", token_key_, t.access_token, "PX", std::to_string(ttl_ms)};
            co_await redis(std::move(store));
            log_.info("wechat_access_token_refreshed", {{"expires_in", t.expires_in}});
            result = t.access_token;
        }
    } catch (const dependency_unavailable& e) {
        failure = e.what();
    }
    try {
        std::vector<std::string> unlock{"EVAL", delete_if_equal, "1", lock_key_, lock_owner};
        co_await redis_->command(std::move(unlock));
    } catch (const dependency_unavailable&) {
        // The lock expires by itself.
    }
    if (result.empty()) throw dependency_unavailable("wechat", "wechat: " + failure);
    co_return result;
}

asio::awaitable<void> access_token_provider::invalidate(std::string rejected_token) {
    std::vector<std::string> remember{"SET", rejected_key_, rejected_token, "PX", "300000"};
    co_await redis(std::move(remember));
    std::vector<std::string> drop{"EVAL", delete_if_equal, "1", token_key_, rejected_token};
    co_await redis(std::move(drop));
    log_.warn("wechat_access_token_rejected", {});
}

}  // namespace sharedstore
