#pragma once
// A small blocking WebSocket client for tests (RFC 6455, client side): the upgrade over a plain
// socket, masked frames out, frames in. Deliberately plain, so that tests can also send what a
// real client library would refuse to (oversized or binary frames), or never read at all.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sharedstore::test_support {

struct ws_frame {
    int opcode = 0;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong
    std::string payload;
    std::uint16_t close_code = 0;  // for close frames
};

class ws_client {
public:
    // Connects and sends the upgrade. `status` is the server's answer (101 on success); on
    // anything else `body` holds the refusal.
    ws_client(int port, const std::vector<std::pair<std::string, std::string>>& headers, int receive_buffer_bytes = 0);
    ~ws_client();
    ws_client(const ws_client&) = delete;
    ws_client& operator=(const ws_client&) = delete;

    int status() const { return status_; }
    const std::string& body() const { return body_; }
    std::string response_header(const std::string& lower_case_name) const;

    void send_text(const std::string& text);
    void send_binary(const std::string& bytes);
    // One text message split into frames (FIN=0 on all but the last), as a client may send it.
    void send_fragmented_text(const std::vector<std::string>& parts);
    // Bytes as they are, in one write (several frames at once, or frames no library would send).
    void send_raw(const std::string& bytes);
    // A masked client frame; `first_byte` is FIN, RSV and opcode as they go on the wire.
    static std::string masked_frame(unsigned char first_byte, const std::string& payload);
    // read() returns pongs too (they are skipped otherwise).
    void keep_pongs(bool keep) { keep_pongs_ = keep; }
    // The next whole text or binary message (fragments joined) or close frame within `timeout`
    // (pings are answered on the way); nullopt on timeout; opcode 0 when the connection ended
    // without a close frame.
    std::optional<ws_frame> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next text frame parsed as JSON text; skips nothing. Throws when none arrives in time.
    std::string read_text(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads until the peer closes (a close frame or EOF) within `timeout`; true if it did.
    bool closed_within(std::chrono::milliseconds timeout, std::uint16_t* code = nullptr);

private:
    void send_frame(int opcode, const std::string& payload, bool fin = true);
    bool fill(std::size_t bytes, std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    int status_ = 0;
    std::string body_;
    std::vector<std::pair<std::string, std::string>> response_headers_;
    std::string buffer_;
    bool eof_ = false;
    bool keep_pongs_ = false;
};

// `Authorization: Bearer <token>` for ws_client.
inline std::vector<std::pair<std::string, std::string>> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace sharedstore::test_support
