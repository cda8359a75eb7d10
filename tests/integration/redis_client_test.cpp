// The hiredis-on-Asio client against a Redis server of the test's own (so it can be stopped).
#include "common/dependency_error.hpp"
#include "common/redis_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/io_thread.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

asio::awaitable<redis_reply> send(std::shared_ptr<redis_client> client, std::vector<std::string> argv) {
    co_return co_await client->command(std::move(argv));
}

class redis_client_test : public ::testing::Test {
protected:
    void connect(int port, std::chrono::milliseconds command_timeout = 2000ms) {
        redis_config c;
        c.port = port;
        c.command_timeout = command_timeout;
        c.reconnect_max_backoff = 200ms;
        client = redis_client::create(io.io().get_executor(), c, log.log());
        client->start();
    }
    bool wait_connected(bool expected = true) {
        for (int i = 0; i < 500; ++i) {
            if (client->connected() == expected) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    redis_reply call(std::vector<std::string> argv) { return io.run(send(client, std::move(argv))); }
    void TearDown() override {
        if (client) client->stop();
    }

    captured_log log;
    io_thread io;
    std::shared_ptr<redis_client> client;
};

TEST_F(redis_client_test, commands_and_reply_types) {
    redis_server_process redis;
    connect(redis.port());
    ASSERT_TRUE(wait_connected());
    EXPECT_EQ(call({"SET", "k", std::string("a\0b", 3)}).str, "OK");
    auto got = call({"GET", "k"});
    EXPECT_EQ(got.type, redis_reply::kind::string);
    EXPECT_EQ(got.str, std::string("a\0b", 3));  // binary-safe: argv form, lengths passed
    EXPECT_TRUE(call({"GET", "missing"}).is_nil());
    EXPECT_EQ(call({"INCRBY", "n", "5"}).integer, 5);
    auto error = call({"INCR", "k"});  // not an integer: an error reply is a value, not an exception
    EXPECT_TRUE(error.is_error());
    call({"RPUSH", "list", "x", "y"});
    auto list = call({"LRANGE", "list", "0", "-1"});
    ASSERT_EQ(list.type, redis_reply::kind::array);
    ASSERT_EQ(list.elements.size(), 2u);
    EXPECT_EQ(list.elements[1].str, "y");
}

TEST_F(redis_client_test, many_concurrent_commands_share_one_pipelined_connection) {
    redis_server_process redis;
    connect(redis.port());
    ASSERT_TRUE(wait_connected());
    std::vector<std::future<redis_reply>> replies;
    for (int i = 0; i < 2000; ++i) {
        std::vector<std::string> argv{"INCR", "counter"};
        replies.push_back(asio::co_spawn(io.io(), send(client, std::move(argv)), asio::use_future));
    }
    std::set<long long> seen;
    for (auto& r : replies) seen.insert(r.get().integer);
    EXPECT_EQ(seen.size(), 2000u);
    EXPECT_EQ(*seen.begin(), 1);
    EXPECT_EQ(*seen.rbegin(), 2000);
    EXPECT_EQ(call({"CLIENT", "LIST"}).str.find("\nid="), std::string::npos) << "more than one connection";
}

TEST_F(redis_client_test, fails_fast_while_down_and_reconnects_when_redis_returns) {
    redis_server_process redis;
    connect(redis.port());
    ASSERT_TRUE(wait_connected());
    EXPECT_EQ(call({"PING"}).str, "PONG");

    redis.kill_hard();
    ASSERT_TRUE(wait_connected(false));
    EXPECT_THROW(call({"PING"}), dependency_unavailable);

    redis.start();
    ASSERT_TRUE(wait_connected());
    EXPECT_EQ(call({"PING"}).str, "PONG");
    EXPECT_NE(log.text().find("redis_reconnected"), std::string::npos);
}

TEST_F(redis_client_test, connects_once_redis_appears) {
    const int port = free_tcp_port();
    connect(port);
    EXPECT_THROW(call({"PING"}), dependency_unavailable);
    redis_server_process redis(port);
    ASSERT_TRUE(wait_connected());
    EXPECT_EQ(call({"PING"}).str, "PONG");
}

TEST_F(redis_client_test, a_hung_redis_times_commands_out) {
    redis_server_process redis;
    connect(redis.port(), 300ms);
    ASSERT_TRUE(wait_connected());
    redis.pause();
    EXPECT_THROW(call({"PING"}), dependency_unavailable);
    redis.resume();
    // The late reply to the timed-out command is discarded; the next command gets its own reply.
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(call({"ECHO", "after"}).str, "after");
}

}  // namespace
