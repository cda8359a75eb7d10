#include "server/storage/secret_box.hpp"

#include "wechat/pay/pay_crypto.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace sharedstore {

namespace {
constexpr std::size_t nonce_bytes = 12;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<std::string> parse_data_key_hex(std::string_view hex) {
    if (hex.size() != data_key_bytes * 2) return std::nullopt;
    std::string key;
    key.reserve(data_key_bytes);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_digit(hex[i]), low = hex_digit(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        key.push_back(static_cast<char>(high * 16 + low));
    }
    return key;
}

std::string seal_secret(std::string_view data_key, std::string_view associated_data, std::string_view plaintext) {
    if (data_key.size() != data_key_bytes) throw std::invalid_argument("the data key must be 32 bytes");
    std::string nonce(nonce_bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    const auto sealed = wechat_pay::base64_decode(wechat_pay::aes_256_gcm_encrypt(data_key, nonce, associated_data, plaintext));
    if (!sealed) throw std::runtime_error("AES-256-GCM encryption failed");
    return wechat_pay::base64_encode(nonce + *sealed);
}

std::optional<std::string> open_secret(std::string_view data_key, std::string_view associated_data, std::string_view sealed) {
    const auto bytes = wechat_pay::base64_decode(sealed);
    if (!bytes || bytes->size() < nonce_bytes + 16) return std::nullopt;
    const std::string_view all(*bytes);
    return wechat_pay::aes_256_gcm_decrypt(data_key, all.substr(0, nonce_bytes), associated_data,
                                           wechat_pay::base64_encode(all.substr(nonce_bytes)));
}

}  // namespace sharedstore
