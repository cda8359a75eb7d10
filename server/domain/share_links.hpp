#pragma once
// What a share carries into WeChat: only a short unguessable code (docs/api.md, "Card packs and share links");
// the card and the partner stay on the server. Pure.
#include <chrono>
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

// Where a share stands for someone opening it (docs/api.md, "Card packs and share links"): the
// first of revoked (the link or its partner), not started, expired, exhausted; otherwise open.
enum class share_state { open, not_started, expired, exhausted, revoked };
struct share_state_facts {
    bool revoked = false;
    bool partner_active = true;
    std::chrono::system_clock::time_point valid_from, valid_until;
    int quota = 0, claimed = 0;
};
share_state share_state_at(const share_state_facts& facts, std::chrono::system_clock::time_point now);
std::string_view to_string(share_state state);

}  // namespace sharedstore
