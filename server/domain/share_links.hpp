#pragma once
// What a share carries into WeChat: only a short unguessable code (docs/api.md, "Card packs and share links");
// the card and the partner stay on the server. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

constexpr std::size_t share_code_random_bytes = 12;  // 96 bits
constexpr std::size_t share_code_length = 16;        // URL-safe base64 of those bytes

// 16 characters of [A-Za-z0-9_-]: anything else cannot be a share code (checked before any lookup).
bool is_share_code(std::string_view code);

// The mini-program page that opens a share, for onShareAppMessage: "/" + page + "?code=" + code.
std::string share_path(std::string_view page, std::string_view code);

// The getwxacodeunlimit scene: "c=" + code, 18 characters of WeChat's scene alphabet (at most 32).
std::string share_qr_scene(std::string_view code);
// The code back out of a scene the mini-program received (nullopt for anything else).
std::optional<std::string> share_code_from_scene(std::string_view scene);

}  // namespace sharedstore
