#pragma once
// Readiness's own view of MariaDB: one connection on a thread of its own with short timeouts, so
// that a hung database (every pool worker stuck in a read) shows as "slow" within the caller's
// patience instead of queueing behind the workers. Pings are shared: callers that arrive while one
// is in flight wait for it.
#include "common/log.hpp"
#include "common/mysql_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sql {
class Connection;
}

namespace sharedstore {

class mysql_probe {
public:
    // `config`'s connect and read timeouts are replaced by `timeout` (at least 1 s: Connector/C++
    // counts whole seconds).
    mysql_probe(mysql_config config, std::chrono::milliseconds timeout, logger& log);
    ~mysql_probe();
    mysql_probe(const mysql_probe&) = delete;
    mysql_probe& operator=(const mysql_probe&) = delete;

    // "ok", "unavailable" (no connection, an error), or "slow" (no answer within `patience`).
    boost::asio::awaitable<std::string> check(std::chrono::milliseconds patience);

private:
    boost::asio::awaitable<std::string> ping();
    void loop();

    mysql_config config_;
    logger& log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool requested_ = false;
    std::vector<std::function<void(std::string)>> waiting_;
    std::unique_ptr<sql::Connection> connection_;  // the probe thread's only
    std::thread thread_;
};

}  // namespace sharedstore
