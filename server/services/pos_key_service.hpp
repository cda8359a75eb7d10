#pragma once
// A store's POS API keys: the owner creates, lists and revokes the keys its front-desk system
// signs order callbacks with. The secret is made here, returned once by create(), and stored
// only sealed under the data key (security.data_key_file).
#include "common/mysql_pool.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/pos_key_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct created_pos_key {
    pos_key_record key;
    std::string secret;  // "sk_" + 64 hex characters; shown to the owner this once, never again
};

class pos_key_service {
public:
    // `data_key`: the 32 bytes of security.data_key_file.
    pos_key_service(mysql_pool& database, std::string data_key) : database_(database), data_key_(std::move(data_key)) {}

    // `label` is already checked (1-64 characters). At most max_active_pos_keys active keys.
    boost::asio::awaitable<service_result<created_pos_key>> create(std::uint64_t caller, std::uint64_t merchant_id, std::string label);
    boost::asio::awaitable<service_result<std::vector<pos_key_record>>> list(std::uint64_t caller, std::uint64_t merchant_id);
    // Idempotent: revoking a revoked key answers it with its first revocation time.
    boost::asio::awaitable<service_result<pos_key_record>> revoke(std::uint64_t caller, std::uint64_t merchant_id, std::string key_id);

private:
    mysql_pool& database_;
    std::string data_key_;
};

}  // namespace sharedstore
