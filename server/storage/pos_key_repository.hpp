#pragma once
// POS API keys in MariaDB (schema/0006). Blocking: call through mysql_pool. Secrets come in and go
// out in plain text here and are stored sealed (server/storage/secret_box.hpp) under the data key
// the caller passes, with the key id as associated data.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

struct pos_key_record {
    std::string key_id;  // "pk_..."
    std::uint64_t merchant_id = 0;
    std::string label;
    std::uint64_t created_by_user_id = 0;
    std::chrono::system_clock::time_point created_at;
    std::optional<std::chrono::system_clock::time_point> revoked_at;  // nullopt while the key is active
};

// What a signed POS callback needs to check its HMAC.
struct pos_key_secret {
    std::uint64_t merchant_id = 0;
    std::string secret;
};

void insert_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id, const std::string& label,
                    std::string_view secret, std::string_view data_key, std::uint64_t created_by);
// Locks the store's row, then counts its keys that are not revoked. Run inside a transaction: two
// concurrent creations are serialised, so the limit holds.
int count_active_pos_keys_locked(mysql_connection& db, std::uint64_t merchant_id);
// One key of this store (another store's key is not found). A locking read: inside a transaction
// it sees the latest committed revocation, not the transaction's older snapshot.
std::optional<pos_key_record> find_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id);
// Newest first, revoked ones included.
std::vector<pos_key_record> list_pos_keys(mysql_connection& db, std::uint64_t merchant_id);
// Sets revoked_at (once: a revoked key keeps its first revocation). False when this store has no
// such active key.
bool revoke_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id, std::uint64_t revoked_by);
// For signed POS callbacks: the store and the plain secret of a key that is not revoked; nullopt
// for an unknown or revoked key. Throws std::runtime_error when the stored secret does not open
// (another data key, or an altered row): an operator problem, never a client's.
std::optional<pos_key_secret> find_active_pos_key_secret(mysql_connection& db, const std::string& key_id, std::string_view data_key);

}  // namespace sharedstore
