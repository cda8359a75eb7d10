#include "server/domain/masking.hpp"

#include <algorithm>

namespace sharedstore {

namespace {

std::string mask_middle(const std::string& text, std::size_t keep_front, std::size_t keep_back) {
    if (text.empty()) return text;
    // At least one character masked, and the visible ends never overlap.
    const std::size_t visible = text.size() > 1 ? text.size() - 1 : 0;
    keep_front = std::min(keep_front, visible / 2 + visible % 2);
    keep_back = std::min(keep_back, visible - keep_front);
    return text.substr(0, keep_front) + "****" + text.substr(text.size() - keep_back);
}

}  // namespace

std::string mask_phone(const std::string& phone) {
    if (phone.size() >= 11) return mask_middle(phone, 3, 4);
    return mask_middle(phone, phone.size() / 3, phone.size() / 3);
}

std::string mask_openid(const std::string& openid) { return mask_middle(openid, 3, 3); }

}  // namespace sharedstore
