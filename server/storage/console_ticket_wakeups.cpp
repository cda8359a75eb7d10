#include "server/storage/console_ticket_wakeups.hpp"

#include "common/dependency_error.hpp"
#include "server/storage/console_ticket_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace sharedstore {

namespace asio = boost::asio;

// Lives on its page's executor: only code running there touches `woken` and `timer`.
struct console_ticket_wakeups::watcher {
    explicit watcher(asio::any_io_executor ex) : executor(ex), timer(ex) {}
    asio::any_io_executor executor;
    asio::steady_timer timer;
    bool woken = false;
};

console_ticket_wakeups::console_ticket_wakeups(asio::io_context& io, redis_config settings, logger& log) : io_(io), log_(log) {
    settings.command_timeout = std::chrono::milliseconds(5000);  // XREAD blocks up to 1 s
    redis_ = redis_client::create(io.get_executor(), settings, log);
}

console_ticket_wakeups::~console_ticket_wakeups() { redis_->stop(); }

void console_ticket_wakeups::start() {
    redis_->start();
    asio::co_spawn(io_, listen(), asio::detached);
}

void console_ticket_wakeups::stop() {
    stopping_ = true;
    wake_all();
    redis_->stop();
}

std::unique_ptr<console_ticket_wakeups::watch_handle> console_ticket_wakeups::watch(std::string ticket_id, asio::any_io_executor executor) {
    auto w = std::make_shared<watcher>(executor);
    {
        std::lock_guard lock(mutex_);
        if (watchers_.count(ticket_id) >= static_cast<std::size_t>(max_watchers_per_ticket)) return nullptr;
        watchers_.emplace(ticket_id, w);
    }
    // Stopping already: the page answers at once.
    if (stopping_) w->woken = true;
    return std::make_unique<watch_handle>(*this, std::move(ticket_id), std::move(w));
}

std::size_t console_ticket_wakeups::waiting() const {
    std::lock_guard lock(mutex_);
    return watchers_.size();
}

void console_ticket_wakeups::wake(const std::string& ticket_id) {
    std::lock_guard lock(mutex_);
    auto [first, last] = watchers_.equal_range(ticket_id);
    for (auto it = first; it != last; ++it)
        asio::post(it->second->executor, [w = it->second] {
            w->woken = true;
            w->timer.cancel();
        });
}

void console_ticket_wakeups::wake_all() {
    std::lock_guard lock(mutex_);
    for (auto& [id, w] : watchers_)
        asio::post(w->executor, [w = w] {
            w->woken = true;
            w->timer.cancel();
        });
}

void console_ticket_wakeups::forget(const std::string& ticket_id, const watcher* w) {
    std::lock_guard lock(mutex_);
    auto [first, last] = watchers_.equal_range(ticket_id);
    for (auto it = first; it != last; ++it)
        if (it->second.get() == w) {
            watchers_.erase(it);
            return;
        }
}

console_ticket_wakeups::watch_handle::watch_handle(console_ticket_wakeups& owner, std::string ticket_id, std::shared_ptr<watcher> w)
    : owner_(owner), ticket_id_(std::move(ticket_id)), watcher_(std::move(w)) {}

console_ticket_wakeups::watch_handle::~watch_handle() { owner_.forget(ticket_id_, watcher_.get()); }

asio::awaitable<void> console_ticket_wakeups::watch_handle::wait_until(std::chrono::steady_clock::time_point deadline) {
    if (watcher_->woken) co_return;
    watcher_->timer.expires_at(deadline);
    boost::system::error_code ec;
    co_await watcher_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> console_ticket_wakeups::listen() {
    asio::steady_timer pause(io_);
    // Read from an id fixed before the first read: "$" would skip what is added between two reads.
    std::string last;
    bool lost = false;
    while (!stopping_) {
        try {
            if (last.empty()) {
                std::vector<std::string> newest{"XREVRANGE", console_ticket_confirmations_key, "+", "-", "COUNT", "1"};
                auto reply = co_await redis_->command(std::move(newest));
                if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
                last = !reply.elements.empty() && !reply.elements[0].elements.empty() ? reply.elements[0].elements[0].str : "0-0";
            }
            std::vector<std::string> read{"XREAD", "COUNT", "100", "BLOCK", "1000", "STREAMS", console_ticket_confirmations_key, last};
            auto reply = co_await redis_->command(std::move(read));
            if (reply.is_error()) throw dependency_unavailable("redis", reply.str);
            if (lost) {
                // Announcements made while we could not read may be gone with a Redis that lost
                // them: every page looks at its ticket once more.
                lost = false;
                wake_all();
            }
            for (const auto& stream : reply.elements) {
                if (stream.elements.size() != 2) continue;
                for (const auto& entry : stream.elements[1].elements) {
                    if (entry.elements.size() != 2) continue;
                    last = entry.elements[0].str;
                    const auto& fields = entry.elements[1].elements;
                    for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
                        if (fields[i].str == "t") wake(fields[i + 1].str);
                }
            }
            continue;
        } catch (const std::exception& e) {
            if (!lost && !stopping_) log_.warn("console_ticket_wakeups_unavailable", {{"error", e.what()}});
            lost = true;
        }
        if (stopping_) break;
        pause.expires_after(std::chrono::milliseconds(200));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace sharedstore
