#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

std::uint64_t last_insert_id(sql::Connection& db) {
    std::unique_ptr<sql::PreparedStatement> last(db.prepareStatement("SELECT LAST_INSERT_ID()"));
    std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
    rs->next();
    return rs->getUInt64(1);
}

}  // namespace sharedstore
