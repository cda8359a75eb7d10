#pragma once
// Card templates in MariaDB. Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/card_templates.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sharedstore {

struct card_template_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::string kind, title, benefit, cover_url;
    std::chrono::system_clock::time_point valid_from, valid_until, created_at;
};

std::uint64_t insert_card_template(mysql_connection& db, std::uint64_t merchant_id, const card_template& card, std::uint64_t created_by);
// Newest first; `before_id` 0 = from the newest (cursor pagination).
std::vector<card_template_record> list_card_templates(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t before_id, int limit);

}  // namespace sharedstore
