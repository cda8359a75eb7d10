#include "server/storage/console_repository.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

std::vector<staff_store> list_staff_stores(mysql_connection& db, std::uint64_t user_id) {
    mysql_statement select(db.prepare("SELECT s.merchant_id, m.name, s.role FROM merchant_staff s JOIN merchants m ON m.id = s.merchant_id "
                                      "WHERE s.user_id = ? ORDER BY s.merchant_id LIMIT " + std::to_string(max_console_stores)));
    select->setUInt64(1, user_id);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    std::vector<staff_store> out;
    while (rs->next()) {
        auto role = parse_staff_role(std::string(rs->getString(3)));
        // The column is an ENUM of exactly these: anything else is a schema we do not know.
        if (!role) throw std::runtime_error("merchant_staff.role holds an unknown value");
        out.push_back({.merchant_id = rs->getUInt64(1), .name = std::string(rs->getString(2)), .role = *role});
    }
    return out;
}

}  // namespace sharedstore
