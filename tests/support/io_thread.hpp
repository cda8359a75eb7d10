#pragma once
// An io_context running on a background thread for the lifetime of a test, so clients with their
// own timers (reconnects) keep working between the awaits the test makes.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <optional>
#include <thread>

namespace sharedstore::test_support {

class io_thread {
public:
    io_thread() : guard_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
    ~io_thread() {
        // Let outstanding work finish (callers stop their clients first), then force the end.
        guard_.reset();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (!io_.stopped() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        io_.stop();
        thread_.join();
    }
    boost::asio::io_context& io() { return io_; }

    template <class T>
    T run(boost::asio::awaitable<T> work) {
        return boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future).get();
    }

private:
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
    std::thread thread_;
};

}  // namespace sharedstore::test_support
