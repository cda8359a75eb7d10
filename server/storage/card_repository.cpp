#include "server/storage/card_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

std::uint64_t insert_card_template(mysql_connection& db, std::uint64_t merchant_id, const card_template& card, std::uint64_t created_by) {
    mysql_statement insert(db.prepare(
        "INSERT INTO card_templates (merchant_id, kind, title, benefit, valid_from, valid_until, cover_url, created_by_user_id) "
        "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setString(2, std::string(to_string(card.kind)));
    insert->setString(3, card.title);
    insert->setString(4, card.benefit);
    insert->setString(5, format_sql_datetime_utc(card.valid_from));
    insert->setString(6, format_sql_datetime_utc(card.valid_until));
    insert->setString(7, card.cover_url);
    insert->setUInt64(8, created_by);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::vector<card_template_record> list_card_templates(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit) {
    mysql_statement select(db.prepare(
        "SELECT id, merchant_id, kind, title, benefit, COALESCE(cover_url, ''), "
        "DATE_FORMAT(valid_from, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(valid_until, '%Y-%m-%dT%H:%i:%sZ'), "
        "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') FROM card_templates "
        "WHERE merchant_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, before_id);
    select->setUInt64(3, before_id);
    select->setInt(4, limit);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    std::vector<card_template_record> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), rs->getUInt64(2), rs->getString(3), rs->getString(4), rs->getString(5), rs->getString(6),
                       rs->getString(7), rs->getString(8), rs->getString(9)});
    return out;
}

}  // namespace sharedstore
