#pragma once
// WeChat one-time subscriptions users accepted (push_subscriptions). Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"

#include <cstdint>
#include <string>

namespace sharedstore {

// Adds `accepted` acceptances of the template (at most 1000 held) and returns what the user holds.
std::int64_t add_accepted_subscriptions(mysql_connection& db, std::uint64_t user_id, const std::string& template_id, int accepted);

}  // namespace sharedstore
