#pragma once
// Share links, claimed cards, lead ownership and its history in MariaDB. Blocking: call through
// mysql_pool. The claim's locking protocol is in services/share_service.cpp.
#include "common/mysql_connection.hpp"
#include "server/domain/partner_status.hpp"
#include "server/storage/sql_support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct share_record {
    std::uint64_t id = 0;
    std::string code;
    std::uint64_t card_pack_id = 0;
    std::uint64_t partner_id = 0;
    std::uint64_t merchant_id = 0;
    bool revoked = false;
    std::chrono::system_clock::time_point created_at;
};

// What a claim needs to know about the share, its pack, card, partner and store (unlocked reads).
struct share_context {
    share_record share;
    std::uint64_t partner_user_id = 0;
    partner_status partner_state = partner_status::active;
    std::string merchant_name;
    bool allow_existing_customers = false;
    bool cards_for_owned_customers = false;
    std::optional<int> protection_days;
    std::uint64_t card_template_id = 0;
    std::string kind, title, benefit, cover_url;
    std::chrono::system_clock::time_point valid_from_time, valid_until_time;
    int quota = 0;
    int claimed = 0;
};

struct lead_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::uint64_t customer_user_id = 0;
    std::uint64_t partner_id = 0;
    std::uint64_t partner_user_id = 0;
    std::chrono::system_clock::time_point bound_at;
    std::string customer_phone;  // whole; handlers mask it
    std::string merchant_name;
    std::optional<std::chrono::system_clock::time_point> last_purchase_at;  // none: never bought
};

struct lead_change_record {
    std::uint64_t id = 0;
    std::uint64_t customer_user_id = 0;
    std::optional<std::uint64_t> previous_partner_id;
    std::uint64_t partner_id = 0;
    std::string reason;  // claimed | claimed_after_lapse | reassigned
    std::uint64_t actor_user_id = 0;
    std::string note;
    std::chrono::system_clock::time_point created_at;
};

// The current owner as the claim reads it: latest committed row, share-locked.
struct lead_owner {
    std::uint64_t partner_id = 0;
    std::chrono::system_clock::time_point bound_at;
};

struct person_facts {
    std::string unionid, phone;
};

// Applies to the next transaction only; must be the first statement of it.
void use_read_committed(mysql_connection& db);

std::uint64_t insert_share(mysql_connection& db, const std::string& code, std::uint64_t card_pack_id, std::uint64_t partner_id,
                           std::uint64_t merchant_id);
int count_active_shares(mysql_connection& db, std::uint64_t card_pack_id);
std::optional<share_context> find_share_context(mysql_connection& db, const std::string& code);
// Revokes one of the user's own shares; false when the user has no such share.
bool revoke_share(mysql_connection& db, const std::string& code, std::uint64_t partner_user_id);

// FOR UPDATE on the pack row: claims through one pack queue here, which keeps its quota exact.
// Returns (quota, claimed).
std::pair<int, int> lock_card_pack(mysql_connection& db, std::uint64_t card_pack_id);
person_facts find_person_facts(mysql_connection& db, std::uint64_t user_id);
// The customer's purchases at the store (written by orders): first and last, if any.
struct purchase_facts {
    std::optional<std::chrono::system_clock::time_point> first, last;
};
purchase_facts find_purchase_facts(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id);
bool has_card_claim(mysql_connection& db, std::uint64_t card_pack_id, std::uint64_t customer_user_id);
void insert_card_claim(mysql_connection& db, std::uint64_t card_pack_id, std::uint64_t share_id, std::uint64_t merchant_id,
                       std::uint64_t customer_user_id);

// `lock`: "share" (LOCK IN SHARE MODE), "update" (FOR UPDATE) or "" (consistent read).
std::optional<lead_owner> find_lead_owner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id,
                                          const char* lock);
// Inserts the owner row; throws the database's duplicate-key error when someone else got there first.
// duplicate: another claim of the customer inserted first (its row now holds our shared lock).
insert_outcome insert_lead(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, std::uint64_t partner_id,
                 std::optional<std::uint64_t> share_id);
void replace_lead_owner(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id, std::uint64_t partner_id,
                        std::optional<std::uint64_t> share_id);
void insert_lead_change(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id,
                        std::optional<std::uint64_t> previous_partner_id, std::uint64_t partner_id, const std::string& reason,
                        std::uint64_t actor_user_id, const std::string& note);

// Newest first by lead id. merchant_id 0 = every store (with partner_user_id set).
struct lead_filter {
    std::uint64_t merchant_id = 0;
    std::uint64_t partner_id = 0;
    std::uint64_t partner_user_id = 0;
    std::uint64_t customer_user_id = 0;
};
std::vector<lead_record> list_leads(mysql_connection& db, const lead_filter& filter, std::uint64_t before_id, int limit);
std::vector<lead_change_record> list_lead_changes(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t customer_user_id,
                                                  std::uint64_t partner_id, std::uint64_t before_id, int limit);

}  // namespace sharedstore
