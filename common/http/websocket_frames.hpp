#pragma once
// WebSocket frames after the handshake (RFC 6455 section 5), without I/O: the server's reader of
// what a client sends and the headers of what the server sends. Beast does the handshake; past
// it, a frame codec of our own lets an idle connection hold no read buffer and no stream state
// (Beast's stream keeps a 1.5 KB read buffer and ~1 KB more per connection, however idle).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sharedstore::websocket_frames {

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes a reader asks for (RFC 6455 section 7.4.1).
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t invalid_payload = 1007;  // a text message that is not UTF-8

// One thing the reader found in the bytes fed to it.
struct client_event {
    enum class kind {
        none,         // the bytes so far end inside a frame: feed more
        message,      // a whole text or binary message: `payload`, `binary`
        too_large,    // the message grew past the limit: nothing more should be read
        ping,         // answer with a pong carrying `payload`
        pong,
        close,        // the peer closes: answer with `close_code` (0: a close frame without a code)
        fail,         // a frame RFC 6455 does not allow: close with `close_code`, read no more
    };
    kind what = kind::none;
    std::string payload;
    bool binary = false;
    std::uint16_t close_code = 0;
    std::string_view why;  // for `fail`: what was wrong (a static string)
};

// Reads client frames as their bytes arrive, in pieces of any size. Client frames must be masked;
// no extension is negotiated, so the RSV bits must be clear; control frames are whole (FIN) and at
// most 125 bytes and may come between a message's fragments. Text messages are checked for
// UTF-8 once whole. After `too_large`, `close` or `fail` the reader stops (feed consumes nothing).
class client_frame_reader {
public:
    explicit client_frame_reader(std::size_t max_message_bytes) : max_message_(max_message_bytes) {}

    // Consumes bytes from the front of `data` until an event completes (returned, with how many
    // bytes were used in `used`) or the bytes run out (kind::none, all of them used).
    client_event feed(std::string_view data, std::size_t& used);

    bool stopped() const { return stopped_; }
    void set_limit(std::size_t max_message_bytes) { max_message_ = max_message_bytes; }

private:
    client_event finish_frame();
    client_event stop(client_event::kind what, std::uint16_t code, std::string_view why);

    std::size_t max_message_;
    // The frame being read: its header as it arrives (at most 14 bytes), then its payload.
    unsigned char header_[14]{};
    std::size_t header_size_ = 0;
    bool in_payload_ = false;
    bool fin_ = false;
    opcode op_ = opcode::continuation;
    std::uint64_t remaining_ = 0;
    unsigned char mask_[4]{};
    std::size_t mask_at_ = 0;
    std::string control_;  // a control frame's payload (<= 125 bytes)
    // The message being assembled from its fragments.
    std::string message_;
    bool in_message_ = false;
    bool message_binary_ = false;
    bool stopped_ = false;
};

// The header of an unmasked server frame with FIN set: 2, 4 or 10 bytes into `out`; returns the size.
std::size_t server_frame_header(opcode op, std::size_t payload_size, unsigned char (&out)[10]);

// A whole server frame (header and payload), for control frames and tests.
std::string server_frame(opcode op, std::string_view payload);
// A close frame's payload: the code (network order), then at most 123 bytes of the reason, cut
// at a UTF-8 character boundary.
std::string close_payload(std::uint16_t code, std::string_view reason);

}  // namespace sharedstore::websocket_frames
