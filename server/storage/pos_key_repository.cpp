#include "server/storage/pos_key_repository.hpp"

#include "server/storage/sql_support.hpp"

#include "server/storage/secret_box.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {
using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;

const std::string key_columns =
    "SELECT key_id, merchant_id, label, created_by_user_id, " + sql_micros("created_at") + ", " + sql_micros("revoked_at") + " FROM pos_api_keys ";

pos_key_record read_key(sql::ResultSet& rs) {
    pos_key_record k{rs.getString(1), rs.getUInt64(2), rs.getString(3), rs.getUInt64(4), from_micros(rs.getInt64(5)), std::nullopt};
    if (!rs.isNull(6)) k.revoked_at = from_micros(rs.getInt64(6));
    return k;
}
}  // namespace

void insert_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id, const std::string& label,
                    std::string_view secret, std::string_view data_key, std::uint64_t created_by) {
    statement insert(db.prepare(
        "INSERT INTO pos_api_keys (key_id, merchant_id, label, secret_ciphertext, created_by_user_id) VALUES (?, ?, ?, ?, ?)"));
    insert->setString(1, key_id);
    insert->setUInt64(2, merchant_id);
    insert->setString(3, label);
    insert->setString(4, seal_secret(data_key, key_id, secret));
    insert->setUInt64(5, created_by);
    insert->executeUpdate();
}

int count_active_pos_keys_locked(mysql_connection& db, std::uint64_t merchant_id) {
    {
        statement lock(db.prepare("SELECT id FROM merchants WHERE id = ? FOR UPDATE"));
        lock->setUInt64(1, merchant_id);
        rows locked(lock->executeQuery());
    }
    // A locking read: a plain SELECT would read the snapshot taken before the lock was granted,
    // and two concurrent creations could both see 19.
    statement count(db.prepare("SELECT COUNT(*) FROM pos_api_keys WHERE merchant_id = ? AND revoked_at IS NULL FOR UPDATE"));
    count->setUInt64(1, merchant_id);
    rows rs(count->executeQuery());
    rs->next();
    return static_cast<int>(rs->getInt64(1));  // COUNT(*) is a BIGINT
}

std::optional<pos_key_record> find_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id) {
    statement select(db.prepare(key_columns + "WHERE merchant_id = ? AND key_id = ? FOR UPDATE"));
    select->setUInt64(1, merchant_id);
    select->setString(2, key_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_key(*rs);
}

std::vector<pos_key_record> list_pos_keys(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(key_columns + "WHERE merchant_id = ? ORDER BY created_at DESC, id DESC"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<pos_key_record> out;
    while (rs->next()) out.push_back(read_key(*rs));
    return out;
}

bool revoke_pos_key(mysql_connection& db, std::uint64_t merchant_id, const std::string& key_id, std::uint64_t revoked_by) {
    statement update(db.prepare(
        "UPDATE pos_api_keys SET revoked_at = CURRENT_TIMESTAMP(6), revoked_by_user_id = ? "
        "WHERE merchant_id = ? AND key_id = ? AND revoked_at IS NULL"));
    update->setUInt64(1, revoked_by);
    update->setUInt64(2, merchant_id);
    update->setString(3, key_id);
    return update->executeUpdate() > 0;
}

std::optional<pos_key_secret> find_active_pos_key_secret(mysql_connection& db, const std::string& key_id, std::string_view data_key) {
    statement select(db.prepare("SELECT merchant_id, secret_ciphertext FROM pos_api_keys WHERE key_id = ? AND revoked_at IS NULL"));
    select->setString(1, key_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    const auto merchant_id = rs->getUInt64(1);
    const std::string sealed = rs->getString(2);
    auto secret = open_secret(data_key, key_id, sealed);
    // The key id is not secret; the message names it so an operator can find the row.
    if (!secret) throw std::runtime_error("the secret of POS API key " + key_id + " does not open: another data key, or an altered row");
    return pos_key_secret{merchant_id, std::move(*secret)};
}

}  // namespace sharedstore
