#include "tests/integration/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sharedstore::test_support {

boost::json::value http_reply::json() const { return boost::json::parse(body); }

std::string http_reply::header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> http_reply::headers_named(const std::string& lower_case_name) const {
    std::vector<std::string> out;
    for (const auto& [name, value] : header_lines)
        if (name == lower_case_name) out.push_back(value);
    return out;
}

tcp_connection::tcp_connection(int port, const std::string& host) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd_);
        throw std::runtime_error("connect to port " + std::to_string(port) + " failed: " + std::strerror(errno));
    }
}

tcp_connection::~tcp_connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool tcp_connection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

namespace {

// Waits for readable data; returns bytes read, 0 on EOF, -1 on error, -2 on timeout.
ssize_t read_some(int fd, std::string& into, std::chrono::steady_clock::time_point deadline) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() < 0) return -2;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(remaining.count()));
    if (ready == 0) return -2;
    if (ready < 0) return -1;
    char chunk[16384];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) into.append(chunk, static_cast<size_t>(n));
    return n;
}

}  // namespace

std::optional<http_reply> tcp_connection::read_reply(std::chrono::milliseconds timeout, bool head_request) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto header_end = buffer_.find("\r\n\r\n");
        if (header_end != std::string::npos) {
            http_reply reply;
            std::string head = buffer_.substr(0, header_end);
            auto line_end = head.find("\r\n");
            std::string status_line = head.substr(0, line_end);
            if (status_line.size() < 12) return std::nullopt;
            reply.status = std::stoi(status_line.substr(9, 3));
            size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
            while (pos < head.size()) {
                auto next = head.find("\r\n", pos);
                if (next == std::string::npos) next = head.size();
                std::string line = head.substr(pos, next - pos);
                auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string name = line.substr(0, colon);
                    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    std::string value = line.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                    reply.headers[name] = value;
                    reply.header_lines.emplace_back(name, value);
                }
                pos = next + 2;
            }
            const size_t length = !head_request && reply.headers.count("content-length") ? std::stoul(reply.headers["content-length"]) : 0;
            const size_t body_start = header_end + 4;
            while (buffer_.size() < body_start + length) {
                if (read_some(fd_, buffer_, deadline) <= 0) return std::nullopt;
            }
            reply.body = buffer_.substr(body_start, length);
            buffer_.erase(0, body_start + length);
            if (reply.status == 100) continue;  // interim response: read the real one
            return reply;
        }
        if (read_some(fd_, buffer_, deadline) <= 0) return std::nullopt;
    }
}

bool tcp_connection::closed_by_peer_within(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        std::string ignored;
        ssize_t n = read_some(fd_, ignored, deadline);
        if (n == 0 || n == -1) return true;
        if (n == -2) return false;
    }
}

std::string build_request(const std::string& method, const std::string& path, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers, bool keep_alive) {
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (!keep_alive) request += "Connection: close\r\n";
    request += "\r\n";
    request += body;
    return request;
}

http_reply http_call(int port, const std::string& method, const std::string& path, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout) {
    tcp_connection connection(port);
    if (!connection.send(build_request(method, path, body, headers))) throw std::runtime_error("send failed");
    auto reply = connection.read_reply(timeout, method == "HEAD");
    if (!reply) throw std::runtime_error("no reply to " + method + " " + path);
    return *reply;
}

}  // namespace sharedstore::test_support
