#pragma once
// WeChat Pay API v3 cryptography, both directions (the server signs requests and verifies and
// decrypts notifications; the simulator does the reverse):
// - RSA-SHA256 (PKCS#1 v1.5) signatures, base64, over WeChat's newline-terminated messages;
// - the WECHATPAY2-SHA256-RSA2048 Authorization header;
// - AEAD_AES_256_GCM with the 32-byte API v3 key (ciphertext base64, the 16-byte tag at its end);
// - certificate serial numbers (upper-case hex), which pick the key on each side;
// - RSA-OAEP (SHA-1, MGF1 with SHA-1, no label), base64: sensitive request fields (a payee's real
//   name) encrypted with WeChat Pay's platform certificate or public key, as WeChat Pay's SDKs do.
// Failures of verification and decryption are values (false / nullopt); a key file that
// cannot be loaded throws, at start-up.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

typedef struct evp_pkey_st EVP_PKEY;

namespace sharedstore::wechat_pay {

class private_key {
public:
    static private_key load_pem_file(const std::string& path);
    static private_key from_pem(std::string_view pem);
    // RSA-SHA256 PKCS#1 v1.5 over `message`, base64-encoded.
    std::string sign(std::string_view message) const;
    // Opens what public_key::encrypt_oaep sealed; nullopt when it does not open with this key.
    std::optional<std::string> decrypt_oaep(std::string_view ciphertext_base64) const;

private:
    explicit private_key(EVP_PKEY* key);
    std::shared_ptr<EVP_PKEY> key_;
};

class public_key {
public:
    // A PEM public key ("BEGIN PUBLIC KEY": WeChat Pay's public key mode) or certificate.
    static public_key load_pem_file(const std::string& path);
    static public_key from_pem(std::string_view pem);
    bool verify(std::string_view message, std::string_view signature_base64) const;
    // RSA-OAEP with SHA-1, base64. nullopt when `plaintext` is too long for the key (214 bytes for
    // RSA-2048); each call gives another ciphertext (OAEP is randomised).
    std::optional<std::string> encrypt_oaep(std::string_view plaintext) const;

private:
    explicit public_key(EVP_PKEY* key);
    std::shared_ptr<EVP_PKEY> key_;
};

// The serial number of a PEM certificate file, as WeChat writes it (upper-case hex).
std::string certificate_serial(const std::string& path);
// A PEM certificate file's notBefore and notAfter, in Unix seconds.
std::pair<long long, long long> certificate_validity(const std::string& path);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n": what a merchant signs for a request.
std::string request_message(std::string_view method, std::string_view path_and_query, std::string_view timestamp,
                            std::string_view nonce, std::string_view body);
// "TIMESTAMP\nNONCE\nBODY\n": what WeChat Pay signs for a response or a notification.
std::string response_message(std::string_view timestamp, std::string_view nonce, std::string_view body);
// "APPID\nTIMESTAMP\nNONCE\nPACKAGE\n": paySign for wx.requestPayment.
std::string js_payment_message(std::string_view appid, std::string_view timestamp, std::string_view nonce, std::string_view package);

struct authorization {
    std::string mchid, nonce_str, signature, timestamp, serial_no;
};
std::string format_authorization(const authorization& a);
// Parses `WECHATPAY2-SHA256-RSA2048 mchid="...",nonce_str="...",...`; nullopt if malformed or incomplete.
std::optional<authorization> parse_authorization(std::string_view header);

// AEAD_AES_256_GCM. `key` must be 32 bytes. Decryption returns nullopt for any tampering.
std::string aes_256_gcm_encrypt(std::string_view key, std::string_view nonce, std::string_view associated_data,
                                std::string_view plaintext);  // base64(ciphertext || tag)
std::optional<std::string> aes_256_gcm_decrypt(std::string_view key, std::string_view nonce, std::string_view associated_data,
                                               std::string_view ciphertext_base64);

}  // namespace sharedstore::wechat_pay
