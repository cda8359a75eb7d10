#include "tests/integration/support/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace sharedstore::test_support {

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// Closing with SO_LINGER 0 sends a reset, as a dead peer or a dropped route would look.
void reset(int fd) {
    linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

tcp_proxy::tcp_proxy(int upstream_port) : upstream_port_(upstream_port) {
    listen();
    acceptor_ = std::thread([this] { accept_loop(); });
}

tcp_proxy::~tcp_proxy() {
    stopping_ = true;
    cut();
    acceptor_.join();
    for (auto& t : pumps_) t.join();
}

void tcp_proxy::listen() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto address = loopback(port_);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        throw std::runtime_error("tcp_proxy: cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    listener_ = fd;
}

void tcp_proxy::cut() {
    int fd = listener_.exchange(-1);
    if (fd >= 0) {
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
    }
    std::lock_guard lock(mutex_);
    for (int s : open_) reset(s);
}

void tcp_proxy::restore() {
    if (listener_ < 0) listen();
}

void tcp_proxy::accept_loop() {
    while (!stopping_) {
        const int fd = listener_;
        if (fd < 0) {
            ::usleep(10'000);
            continue;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0 || !(p.revents & POLLIN)) continue;
        int client = ::accept(fd, nullptr, nullptr);
        if (client < 0) continue;
        int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        auto address = loopback(upstream_port_);
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(upstream);
            ::close(client);
            continue;
        }
        // Small request/answer packets both ways (the MySQL protocol): without NODELAY, Nagle and
        // delayed ACKs add tens of milliseconds to each round trip.
        int one = 1;
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        {
            std::lock_guard lock(mutex_);
            open_.insert(client);
            open_.insert(upstream);
        }
        pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
    }
}

void tcp_proxy::pump(int client, int upstream) {
    char buffer[16384];
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    bool open = true;
    while (open && !stopping_) {
        if (::poll(fds, 2, 100) < 0) break;
        for (int i = 0; i < 2 && open; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0 || ::write(fds[1 - i].fd, buffer, static_cast<std::size_t>(n)) != n) open = false;
        }
    }
    std::lock_guard lock(mutex_);
    open_.erase(client);
    open_.erase(upstream);
    reset(client);
    reset(upstream);
    ::close(client);
    ::close(upstream);
}

}  // namespace sharedstore::test_support
