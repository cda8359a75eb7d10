#include "common/http/websocket_frames.hpp"

#include "common/utf8.hpp"

#include <algorithm>

namespace sharedstore::websocket_frames {

namespace {

bool is_control(opcode op) { return static_cast<std::uint8_t>(op) >= 8; }

bool known(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

// Codes a peer may send in a close frame (RFC 6455 section 7.4; 1004-1006 and 1015 are never sent).
bool sendable_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

std::size_t header_length(unsigned char second_byte) {
    const auto len7 = second_byte & 0x7F;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
}

}  // namespace

client_event client_frame_reader::stop(client_event::kind what, std::uint16_t code, std::string_view why) {
    stopped_ = true;
    message_ = std::string();
    control_ = std::string();
    client_event e;
    e.what = what;
    e.close_code = code;
    e.why = why;
    return e;
}

client_event client_frame_reader::feed(std::string_view data, std::size_t& used) {
    used = 0;
    while (!stopped_ && used < data.size()) {
        if (!in_payload_) {
            header_[header_size_++] = static_cast<unsigned char>(data[used++]);
            if (header_size_ == 2) {
                const unsigned char b0 = header_[0], b1 = header_[1];
                if (b0 & 0x70) return stop(client_event::kind::fail, protocol_error, "reserved bits set without an extension");
                const std::uint8_t op = b0 & 0x0F;
                if (!known(op)) return stop(client_event::kind::fail, protocol_error, "unknown opcode");
                if (!(b1 & 0x80)) return stop(client_event::kind::fail, protocol_error, "a client frame must be masked");
                op_ = static_cast<opcode>(op);
                fin_ = (b0 & 0x80) != 0;
                if (is_control(op_)) {
                    if (!fin_) return stop(client_event::kind::fail, protocol_error, "a fragmented control frame");
                    if ((b1 & 0x7F) > 125) return stop(client_event::kind::fail, protocol_error, "a control frame over 125 bytes");
                } else if (op_ == opcode::continuation) {
                    if (!in_message_) return stop(client_event::kind::fail, protocol_error, "a continuation without a message");
                } else if (in_message_) {
                    return stop(client_event::kind::fail, protocol_error, "a new message inside a fragmented one");
                }
            }
            if (header_size_ < 2 || header_size_ < header_length(header_[1])) continue;
            // The whole header is here: its length, then its mask.
            const auto len7 = header_[1] & 0x7F;
            std::uint64_t length = len7;
            std::size_t at = 2;
            if (len7 == 126) {
                length = (std::uint64_t{header_[2]} << 8) | header_[3];
                at = 4;
            } else if (len7 == 127) {
                length = 0;
                for (std::size_t k = 2; k < 10; ++k) length = (length << 8) | header_[k];
                if (length >> 63) return stop(client_event::kind::fail, protocol_error, "a frame length with its top bit set");
                at = 10;
            }
            std::copy(header_ + at, header_ + at + 4, mask_);
            header_size_ = 0;
            mask_at_ = 0;
            remaining_ = length;
            in_payload_ = true;
            if (!is_control(op_)) {
                if (op_ != opcode::continuation) {
                    in_message_ = true;
                    message_binary_ = op_ == opcode::binary;
                }
                // Checked before anything is buffered: a message split into many frames is refused at
                // the same size as one frame.
                if (length > max_message_ || message_.size() + length > max_message_) {
                    auto e = stop(client_event::kind::too_large, 0, "message too large");
                    e.binary = message_binary_;
                    return e;
                }
            }
            if (remaining_ == 0) {
                auto e = finish_frame();
                if (e.what != client_event::kind::none) return e;
            }
            continue;
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - used));
        auto& target = is_control(op_) ? control_ : message_;
        const auto start = target.size();
        target.resize(start + n);
        for (std::size_t k = 0; k < n; ++k)
            target[start + k] = static_cast<char>(static_cast<unsigned char>(data[used + k]) ^ mask_[(mask_at_ + k) & 3]);
        used += n;
        mask_at_ += n;
        remaining_ -= n;
        if (remaining_ == 0) {
            auto e = finish_frame();
            if (e.what != client_event::kind::none) return e;
        }
    }
    return {};
}

client_event client_frame_reader::finish_frame() {
    in_payload_ = false;
    client_event e;
    switch (op_) {
        case opcode::ping:
            e.what = client_event::kind::ping;
            e.payload = std::move(control_);
            control_ = std::string();
            return e;
        case opcode::pong:
            control_ = std::string();
            e.what = client_event::kind::pong;
            return e;
        case opcode::close: {
            if (control_.size() == 1) return stop(client_event::kind::fail, protocol_error, "a close frame of one byte");
            std::uint16_t code = 0;
            if (control_.size() >= 2) {
                code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) | static_cast<unsigned char>(control_[1]));
                if (!sendable_close_code(code)) return stop(client_event::kind::fail, protocol_error, "a close code that may not be sent");
                if (!valid_utf8(std::string_view(control_).substr(2))) return stop(client_event::kind::fail, invalid_payload, "a close reason that is not UTF-8");
            }
            return stop(client_event::kind::close, code, "closed by the peer");
        }
        default:
            break;
    }
    if (!fin_) return e;  // more fragments follow
    in_message_ = false;
    if (!message_binary_ && !valid_utf8(message_)) return stop(client_event::kind::fail, invalid_payload, "a text message that is not UTF-8");
    e.what = client_event::kind::message;
    e.binary = message_binary_;
    e.payload = std::move(message_);
    message_ = std::string();
    return e;
}

std::size_t server_frame_header(opcode op, std::size_t payload_size, unsigned char (&out)[10]) {
    out[0] = static_cast<unsigned char>(0x80 | static_cast<std::uint8_t>(op));
    if (payload_size < 126) {
        out[1] = static_cast<unsigned char>(payload_size);
        return 2;
    }
    if (payload_size <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<unsigned char>(payload_size >> 8);
        out[3] = static_cast<unsigned char>(payload_size);
        return 4;
    }
    out[1] = 127;
    const auto size = static_cast<std::uint64_t>(payload_size);
    for (int k = 0; k < 8; ++k) out[2 + k] = static_cast<unsigned char>(size >> (8 * (7 - k)));
    return 10;
}

std::string server_frame(opcode op, std::string_view payload) {
    unsigned char header[10];
    const auto n = server_frame_header(op, payload.size(), header);
    std::string out(reinterpret_cast<const char*>(header), n);
    out.append(payload);
    return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string out;
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    if (reason.size() > 123) {
        std::size_t cut = 123;
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
        reason = reason.substr(0, cut);
    }
    out.append(reason);
    return out;
}

}  // namespace sharedstore::websocket_frames
