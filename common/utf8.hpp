#pragma once
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace sharedstore {

// Characters (Unicode code points) in UTF-8 text: WeChat and our own limits count characters,
// so a 20-character Chinese title is 60 bytes and still fits.
inline std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace sharedstore
