#pragma once
// Our numbers for WeChat Pay (out_trade_no, out_refund_no): a two-letter prefix and 96 random bits
// in upper-case hex, 26 characters, within every such field's 1-64 / 6-32 of [0-9A-Za-z_-|*@].
#include "common/random_token.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace sharedstore {

inline std::string new_pay_number(const std::string& prefix) {
    auto hex = random_hex(12);
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return prefix + hex;
}

}  // namespace sharedstore
