#include "server/services/pos_key_service.hpp"

#include "common/random_token.hpp"

namespace sharedstore {

namespace asio = boost::asio;

// Only the owner manages keys: a key lets a system report orders, which move partners' money.
asio::awaitable<service_result<created_pos_key>> pos_key_service::create(std::uint64_t caller, std::uint64_t merchant_id, std::string label) {
    // 128 random bits name the key (it is sent in clear in X-Api-Key); 256 make the secret.
    auto write = [this, caller, merchant_id, label = std::move(label), key_id = "pk_" + random_hex(16),
                  secret = "sk_" + random_hex(32)](mysql_connection& db) -> service_result<created_pos_key> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        if (count_active_pos_keys_locked(db, merchant_id) >= max_active_pos_keys)
            return failure(service_failure::too_many_api_keys);
        insert_pos_key(db, merchant_id, key_id, label, secret, data_key_, caller);
        return created_pos_key{*find_pos_key(db, merchant_id, key_id), secret};
    };
    co_return co_await database_.transaction(std::move(write));
}

asio::awaitable<service_result<std::vector<pos_key_record>>> pos_key_service::list(std::uint64_t caller, std::uint64_t merchant_id) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<pos_key_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        return list_pos_keys(db, merchant_id);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<pos_key_record>> pos_key_service::revoke(std::uint64_t caller, std::uint64_t merchant_id, std::string key_id) {
    auto write = [=, key_id = std::move(key_id)](mysql_connection& db) -> service_result<pos_key_record> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner})) return *denied;
        revoke_pos_key(db, merchant_id, key_id, caller);  // no row changed: unknown, or revoked before
        auto key = find_pos_key(db, merchant_id, key_id);
        if (!key) return failure(service_failure::api_key_not_found);
        return *key;
    };
    co_return co_await database_.transaction(std::move(write));
}

}  // namespace sharedstore
