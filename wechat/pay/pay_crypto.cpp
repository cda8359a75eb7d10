#include "wechat/pay/pay_crypto.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace sharedstore::wechat_pay {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read key file " + path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) { return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free); }

std::unique_ptr<BIO, decltype(&BIO_free)> memory_bio(std::string_view data) {
    return {BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), BIO_free};
}

}  // namespace

private_key::private_key(EVP_PKEY* key) : key_(own(key)) {}

private_key private_key::from_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!key || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        throw std::runtime_error("not a PEM RSA private key");
    }
    return private_key(key);
}

private_key private_key::load_pem_file(const std::string& path) {
    try {
        return from_pem(read_file(path));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

std::string private_key::sign(std::string_view message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t length = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("RSA signing failed");
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        throw std::runtime_error("RSA signing failed");
    signature.resize(length);
    return base64_encode(signature);
}

std::optional<std::string> private_key::decrypt_oaep(std::string_view ciphertext_base64) const {
    auto sealed = base64_decode(ciphertext_base64);
    if (!sealed || sealed->empty()) return std::nullopt;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr), EVP_PKEY_CTX_free);
    size_t length = 0;
    auto in = reinterpret_cast<const unsigned char*>(sealed->data());
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) != 1 ||
        EVP_PKEY_decrypt(ctx.get(), nullptr, &length, in, sealed->size()) != 1) {
        ERR_clear_error();  // a stale error would be read by the next TLS call on this thread
        return std::nullopt;
    }
    std::string out(length, '\0');
    if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, in, sealed->size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    out.resize(length);
    return out;
}

public_key::public_key(EVP_PKEY* key) : key_(own(key)) {}

std::optional<std::string> public_key::encrypt_oaep(std::string_view plaintext) const {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr), EVP_PKEY_CTX_free);
    size_t length = 0;
    auto in = reinterpret_cast<const unsigned char*>(plaintext.data());
    // SHA-1 for both OAEP and MGF1, as WeChat Pay's own SDKs encrypt (RSA/ECB/OAEPWithSHA-1AndMGF1Padding).
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) != 1 ||
        EVP_PKEY_encrypt(ctx.get(), nullptr, &length, in, plaintext.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    std::string out(length, '\0');
    if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, in, plaintext.size()) != 1) {
        ERR_clear_error();  // too long for the key
        return std::nullopt;
    }
    out.resize(length);
    return base64_encode(out);
}

public_key public_key::from_pem(std::string_view pem) {
    EVP_PKEY* key = nullptr;
    if (pem.find("BEGIN CERTIFICATE") != std::string_view::npos) {
        auto bio = memory_bio(pem);
        X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (certificate) {
            key = X509_get_pubkey(certificate);
            X509_free(certificate);
        }
    } else {
        auto bio = memory_bio(pem);
        key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    }
    if (!key || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        throw std::runtime_error("not a PEM RSA public key or certificate");
    }
    return public_key(key);
}

public_key public_key::load_pem_file(const std::string& path) {
    try {
        return from_pem(read_file(path));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

bool public_key::verify(std::string_view message, std::string_view signature_base64) const {
    auto signature = base64_decode(signature_base64);
    if (!signature || signature->empty()) return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string certificate_serial(const std::string& path) {
    auto pem = read_file(path);
    auto bio = memory_bio(pem);
    std::unique_ptr<X509, decltype(&X509_free)> certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!certificate) throw std::runtime_error(path + ": not a PEM certificate");
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(ASN1_INTEGER_to_BN(X509_get_serialNumber(certificate.get()), nullptr), BN_free);
    char* hex = BN_bn2hex(serial.get());
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

std::pair<long long, long long> certificate_validity(const std::string& path) {
    auto pem = read_file(path);
    auto bio = memory_bio(pem);
    std::unique_ptr<X509, decltype(&X509_free)> certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!certificate) throw std::runtime_error(path + ": not a PEM certificate");
    auto seconds = [&](const ASN1_TIME* t) {
        std::tm tm{};
        if (!ASN1_TIME_to_tm(t, &tm)) throw std::runtime_error(path + ": unreadable validity");
        return static_cast<long long>(timegm(&tm));
    };
    return {seconds(X509_get0_notBefore(certificate.get())), seconds(X509_get0_notAfter(certificate.get()))};
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    for (char c : text)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
    std::string out(3 * text.size() / 4, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes: remove them.
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') ++padding;
    if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
    out.resize(static_cast<size_t>(n) - padding);
    return out;
}

std::string request_message(std::string_view method, std::string_view path_and_query, std::string_view timestamp,
                            std::string_view nonce, std::string_view body) {
    std::string m;
    m.append(method).append("\n").append(path_and_query).append("\n").append(timestamp).append("\n").append(nonce).append("\n");
    m.append(body).append("\n");
    return m;
}

std::string response_message(std::string_view timestamp, std::string_view nonce, std::string_view body) {
    std::string m;
    m.append(timestamp).append("\n").append(nonce).append("\n").append(body).append("\n");
    return m;
}

std::string js_payment_message(std::string_view appid, std::string_view timestamp, std::string_view nonce, std::string_view package) {
    std::string m;
    m.append(appid).append("\n").append(timestamp).append("\n").append(nonce).append("\n").append(package).append("\n");
    return m;
}

std::string format_authorization(const authorization& a) {
    return "WECHATPAY2-SHA256-RSA2048 mchid=\"" + a.mchid + "\",nonce_str=\"" + a.nonce_str + "\",signature=\"" + a.signature +
           "\",timestamp=\"" + a.timestamp + "\",serial_no=\"" + a.serial_no + "\"";
}

std::optional<authorization> parse_authorization(std::string_view header) {
    constexpr std::string_view scheme = "WECHATPAY2-SHA256-RSA2048 ";
    if (header.substr(0, scheme.size()) != scheme) return std::nullopt;
    header.remove_prefix(scheme.size());
    std::map<std::string, std::string, std::less<>> fields;
    while (!header.empty()) {
        while (!header.empty() && (header.front() == ' ' || header.front() == ',')) header.remove_prefix(1);
        if (header.empty()) break;
        auto eq = header.find("=\"");
        if (eq == std::string_view::npos) return std::nullopt;
        std::string key(header.substr(0, eq));
        header.remove_prefix(eq + 2);
        auto close = header.find('"');
        if (close == std::string_view::npos) return std::nullopt;
        if (!fields.emplace(key, std::string(header.substr(0, close))).second) return std::nullopt;  // no duplicates
        header.remove_prefix(close + 1);
    }
    authorization a;
    for (auto [name, target] : {std::pair{"mchid", &a.mchid}, {"nonce_str", &a.nonce_str}, {"signature", &a.signature},
                                {"timestamp", &a.timestamp}, {"serial_no", &a.serial_no}}) {
        auto it = fields.find(std::string_view(name));
        if (it == fields.end() || it->second.empty()) return std::nullopt;
        *target = it->second;
    }
    return a;
}

std::string aes_256_gcm_encrypt(std::string_view key, std::string_view nonce, std::string_view associated_data,
                                std::string_view plaintext) {
    if (key.size() != 32) throw std::invalid_argument("the API v3 key must be 32 bytes");
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int length = 0;
    std::string out(plaintext.size() + 16, '\0');
    auto u = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, u(key), u(nonce)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &length, u(associated_data), static_cast<int>(associated_data.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, u(plaintext), static_cast<int>(plaintext.size())) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    int total = length;
    if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + total + length) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    out.resize(static_cast<size_t>(total + length + 16));
    return base64_encode(out);
}

std::optional<std::string> aes_256_gcm_decrypt(std::string_view key, std::string_view nonce, std::string_view associated_data,
                                               std::string_view ciphertext_base64) {
    if (key.size() != 32 || nonce.empty()) return std::nullopt;
    auto sealed = base64_decode(ciphertext_base64);
    if (!sealed || sealed->size() < 16) return std::nullopt;
    const std::string_view tag = std::string_view(*sealed).substr(sealed->size() - 16);
    const std::string_view ciphertext = std::string_view(*sealed).substr(0, sealed->size() - 16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    auto u = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
    std::string out(ciphertext.size() + 16, '\0');
    int length = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u(key), u(nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, u(associated_data), static_cast<int>(associated_data.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length, u(ciphertext), static_cast<int>(ciphertext.size())) != 1)
        return std::nullopt;
    int total = length;
    std::string tag_copy(tag);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag_copy.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &length) != 1)
        return std::nullopt;  // tag mismatch: tampered, wrong key, or wrong associated data
    out.resize(static_cast<size_t>(total + length));
    return out;
}

}  // namespace sharedstore::wechat_pay
