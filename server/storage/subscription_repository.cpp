#include "server/storage/subscription_repository.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

std::int64_t add_accepted_subscriptions(mysql_connection& db, std::uint64_t user_id, const std::string& template_id, int accepted) {
    mysql_statement upsert(db.prepare(
        "INSERT INTO push_subscriptions (user_id, template_id, remaining) VALUES (?, ?, ?) "
        "ON DUPLICATE KEY UPDATE remaining = LEAST(remaining + VALUES(remaining), 1000)"));
    upsert->setUInt64(1, user_id);
    upsert->setString(2, template_id);
    upsert->setInt(3, accepted);
    upsert->executeUpdate();
    mysql_statement select(db.prepare("SELECT remaining FROM push_subscriptions WHERE user_id = ? AND template_id = ?"));
    select->setUInt64(1, user_id);
    select->setString(2, template_id);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    rs->next();
    return static_cast<std::int64_t>(rs->getUInt(1));
}

}  // namespace sharedstore
