#include "common/http/websocket_frames.hpp"
#include "common/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace sharedstore;
using namespace sharedstore::websocket_frames;
using kind = client_event::kind;

namespace {

// A client frame as RFC 6455 section 5.2 lays it out, masked with `key`.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true, std::uint32_t key = 0x37FA213D) {
    std::string out;
    out.push_back(static_cast<char>(first_byte));
    const unsigned char mask_bit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out.push_back(static_cast<char>(mask_bit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        out.push_back(static_cast<char>(mask_bit | 126));
        out.push_back(static_cast<char>(payload.size() >> 8));
        out.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127));
        for (int k = 7; k >= 0; --k) out.push_back(static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> (8 * k)) & 0xFF));
    }
    const unsigned char mask[4] = {static_cast<unsigned char>(key >> 24), static_cast<unsigned char>(key >> 16),
                                   static_cast<unsigned char>(key >> 8), static_cast<unsigned char>(key)};
    if (masked) out.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(masked ? static_cast<char>(payload[i] ^ mask[i & 3]) : payload[i]);
    return out;
}

constexpr std::uint8_t fin = 0x80;

// Everything the reader reports for `bytes` fed in one piece.
std::vector<client_event> events_of(client_frame_reader& reader, std::string_view bytes) {
    std::vector<client_event> out;
    while (!bytes.empty() && !reader.stopped()) {
        std::size_t used = 0;
        auto e = reader.feed(bytes, used);
        bytes.remove_prefix(used);
        if (e.what != kind::none) out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

TEST(websocket_frames, a_masked_text_frame_fed_a_byte_at_a_time_is_one_message) {
    client_frame_reader reader(1024);
    const auto bytes = client_frame(fin | 1, R"({"type":"ack","id":"7-0"})");
    client_event last;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::size_t used = 0;
        last = reader.feed(std::string_view(bytes).substr(i, 1), used);
        EXPECT_EQ(used, 1u);
        if (i + 1 < bytes.size()) EXPECT_EQ(last.what, kind::none) << i;
    }
    ASSERT_EQ(last.what, kind::message);
    EXPECT_EQ(last.payload, R"({"type":"ack","id":"7-0"})");
    EXPECT_FALSE(last.binary);
}

TEST(websocket_frames, frames_arriving_together_are_read_one_after_the_other) {
    client_frame_reader reader(1024);
    const auto bytes = client_frame(fin | 1, "one") + client_frame(fin | 9, "p") + client_frame(fin | 2, "two");
    std::size_t used = 0;
    auto first = reader.feed(bytes, used);
    ASSERT_EQ(first.what, kind::message);
    EXPECT_EQ(first.payload, "one");
    EXPECT_LT(used, bytes.size());
    auto rest = events_of(reader, std::string_view(bytes).substr(used));
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].what, kind::ping);
    EXPECT_EQ(rest[0].payload, "p");
    EXPECT_EQ(rest[1].what, kind::message);
    EXPECT_EQ(rest[1].payload, "two");
    EXPECT_TRUE(rest[1].binary);
}

TEST(websocket_frames, a_fragmented_message_may_carry_control_frames_between_its_fragments) {
    client_frame_reader reader(1024);
    const auto bytes = client_frame(1, "你") + client_frame(fin | 10, "") + client_frame(0, "好") + client_frame(fin | 0, "!");
    auto events = events_of(reader, bytes);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].what, kind::pong);
    EXPECT_EQ(events[1].what, kind::message);
    EXPECT_EQ(events[1].payload, "你好!");
}

TEST(websocket_frames, lengths_of_sixteen_and_sixty_four_bits_are_read) {
    client_frame_reader reader(1 << 20);
    const std::string medium(300, 'm'), large(70000, 'l');
    auto events = events_of(reader, client_frame(fin | 1, medium) + client_frame(fin | 2, large));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].payload, medium);
    EXPECT_EQ(events[1].payload, large);
}

TEST(websocket_frames, frames_the_protocol_forbids_stop_the_reader_with_1002) {
    struct refused {
        const char* name;
        std::string bytes;
    };
    std::string top_bit = client_frame(fin | 2, "");
    top_bit[1] = static_cast<char>(0x80 | 127);
    top_bit.insert(2, std::string("\x80\0\0\0\0\0\0\0", 8));
    const refused cases[] = {
        {"unmasked", client_frame(fin | 1, "hi", false)},
        {"reserved bit", client_frame(fin | 0x40 | 1, "hi")},
        {"unknown opcode", client_frame(fin | 3, "hi")},
        {"fragmented ping", client_frame(9, "hi")},
        {"long ping", client_frame(fin | 9, std::string(126, 'p'))},
        {"continuation first", client_frame(fin | 0, "hi")},
        {"text inside a fragmented text", client_frame(1, "a") + client_frame(fin | 1, "b")},
        {"one-byte close", client_frame(fin | 8, "x")},
        {"close code 1005", client_frame(fin | 8, std::string("\x03\xED", 2))},
        {"length with its top bit", top_bit},
    };
    for (const auto& c : cases) {
        client_frame_reader reader(1 << 20);
        auto events = events_of(reader, c.bytes);
        ASSERT_EQ(events.size(), 1u) << c.name;
        EXPECT_EQ(events[0].what, kind::fail) << c.name;
        EXPECT_EQ(events[0].close_code, protocol_error) << c.name;
        EXPECT_FALSE(events[0].why.empty()) << c.name;
        EXPECT_TRUE(reader.stopped()) << c.name;
        std::size_t used = 99;
        EXPECT_EQ(reader.feed(client_frame(fin | 1, "more"), used).what, kind::none);
        EXPECT_EQ(used, 0u) << c.name;
    }
}

TEST(websocket_frames, text_that_is_not_utf8_stops_the_reader_with_1007_and_binary_is_not_checked) {
    client_frame_reader text(1024);
    auto events = events_of(text, client_frame(fin | 1, "\xC0\x80"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::fail);
    EXPECT_EQ(events[0].close_code, invalid_payload);
    client_frame_reader binary(1024);
    events = events_of(binary, client_frame(fin | 2, "\xC0\x80"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::message);
}

TEST(websocket_frames, a_message_over_the_limit_is_refused_before_its_payload_is_buffered) {
    client_frame_reader one(4096);
    std::size_t used = 0;
    const auto big = client_frame(fin | 1, std::string(5000, 'x'));
    auto e = one.feed(big, used);
    EXPECT_EQ(e.what, kind::too_large);
    EXPECT_EQ(used, 8u);  // the header (2 + 2 + 4 bytes) and nothing of the payload
    // Split into frames of 1 KiB, the same limit: refused at the fifth frame's header.
    client_frame_reader many(4096);
    std::string fragments = client_frame(2, std::string(1024, 'x'));
    for (int i = 0; i < 5; ++i) fragments += client_frame(0, std::string(1024, 'x'));
    auto events = events_of(many, fragments);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::too_large);
    EXPECT_TRUE(events[0].binary);
}

TEST(websocket_frames, a_close_frame_gives_its_code_and_stops_the_reader) {
    client_frame_reader reader(1024);
    auto events = events_of(reader, client_frame(fin | 8, std::string("\x03\xE8", 2) + "bye") + client_frame(fin | 1, "late"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::close);
    EXPECT_EQ(events[0].close_code, 1000);
    client_frame_reader empty(1024);
    events = events_of(empty, client_frame(fin | 8, ""));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::close);
    EXPECT_EQ(events[0].close_code, 0);
}

TEST(websocket_frames, server_frames_are_unmasked_with_the_shortest_length) {
    unsigned char header[10];
    EXPECT_EQ(server_frame_header(opcode::text, 125, header), 2u);
    EXPECT_EQ(header[0], 0x81);
    EXPECT_EQ(header[1], 125);
    EXPECT_EQ(server_frame_header(opcode::text, 126, header), 4u);
    EXPECT_EQ(header[1], 126);
    EXPECT_EQ(server_frame_header(opcode::text, 65535, header), 4u);
    EXPECT_EQ(server_frame_header(opcode::binary, 65536, header), 10u);
    EXPECT_EQ(header[0], 0x82);
    EXPECT_EQ(header[1], 127);
    EXPECT_EQ(header[7], 1);  // 65536 = 0x10000
    EXPECT_EQ(server_frame(opcode::ping, ""), std::string("\x89\x00", 2));
}

TEST(websocket_frames, a_close_reason_is_cut_at_a_character_boundary) {
    std::string reason;
    for (int i = 0; i < 50; ++i) reason += "好";  // 150 bytes
    const auto payload = close_payload(4401, reason);
    EXPECT_EQ(payload.substr(0, 2), std::string("\x11\x31", 2));
    EXPECT_LE(payload.size(), 125u);
    EXPECT_EQ((payload.size() - 2) % 3, 0u);
    EXPECT_TRUE(valid_utf8(payload.substr(2)));
}

TEST(utf8, valid_utf8_refuses_overlong_forms_surrogates_and_cut_sequences) {
    EXPECT_TRUE(valid_utf8("ack 你好 €"));
    EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
    EXPECT_FALSE(valid_utf8("\xC0\x80"));          // overlong NUL
    EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(valid_utf8("\xE4\xBD"));          // cut short
    EXPECT_FALSE(valid_utf8("\x80"));
}
