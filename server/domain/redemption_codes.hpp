#pragma once
// The code a held card shows at the desk (docs/api.md, "The customer's cards"): 12 digits for a
// desk that types it (11 random digits and a Luhn check digit, so a mistyped digit is caught
// before any lookup), the same digits in a QR payload for a scanner, valid 2 minutes. Binding to
// the card and the holder, and "an old code dies when a new one is made", are the server's one
// row per held card. Pure: randomness and `now` are parameters.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

inline constexpr std::chrono::seconds redemption_code_lifetime{120};
inline constexpr std::size_t redemption_code_digits = 12;
inline constexpr std::string_view redemption_qr_prefix = "sscard:";

struct redemption_code {
    std::string digits;      // 12 digits, the last a Luhn check digit
    std::string qr_payload;  // "sscard:" + digits
    std::chrono::system_clock::time_point expires_at;
};

// From 64 random bits (the caller's CSPRNG): the 11 digits are random mod 10^11 (a bias below
// 10^-8, no matter for a code that lives 2 minutes).
redemption_code make_redemption_code(std::uint64_t random_bits, std::chrono::system_clock::time_point now);

// The Luhn check digit of `digits` (all decimal digits).
char luhn_check_digit(std::string_view digits);

// The 12 digits from what the desk sent: the digits themselves or the QR payload; nullopt for
// anything else, a wrong length or a failed check digit.
std::optional<std::string> parse_redemption_code(std::string_view presented);

// A code works until its expiry, exclusive.
bool redemption_code_live(std::chrono::system_clock::time_point expires_at, std::chrono::system_clock::time_point now);

}  // namespace sharedstore
