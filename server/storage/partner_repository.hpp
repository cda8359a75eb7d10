#pragma once
// Partners, their buy-ins and their card packs in MariaDB. Blocking: call through mysql_pool.
#include "common/mysql_connection.hpp"
#include "server/domain/partner_status.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct partner_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::uint64_t user_id = 0;
    partner_status status = partner_status::active;
    inactive_dividends when_inactive = inactive_dividends::keep_paying;
    std::int64_t total_buy_in_fen = 0;
    std::string status_note;
    std::chrono::system_clock::time_point created_at;
    // Joined for views:
    std::string merchant_name;
    std::string phone;  // whole; handlers mask it
    std::int64_t stored_value_fen = 0;
    std::int64_t lead_count = 0;
};

struct buy_in_record {
    std::uint64_t id = 0;
    std::uint64_t partner_id = 0;
    std::int64_t amount_fen = 0;
    std::string method;  // cash | wechat_pay
    std::string note;
    std::uint64_t recorded_by_user_id = 0;
    std::chrono::system_clock::time_point created_at;
};

struct card_pack_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::uint64_t partner_id = 0;
    int quota = 0;
    int claimed = 0;
    std::chrono::system_clock::time_point created_at;
    // The template:
    std::uint64_t card_template_id = 0;
    std::string kind, title, benefit, cover_url;
    std::chrono::system_clock::time_point valid_from, valid_until;
    std::string merchant_name;
};

std::uint64_t insert_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t enrolled_by);
// `lock`: FOR UPDATE, for changes that read then write the row.
std::optional<partner_record> find_partner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id, bool lock = false);
std::optional<partner_record> find_partner_by_user(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);
void add_partner_buy_in(mysql_connection& db, std::uint64_t partner_id, std::int64_t amount_fen);
void update_partner_status(mysql_connection& db, std::uint64_t partner_id, partner_status status, inactive_dividends when_inactive,
                           const std::string& note, std::uint64_t changed_by);
// The store's partners, newest first, optionally of one status (with phone, stored value, leads).
std::vector<partner_record> list_partners(mysql_connection& db, std::uint64_t merchant_id, const std::optional<std::string>& status,
                                          std::uint64_t before_id, int limit);
// Every store where the user is a partner.
std::vector<partner_record> list_memberships(mysql_connection& db, std::uint64_t user_id);

std::uint64_t insert_buy_in(mysql_connection& db, std::uint64_t partner_id, std::uint64_t merchant_id, std::int64_t amount_fen,
                            const std::string& method, const std::string& note, std::optional<std::uint64_t> recorded_by,
                            std::uint64_t ledger_transaction_id, const std::string& at);
std::optional<buy_in_record> find_buy_in_by_ledger_transaction(mysql_connection& db, std::uint64_t ledger_transaction_id);
std::vector<buy_in_record> list_buy_ins(mysql_connection& db, std::uint64_t partner_id, int limit);

std::uint64_t insert_card_pack(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t card_template_id, std::uint64_t partner_id,
                               int quota, std::uint64_t issued_by);
std::optional<card_pack_record> find_card_pack(mysql_connection& db, std::uint64_t pack_id);
// A partner's packs at one store (partner_id set), or a user's packs at every store (user_id set);
// newest first.
std::vector<card_pack_record> list_card_packs(mysql_connection& db, std::optional<std::uint64_t> partner_id,
                                              std::optional<std::uint64_t> user_id, std::uint64_t before_id, int limit);

}  // namespace sharedstore
