#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

std::uint64_t last_insert_id(mysql_connection& db) {
    mysql_statement last(db.prepare("SELECT LAST_INSERT_ID()"));
    std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
    rs->next();
    return rs->getUInt64(1);
}


std::string repeated(const std::string& item, std::size_t count, const std::string& separator) {
    std::string out;
    out.reserve((item.size() + separator.size()) * count);
    for (std::size_t i = 0; i < count; ++i) out += (i ? separator : "") + item;
    return out;
}

std::string sql_micros(const std::string& column) { return "CAST(UNIX_TIMESTAMP(" + column + ") * 1000000 AS SIGNED)"; }

std::chrono::system_clock::time_point from_micros(std::int64_t microseconds) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(microseconds)));
}

}  // namespace sharedstore
