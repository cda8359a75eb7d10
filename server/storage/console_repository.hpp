#pragma once
// What the console needs from MariaDB: the stores a user is staff of, with the role at each.
// Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/storage/merchant_repository.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sharedstore {

struct staff_store {
    std::uint64_t merchant_id = 0;
    std::string name;
    staff_role role = staff_role::cashier;
};

// By store id; at most max_console_stores (a console lists them in a picker).
inline constexpr int max_console_stores = 500;
std::vector<staff_store> list_staff_stores(mysql_connection& db, std::uint64_t user_id);

}  // namespace sharedstore
