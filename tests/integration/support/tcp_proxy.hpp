#pragma once
// A TCP proxy on loopback between the server and a dependency, which a test can cut (every
// connection reset, new ones refused) and restore: "the database went away" without stopping the
// MariaDB that other tests share.
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace sharedstore::test_support {

class tcp_proxy {
public:
    explicit tcp_proxy(int upstream_port);
    ~tcp_proxy();
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    int port() const { return port_; }
    // Resets every open connection and refuses new ones until restore().
    void cut();
    void restore();

private:
    void listen();
    void accept_loop();
    void pump(int client, int upstream);

    int upstream_port_;
    int port_ = 0;
    std::atomic<int> listener_{-1};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::set<int> open_;  // sockets of live connections
    std::thread acceptor_;
    std::vector<std::thread> pumps_;
};

}  // namespace sharedstore::test_support
