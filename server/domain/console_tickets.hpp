#pragma once
// What a console login ticket looks like (docs/console-login.md): a random code the login page's
// QR carries into the mini-program as its scene, "t=" + ticket. Pure.
#include <string>
#include <string_view>

namespace sharedstore {

constexpr std::size_t console_ticket_random_bytes = 18;  // 144 bits
constexpr std::size_t console_ticket_length = 24;        // URL-safe base64 of those bytes

// 24 characters of [A-Za-z0-9_-]: anything else cannot be a ticket (checked before any lookup).
bool is_console_ticket(std::string_view ticket);

// The getwxacodeunlimit scene: "t=" + ticket, 26 characters of WeChat's scene alphabet (at most
// 32); a share's scene is "c=" + code, so the mini-program tells them apart by the prefix.
std::string console_ticket_scene(std::string_view ticket);

}  // namespace sharedstore
