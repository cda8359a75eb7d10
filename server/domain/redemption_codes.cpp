#include "server/domain/redemption_codes.hpp"

#include <algorithm>

namespace sharedstore {

char luhn_check_digit(std::string_view digits) {
    // From the right, every second digit of the payload (the first left of the check digit) doubles.
    int sum = 0;
    bool doubled = true;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (doubled) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        doubled = !doubled;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

redemption_code make_redemption_code(std::uint64_t random_bits, std::chrono::system_clock::time_point now) {
    constexpr std::uint64_t space = 100'000'000'000ULL;  // 10^11
    auto body = std::to_string(random_bits % space);
    body.insert(0, 11 - body.size(), '0');
    auto digits = body + luhn_check_digit(body);
    return redemption_code{.digits = digits, .qr_payload = std::string(redemption_qr_prefix) + digits, .expires_at = now + redemption_code_lifetime};
}

std::optional<std::string> parse_redemption_code(std::string_view presented) {
    if (presented.substr(0, redemption_qr_prefix.size()) == redemption_qr_prefix) presented.remove_prefix(redemption_qr_prefix.size());
    if (presented.size() != redemption_code_digits) return std::nullopt;
    if (!std::all_of(presented.begin(), presented.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    if (luhn_check_digit(presented.substr(0, redemption_code_digits - 1)) != presented.back()) return std::nullopt;
    return std::string(presented);
}

bool redemption_code_live(std::chrono::system_clock::time_point expires_at, std::chrono::system_clock::time_point now) { return now < expires_at; }

}  // namespace sharedstore
