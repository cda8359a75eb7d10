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

// Replies are built straight into redis_reply; nested arrays, empty and nil ones included.
TEST_F(redis_client_test, nested_empty_and_nil_replies) {
    redis_server_process redis;
    connect(redis.port());
    ASSERT_TRUE(wait_connected());
    call({"XADD", "s", "1-0", "f", "v", "g", "w"});
    auto read = call({"XRANGE", "s", "-", "+"});
    ASSERT_EQ(read.elements.size(), 1u);
    EXPECT_EQ(read.elements[0].elements[0].str, "1-0");
    ASSERT_EQ(read.elements[0].elements[1].elements.size(), 4u);
    EXPECT_EQ(read.elements[0].elements[1].elements[3].str, "w");
    EXPECT_EQ(call({"LRANGE", "none", "0", "-1"}).type, redis_reply::kind::array);
    EXPECT_TRUE(call({"LRANGE", "none", "0", "-1"}).elements.empty());
    auto timed_out = call({"XREAD", "BLOCK", "10", "STREAMS", "s", "$"});
    EXPECT_TRUE(timed_out.is_nil()) << "a null array";
    EXPECT_EQ(call({"PING"}).type, redis_reply::kind::status);
}

// An error Redis sends before any command (here: too many clients) is the connection's setup
// failing: logged, the connection dropped and tried again, never a crash (hiredis asserts on a
// reply no command waits for); once Redis accepts it, the client works.
TEST_F(redis_client_test, an_unprompted_error_on_connect_is_a_failed_setup_and_retried) {
    redis_server_process redis;
    connect(redis.port());
    ASSERT_TRUE(wait_connected());
    ASSERT_EQ(call({"CONFIG", "SET", "maxclients", "1"}).str, "OK");
    captured_log other_log;
    redis_config c;
    c.port = redis.port();
    c.reconnect_max_backoff = 200ms;
    auto other = redis_client::create(io.io().get_executor(), c, other_log.log());
    other->start();
    for (int i = 0; i < 300 && other_log.text().find("redis_setup_failed") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_NE(other_log.text().find("max number of clients"), std::string::npos) << "the refusal is logged";
    ASSERT_EQ(call({"CONFIG", "SET", "maxclients", "100"}).str, "OK");
    bool answered = false;
    for (int i = 0; i < 300 && !answered; ++i) {
        std::this_thread::sleep_for(10ms);
        if (!other->connected()) continue;
        try {
            answered = io.run(send(other, {"PING"})).str == "PONG";
        } catch (const std::exception&) {
        }
    }
    EXPECT_TRUE(answered) << "reconnected once Redis accepts it";
    other->stop();
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
