#include "wechat/simulator/qr_image.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace sharedstore::simulator {

namespace {

std::uint32_t crc32(const std::string& data) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void chunk(std::string& png, const std::string& type, const std::string& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    std::string typed = type + data;
    png += typed;
    put32(png, crc32(typed));
}

// zlib stream of "stored" (uncompressed) deflate blocks: valid, and simple enough to write here.
std::string zlib_stored(const std::string& raw) {
    std::string out("\x78\x01", 2);
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        const bool last = pos + n == raw.size();
        out.push_back(last ? 1 : 0);
        out.push_back(static_cast<char>(n & 0xFF));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(~n & 0xFF));
        out.push_back(static_cast<char>((~n >> 8) & 0xFF));
        out.append(raw, pos, n);
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    put32(out, (b << 16) | a);
    return out;
}

}  // namespace

std::string make_qr_png(const std::string& scene, const std::string& page, int size) {
    unsigned char digest[32];
    unsigned int length = 0;
    const std::string seed = scene + "\n" + page;
    EVP_Digest(seed.data(), seed.size(), digest, &length, EVP_sha256(), nullptr);
    // A 16x16 grid of modules from the digest's 256 bits, scaled to size x size, 8-bit grey.
    std::string raw;
    for (int y = 0; y < size; ++y) {
        raw.push_back('\0');  // filter type: none
        for (int x = 0; x < size; ++x) {
            const int bit = (y * 16 / size) * 16 + (x * 16 / size);
            raw.push_back((digest[bit / 8] >> (bit % 8)) & 1 ? '\0' : static_cast<char>(0xFF));
        }
    }
    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    put32(header, static_cast<std::uint32_t>(size));
    put32(header, static_cast<std::uint32_t>(size));
    header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit, greyscale, deflate, no filter, no interlace
    chunk(png, "IHDR", header);
    chunk(png, "tEXt", std::string("scene") + '\0' + scene);
    chunk(png, "tEXt", std::string("page") + '\0' + page);
    chunk(png, "IDAT", zlib_stored(raw));
    chunk(png, "IEND", "");
    return png;
}

}  // namespace sharedstore::simulator
