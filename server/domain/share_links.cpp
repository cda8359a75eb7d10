#include "server/domain/share_links.hpp"

#include <algorithm>

namespace sharedstore {

bool is_share_code(std::string_view code) {
    return code.size() == share_code_length && std::all_of(code.begin(), code.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

std::string share_path(std::string_view page, std::string_view code) {
    return "/" + std::string(page) + "?code=" + std::string(code);
}

std::string share_qr_scene(std::string_view code) { return "c=" + std::string(code); }

std::optional<std::string> share_code_from_scene(std::string_view scene) {
    if (scene.substr(0, 2) != "c=" || !is_share_code(scene.substr(2))) return std::nullopt;
    return std::string(scene.substr(2));
}

share_state share_state_at(const share_state_facts& f, std::chrono::system_clock::time_point now) {
    if (f.revoked || !f.partner_active) return share_state::revoked;
    if (now < f.valid_from) return share_state::not_started;
    if (now >= f.valid_until) return share_state::expired;
    if (f.claimed >= f.quota) return share_state::exhausted;
    return share_state::open;
}

std::string_view to_string(share_state state) {
    switch (state) {
    case share_state::open: return "open";
    case share_state::not_started: return "not_started";
    case share_state::expired: return "expired";
    case share_state::exhausted: return "exhausted";
    case share_state::revoked: return "revoked";
    }
    return "revoked";
}

}  // namespace sharedstore
