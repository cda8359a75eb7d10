#include "push/outbox_history.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

namespace json = boost::json;

std::string outbox_frame(std::uint64_t id, const std::string& kind, const std::string& payload) {
    boost::system::error_code ec;
    auto value = json::parse(payload, ec);
    json::object frame = !ec && value.is_object() ? std::move(value.as_object()) : json::object{{"type", kind}};
    frame["id"] = format_event_id(id);
    if (!frame.contains("type")) frame["type"] = kind;
    return json::serialize(frame);
}

boost::asio::awaitable<std::uint64_t> outbox_history::start_of_newest(std::uint64_t user_id, std::uint64_t after, std::uint64_t before,
                                                                     int limit) {
    // One index range (ix_outbox_user), newest first, stopping at the limit.
    auto find = [=](mysql_connection& db) -> std::uint64_t {
        mysql_statement select(db.prepare(
            "SELECT id FROM outbox_events WHERE user_id = ? AND id > ? AND id < ? ORDER BY id DESC LIMIT 1 OFFSET ?"));
        select->setUInt64(1, user_id);
        select->setUInt64(2, after);
        select->setUInt64(3, before);
        select->setInt(4, limit);
        std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
        return rs->next() ? rs->getUInt64(1) : after;
    };
    const auto start = co_await database_.run(std::move(find));
    co_return start;
}

boost::asio::awaitable<std::vector<inbox_event>> outbox_history::read(std::uint64_t user_id, std::uint64_t after, std::uint64_t before, int count) {
    // A user's events commit in id order (the orders code locks the user's row first), so what
    // this reads never gains an older neighbour later.
    auto page = [=](mysql_connection& db) {
        mysql_statement select(db.prepare(
            "SELECT id, kind, payload FROM outbox_events WHERE user_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?"));
        select->setUInt64(1, user_id);
        select->setUInt64(2, after);
        select->setUInt64(3, before);
        select->setInt(4, count);
        std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
        std::vector<inbox_event> out;
        while (rs->next()) {
            const auto id = rs->getUInt64(1);
            out.push_back({id, outbox_frame(id, rs->getString(2), rs->getString(3))});
        }
        return out;
    };
    auto events = co_await database_.run(std::move(page));
    co_return events;
}

}  // namespace sharedstore
