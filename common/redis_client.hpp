#pragma once
// Redis over hiredis's async API, driven by Asio (no thread per command). One connection,
// pipelined; it reconnects by itself with backoff. Commands issued while disconnected fail at
// once with dependency_unavailable("redis") rather than queueing without bound: callers decide
// whether to retry (the outbox relay does; a request answers 503).
#include "common/log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sharedstore {

struct redis_reply {
    // hiredis's REDIS_REPLY_* numbers, and first: hiredis reads a reply it has no callback for
    // (a server's unprompted error) as its own redisReply, whose first field is this `type`.
    enum class kind : int { string = 1, array = 2, integer = 3, nil = 4, status = 5, error = 6 };
    kind type = kind::nil;
    std::int64_t integer = 0;
    std::string str;  // status, error or bulk string
    std::vector<redis_reply> elements;

    bool is_error() const { return type == kind::error; }
    bool is_nil() const { return type == kind::nil; }
};

struct redis_config {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string password;  // empty: no AUTH
    int database = 0;
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};
    std::chrono::milliseconds reconnect_max_backoff{2000};
};

class redis_client : public std::enable_shared_from_this<redis_client> {
public:
    static std::shared_ptr<redis_client> create(boost::asio::any_io_executor executor, redis_config config, logger& log);
    ~redis_client();
    redis_client(const redis_client&) = delete;
    redis_client& operator=(const redis_client&) = delete;

    // Starts connecting; reconnects after every loss until stop().
    void start();
    // Drops the connection (pending commands fail) and stops reconnecting.
    void stop();
    bool connected() const;

    // Sends one command in argv form (never build commands by concatenating input).
    // A Redis error reply is a value (reply.is_error()); a lost connection, a timeout or no
    // connection throws dependency_unavailable.
    boost::asio::awaitable<redis_reply> command(std::vector<std::string> argv);

    struct impl;

private:
    redis_client(boost::asio::any_io_executor executor, redis_config config, logger& log);
    std::unique_ptr<impl> impl_;
};

}  // namespace sharedstore
