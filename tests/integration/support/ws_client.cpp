#include "tests/integration/support/ws_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <stdexcept>

namespace sharedstore::test_support {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

ws_client::ws_client(int port, const std::vector<std::pair<std::string, std::string>>& headers, int receive_buffer_bytes) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receive_buffer_bytes > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("ws connect failed");
    std::string request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(buffer_.size() + 1, deadline)) throw std::runtime_error("no upgrade answer");
    const auto head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    status_ = std::stoi(head.substr(9, 3));
    std::size_t content_length = 0;
    for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
        auto next = head.find("\r\n", at + 2);
        auto line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            auto name = lower(line.substr(0, colon));
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            if (name == "content-length") content_length = std::stoul(value);
            response_headers_.emplace_back(name, value);
        }
        at = next;
    }
    if (status_ != 101) {
        fill(content_length, deadline);
        body_ = buffer_.substr(0, content_length);
    }
}

ws_client::~ws_client() {
    if (fd_ >= 0) ::close(fd_);
}

std::string ws_client::response_header(const std::string& name) const {
    for (const auto& [n, v] : response_headers_)
        if (n == name) return v;
    return "";
}

bool ws_client::fill(std::size_t bytes, std::chrono::steady_clock::time_point deadline) {
    char chunk[65536];
    while (buffer_.size() < bytes) {
        if (eof_) return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

std::string ws_client::masked_frame(unsigned char first_byte, const std::string& payload) {
    std::string frame;
    frame.push_back(static_cast<char>(first_byte));
    const auto n = payload.size();
    if (n < 126) {
        frame.push_back(static_cast<char>(0x80 | n));
    } else if (n < 65536) {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>(n >> 8));
        frame.push_back(static_cast<char>(n & 0xff));
    } else {
        frame.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
    }
    static thread_local std::mt19937 random(std::random_device{}());
    char mask[4];
    for (auto& m : mask) m = static_cast<char>(random());
    frame.append(mask, 4);
    for (std::size_t i = 0; i < n; ++i) frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return frame;
}

void ws_client::send_frame(int opcode, const std::string& payload, bool fin) {
    send_raw(masked_frame(static_cast<unsigned char>((fin ? 0x80 : 0) | opcode), payload));
}

void ws_client::send_raw(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

void ws_client::send_text(const std::string& text) { send_frame(1, text); }
void ws_client::send_binary(const std::string& bytes) { send_frame(2, bytes); }
void ws_client::send_fragmented_text(const std::vector<std::string>& parts) {
    for (std::size_t i = 0; i < parts.size(); ++i) send_frame(i == 0 ? 1 : 0, parts[i], i + 1 == parts.size());
}

std::optional<ws_frame> ws_client::read(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<ws_frame> partial;  // a fragmented message being assembled
    for (;;) {
        if (!fill(2, deadline)) return eof_ ? std::optional<ws_frame>(ws_frame{0, "", 0}) : std::nullopt;
        const auto b0 = static_cast<unsigned char>(buffer_[0]), b1 = static_cast<unsigned char>(buffer_[1]);
        std::size_t header = 2;
        std::uint64_t length = b1 & 0x7f;
        if (length == 126) {
            if (!fill(4, deadline)) return std::nullopt;
            length = (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
            header = 4;
        } else if (length == 127) {
            if (!fill(10, deadline)) return std::nullopt;
            length = 0;
            for (int i = 0; i < 8; ++i) length = (length << 8) | static_cast<unsigned char>(buffer_[2 + i]);
            header = 10;
        }
        if (!fill(header + length, deadline)) return eof_ ? std::optional<ws_frame>(ws_frame{0, "", 0}) : std::nullopt;
        ws_frame frame{b0 & 0x0f, buffer_.substr(header, length), 0};
        buffer_.erase(0, header + length);
        const bool fin = b0 & 0x80;
        if (frame.opcode == 0 || ((frame.opcode == 1 || frame.opcode == 2) && !fin)) {
            // Fragments: the first names the type, continuations (opcode 0) add to it.
            if (frame.opcode != 0) partial = frame;
            else if (partial) partial->payload += frame.payload;
            if (fin && partial) return partial;
            continue;
        }
        if (frame.opcode == 9) {  // ping: answer, keep reading
            send_frame(10, frame.payload);
            continue;
        }
        if (frame.opcode == 10 && !keep_pongs_) continue;
        if (frame.opcode == 8 && frame.payload.size() >= 2)
            frame.close_code = static_cast<std::uint16_t>((static_cast<unsigned char>(frame.payload[0]) << 8) | static_cast<unsigned char>(frame.payload[1]));
        return frame;
    }
}

std::string ws_client::read_text(std::chrono::milliseconds timeout) {
    auto frame = read(timeout);
    if (!frame) throw std::runtime_error("no frame within the timeout");
    if (frame->opcode != 1) throw std::runtime_error("expected a text frame, got opcode " + std::to_string(frame->opcode) + " code " + std::to_string(frame->close_code));
    return frame->payload;
}

bool ws_client::closed_within(std::chrono::milliseconds timeout, std::uint16_t* code) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto frame = read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
        if (!frame) return false;
        if (frame->opcode == 8 || frame->opcode == 0) {
            if (code) *code = frame->close_code;
            return true;
        }
    }
    return false;
}

}  // namespace sharedstore::test_support
