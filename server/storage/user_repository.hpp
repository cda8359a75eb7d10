#pragma once
// Users in MariaDB. Blocking: call through mysql_pool::run / transaction.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sharedstore {

struct user_record {
    std::uint64_t id = 0;
    std::string appid;
    std::string openid;
    std::string unionid;             // empty when unknown
    std::string phone;               // purePhoneNumber; empty when not bound
    std::string phone_country_code;
    std::chrono::system_clock::time_point created_at;
};

// Creates the user on first login, or returns the existing one (openid is unique per appid).
// A unionid WeChat now reveals is kept; one already known is never replaced by nothing.
user_record upsert_user_by_openid(mysql_connection& db, const std::string& appid, const std::string& openid,
                                  const std::string& unionid);
std::optional<user_record> find_user(mysql_connection& db, std::uint64_t id);
void set_user_phone(mysql_connection& db, std::uint64_t id, const std::string& phone, const std::string& country_code);

// The user a POS means by its customer reference: our id, an openid in our mini-program (`appid`)
// or a phone number, the first given. nullopt when unknown, or when a phone is shared by several
// users: no dividend rather than the wrong partner's.
std::optional<std::uint64_t> resolve_pos_customer(mysql_connection& db, std::optional<std::uint64_t> user_id, const std::string& openid,
                                                  const std::string& phone, const std::string& appid);

}  // namespace sharedstore
