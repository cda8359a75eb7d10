#include "server/storage/rate_limiter.hpp"

#include "common/dependency_error.hpp"

namespace sharedstore {

namespace {
// INCR and the window's expiry in one step, so a crash between them cannot leave a counter
// that never expires.
constexpr const char* count_hit =
    "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";
}  // namespace

boost::asio::awaitable<rate_decision> rate_limiter::hit(std::string key, int limit, std::chrono::seconds window) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto span = std::max<long long>(1, window.count());
    const auto window_index = now / span;
    std::vector<std::string> eval{"EVAL", count_hit, "1", "rate:" + key + ":" + std::to_string(window_index), std::to_string(span + 1)};
    auto reply = co_await redis_->command(std::move(eval));
    if (reply.is_error()) throw dependency_unavailable("redis", "redis: " + reply.str);
    rate_decision decision;
    decision.allowed = reply.integer <= limit;
    if (!decision.allowed) decision.retry_after = std::chrono::seconds(span - now % span);
    co_return decision;
}

}  // namespace sharedstore
