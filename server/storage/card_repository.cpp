#include "server/storage/card_repository.hpp"

#include "common/clock.hpp"
#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace sharedstore {

std::string card_offer_columns(const std::string& t) {
    return t + ".offer_kind, " + t + ".amount_off_fen, " + t + ".percent_off_bp, " + t + ".discount_cap_fen, COALESCE(" + t + ".free_item, ''), " + t +
           ".min_spend_fen";
}

card_offer card_offer_from(sql::ResultSet& rs, int first) {
    card_offer offer;
    offer.kind = parse_offer_kind(std::string(rs.getString(first))).value_or(offer_kind::described);
    if (!rs.isNull(first + 1)) offer.amount_off_fen = rs.getInt64(first + 1);
    if (!rs.isNull(first + 2)) offer.percent_off_bp = static_cast<std::int32_t>(rs.getInt(first + 2));
    if (!rs.isNull(first + 3)) offer.cap_fen = rs.getInt64(first + 3);
    offer.free_item = rs.getString(first + 4);
    offer.min_spend_fen = rs.getInt64(first + 5);
    return offer;
}

std::uint64_t insert_card_template(mysql_connection& db, std::uint64_t merchant_id, const card_template& card, std::uint64_t created_by) {
    mysql_statement insert(db.prepare(
        "INSERT INTO card_templates (merchant_id, kind, title, benefit, valid_from, valid_until, cover_url, created_by_user_id, "
        "offer_kind, amount_off_fen, percent_off_bp, discount_cap_fen, free_item, min_spend_fen, valid_days) "
        "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setString(2, std::string(to_string(card.kind)));
    insert->setString(3, card.title);
    insert->setString(4, card.benefit);
    insert->setString(5, format_sql_datetime_utc(card.valid_from));
    insert->setString(6, format_sql_datetime_utc(card.valid_until));
    insert->setString(7, card.cover_url);
    insert->setUInt64(8, created_by);
    const auto& o = card.offer;
    insert->setString(9, std::string(to_string(o.kind)));
    if (o.kind == offer_kind::amount_off) insert->setInt64(10, o.amount_off_fen);
    else insert->setNull(10, 0);
    if (o.kind == offer_kind::percent_off) insert->setInt(11, o.percent_off_bp);
    else insert->setNull(11, 0);
    if (o.cap_fen) insert->setInt64(12, *o.cap_fen);
    else insert->setNull(12, 0);
    insert->setString(13, o.free_item);
    insert->setInt64(14, o.min_spend_fen);
    if (card.valid_days) insert->setInt(15, *card.valid_days);
    else insert->setNull(15, 0);
    insert->executeUpdate();
    return last_insert_id(db);
}

std::vector<card_template_record> list_card_templates(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit) {
    mysql_statement select(db.prepare(
        std::string("SELECT id, merchant_id, kind, title, benefit, COALESCE(cover_url, ''), ")
        + sql_micros("valid_from") + ", " + sql_micros("valid_until") + ", " + sql_micros("created_at") + ", valid_days, " +
        card_offer_columns("t") + " FROM card_templates t "
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
                                           .created_at = from_micros(rs->getInt64(9)),
                                           .offer = card_offer_from(*rs, 11),
                                           .valid_days = rs->isNull(10) ? std::nullopt : std::optional<int>(rs->getInt(10))});
    return out;
}

}  // namespace sharedstore
