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

// Whether `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
// U+10FFFF, no sequence cut short.
inline bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t extra = 0;
        unsigned char low = 0x80, high = 0xBF;  // the allowed range of the byte after the lead
        if (b >= 0xC2 && b <= 0xDF) extra = 1;
        else if (b == 0xE0) extra = 2, low = 0xA0;
        else if (b == 0xED) extra = 2, high = 0x9F;  // no surrogates
        else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) extra = 2;
        else if (b == 0xF0) extra = 3, low = 0x90;
        else if (b >= 0xF1 && b <= 0xF3) extra = 3;
        else if (b == 0xF4) extra = 3, high = 0x8F;
        else return false;
        if (n - i <= extra) return false;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) return false;
        for (std::size_t k = 2; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += extra + 1;
    }
    return true;
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
