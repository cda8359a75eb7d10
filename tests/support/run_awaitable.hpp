#pragma once
// Runs one coroutine to completion on a private io_context (unit tests of async code, no servers).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace sharedstore::test_support {

template <class T>
T run_awaitable(boost::asio::awaitable<T> work) {
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.run();
    return future.get();
}

}  // namespace sharedstore::test_support
