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
        std::string("SELECT id, merchant_id, kind, title, benefit, COALESCE(cover_url, ''), ")
        + sql_micros("valid_from") + ", " + sql_micros("valid_until") + ", " + sql_micros("created_at") + " FROM card_templates "
        "WHERE merchant_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, before_id);
    select->setUInt64(3, before_id);
    select->setInt(4, limit);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    std::vector<card_template_record> out;
    while (rs->next())
        out.push_back(card_template_record{.id = rs->getUInt64(1),
                                           .merchant_id = rs->getUInt64(2),
                                           .kind = rs->getString(3),
                                           .title = rs->getString(4),
                                           .benefit = rs->getString(5),
                                           .cover_url = rs->getString(6),
                                           .valid_from = from_micros(rs->getInt64(7)),
                                           .valid_until = from_micros(rs->getInt64(8)),
                                           .created_at = from_micros(rs->getInt64(9))});
    return out;
}

}  // namespace sharedstore
