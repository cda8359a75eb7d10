#pragma once
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace sharedstore {

// Characters (Unicode code points) in UTF-8 text: WeChat and our own limits count characters,
// so a 20-character Chinese title is 60 bytes and still fits.
inline std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The first code point that has no place in text a person typed for another to read: C0 and C1
// controls and DEL (NUL truncates in C, ESC drives terminals, CR/LF forge log and CSV lines),
// the line and paragraph separators U+2028/U+2029, and the bidirectional embeddings, overrides
// and isolates U+202A-U+202E and U+2066-U+2069 (they make "Alice" display as another name or
// reorder an amount). A line feed is allowed where `multi_line`. `text` must be valid UTF-8
// (Boost.JSON refuses anything else).
inline std::optional<char32_t> first_control_character(std::string_view text, bool multi_line = false) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x20 || b == 0x7F) {
            if (b == '\n' && multi_line) continue;
            return static_cast<char32_t>(b);
        }
        if (b == 0xC2 && i + 1 < text.size()) {
            const auto c = static_cast<unsigned char>(text[i + 1]);
            if (c >= 0x80 && c <= 0x9F) return static_cast<char32_t>(c);  // U+0080..U+009F
        }
        if (b == 0xE2 && i + 2 < text.size()) {
            const auto c1 = static_cast<unsigned char>(text[i + 1]), c2 = static_cast<unsigned char>(text[i + 2]);
            const char32_t cp = 0x2000 | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
            if ((cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return cp;
        }
    }
    return std::nullopt;
}

}  // namespace sharedstore
