#include "server/storage/user_repository.hpp"

#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace {

const std::string select_columns =
    "SELECT id, appid, openid, COALESCE(unionid, ''), COALESCE(phone, ''), COALESCE(phone_country_code, ''), " + sql_micros("created_at") +
    " FROM users ";

user_record read_user(sql::ResultSet& rs) {
    return user_record{rs.getUInt64(1), rs.getString(2), rs.getString(3), rs.getString(4),
                       rs.getString(5), rs.getString(6), from_micros(rs.getInt64(7))};
}

}  // namespace

user_record upsert_user_by_openid(mysql_connection& db, const std::string& appid, const std::string& openid,
                                  const std::string& unionid) {
    {
        mysql_statement upsert(db.prepare(
            "INSERT INTO users (appid, openid, unionid) VALUES (?, ?, NULLIF(?, '')) "
            "ON DUPLICATE KEY UPDATE unionid = COALESCE(VALUES(unionid), unionid)"));
        upsert->setString(1, appid);
        upsert->setString(2, openid);
        upsert->setString(3, unionid);
        upsert->executeUpdate();
    }
    mysql_statement select(db.prepare(std::string(select_columns) + "WHERE appid = ? AND openid = ?"));
    select->setString(1, appid);
    select->setString(2, openid);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    if (!rs->next()) throw std::runtime_error("user vanished right after its upsert");
    return read_user(*rs);
}

std::optional<user_record> find_user(mysql_connection& db, std::uint64_t id) {
    mysql_statement select(db.prepare(std::string(select_columns) + "WHERE id = ?"));
    select->setUInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_user(*rs);
}

void set_user_phone(mysql_connection& db, std::uint64_t id, const std::string& phone, const std::string& country_code) {
    mysql_statement update(db.prepare(
        "UPDATE users SET phone = ?, phone_country_code = ?, phone_bound_at = CURRENT_TIMESTAMP(6) WHERE id = ?"));
    update->setString(1, phone);
    update->setString(2, country_code);
    update->setUInt64(3, id);
    update->executeUpdate();
}

std::optional<std::uint64_t> resolve_pos_customer(mysql_connection& db, std::optional<std::uint64_t> user_id, const std::string& openid,
                                                  const std::string& phone, const std::string& appid) {
    mysql_statement select;
    if (user_id) {
        select = db.prepare("SELECT id FROM users WHERE id = ?");
        select->setUInt64(1, *user_id);
    } else if (!openid.empty()) {
        select = db.prepare("SELECT id FROM users WHERE appid = ? AND openid = ?");
        select->setString(1, appid);
        select->setString(2, openid);
    } else if (!phone.empty()) {
        select = db.prepare("SELECT id FROM users WHERE phone = ? LIMIT 2");
        select->setString(1, phone);
    } else {
        return std::nullopt;
    }
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    const auto id = rs->getUInt64(1);
    if (rs->next()) return std::nullopt;
    return id;
}

}  // namespace sharedstore
