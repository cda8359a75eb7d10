#include "common/random_token.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace sharedstore {

namespace {
std::vector<unsigned char> random_bytes(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return raw;
}
}  // namespace

std::string random_hex(std::size_t bytes) {
    const auto raw = random_bytes(bytes);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char b : raw) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

std::string random_url_token(std::size_t bytes) {
    if (bytes % 3 != 0) throw std::invalid_argument("random_url_token: bytes must be a multiple of 3");
    const auto raw = random_bytes(bytes);
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve(bytes / 3 * 4);
    for (std::size_t i = 0; i < bytes; i += 3) {
        const unsigned v = (raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 63]);
    }
    return out;
}

std::string random_readable_code(std::size_t length) {
    static constexpr char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // 32: a byte's low five bits pick one evenly
    const auto raw = random_bytes(length);
    std::string out;
    out.reserve(length);
    for (unsigned char b : raw) out.push_back(alphabet[b & 31]);
    return out;
}

}  // namespace sharedstore
