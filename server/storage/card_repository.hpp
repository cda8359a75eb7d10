#pragma once
// Card templates in MariaDB. Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/card_templates.hpp"

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

namespace sql {
class ResultSet;
}

namespace sharedstore {

struct card_template_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::string kind, title, benefit, cover_url;
    std::chrono::system_clock::time_point valid_from, valid_until, created_at;
    card_offer offer;
    std::optional<int> valid_days;
};

// The offer columns of card_templates as SQL (alias `t`), and the record's offer read from the
// result set from column `first` on (6 columns: kind, amount off, percent off, cap, free item,
// minimum spend): one place that knows their layout, for every query that shows a card.
std::string card_offer_columns(const std::string& alias);
card_offer card_offer_from(sql::ResultSet& rs, int first);

std::uint64_t insert_card_template(mysql_connection& db, std::uint64_t merchant_id, const card_template& card, std::uint64_t created_by);
// Newest first; `before_id` 0 = from the newest (cursor pagination).
std::vector<card_template_record> list_card_templates(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit);

}  // namespace sharedstore
