#pragma once
// The customer's cards in MariaDB: held cards (card_claims with their template and store), their
// redemption codes (one row per held card) and the desk's redemptions. Blocking: call through
// mysql_pool, inside the transaction of the operation (services/card_wallet_service).
#include "common/mysql_connection.hpp"
#include "server/domain/card_offers.hpp"
#include "server/domain/held_cards.hpp"
#include "server/storage/sql_support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct held_card_record {
    std::uint64_t id = 0;  // card_claims.id: the card's id in the API
    std::uint64_t merchant_id = 0;
    std::string merchant_name, time_zone;
    std::uint64_t card_pack_id = 0, card_template_id = 0;
    std::uint64_t partner_id = 0, partner_user_id = 0;  // who shared it (never shown to the holder)
    std::uint64_t customer_user_id = 0;
    std::string customer_phone;  // whole; views mask it
    std::string kind, title, benefit, cover_url;
    card_offer offer;
    std::optional<int> valid_days;
    card_time template_from, template_until, claimed_at;
    std::optional<std::uint64_t> redemption_id;  // live redemption
    std::optional<card_time> redeemed_at;        // its time
    bool revoked = false;
    bool expiry_reminded = false;
};

// Newest first, every store; `before_id` 0 = from the newest.
std::vector<held_card_record> list_held_cards(mysql_connection& db, std::uint64_t customer_user_id, std::uint64_t before_id, int limit);
std::optional<held_card_record> find_held_card(mysql_connection& db, std::uint64_t card_id);
// FOR UPDATE on the card_claims row alone (not the joined pack, template or store): the lock
// that serialises codes, redemptions and their undoing for one card. false: no such card.
bool lock_held_card(mysql_connection& db, std::uint64_t card_id);

struct card_code_record {
    std::uint64_t card_id = 0;
    std::uint64_t holder_user_id = 0;
    std::string code;
    card_time expires_at;
};
// The card's one code row replaced by this code (or made): duplicate when another card's row
// holds the same 12 digits (the caller draws again).
insert_outcome store_card_code(mysql_connection& db, std::uint64_t card_id, std::uint64_t holder_user_id, const std::string& code,
                               card_time expires_at, card_time now);
std::optional<card_code_record> find_card_code(mysql_connection& db, const std::string& code);

struct card_redemption_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0, card_id = 0, card_template_id = 0, partner_id = 0, customer_user_id = 0;
    std::string request_id, code, via;
    std::optional<std::uint64_t> redeemed_by_user_id;
    std::optional<std::int64_t> bill_fen;
    std::int64_t discount_fen = 0;
    std::optional<std::uint64_t> order_id;
    std::optional<card_time> undone_at;
    card_time created_at;
};

struct new_card_redemption {
    std::uint64_t merchant_id = 0, card_id = 0, card_template_id = 0, partner_id = 0, customer_user_id = 0;
    std::string request_id, code, via;  // via: desk | pos
    std::optional<std::uint64_t> redeemed_by_user_id;
    std::optional<std::int64_t> bill_fen;
    std::int64_t discount_fen = 0;
    card_time at;
};
// The (store, request_id) taken by a concurrent copy throws the driver's duplicate-key error: the
// transaction runs again (mysql_pool::conflicts::rerun_on_duplicate_key) and finds the copy.
std::uint64_t insert_card_redemption(mysql_connection& db, const new_card_redemption& r);
std::optional<card_redemption_record> find_card_redemption(mysql_connection& db, std::uint64_t id, bool lock = false);
std::optional<card_redemption_record> find_card_redemption_by_request(mysql_connection& db, std::uint64_t merchant_id, const std::string& request_id);
// The live (not undone) redemption that discounts the order, if any.
std::optional<card_redemption_record> find_card_redemption_by_order(mysql_connection& db, std::uint64_t order_id, bool lock = false);
// The held card points at its live redemption (or at none: usable again).
void set_held_card_redemption(mysql_connection& db, std::uint64_t card_id, std::optional<std::uint64_t> redemption_id);
void attach_card_redemption_to_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id);
void detach_card_redemption_from_order(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t order_id);
void undo_card_redemption(mysql_connection& db, std::uint64_t redemption_id, std::uint64_t refund_id, card_time at);
// What a card took off the order (0: no card), for the order's profit.

// Usable-looking cards whose template or valid_days may end before `horizon` and that were not
// reminded yet, oldest first, at most `limit` (the job decides with expiry_reminder_due).
std::vector<held_card_record> list_cards_near_expiry(mysql_connection& db, card_time now, card_time horizon, std::uint64_t after_id, int limit);
void mark_expiry_reminded(mysql_connection& db, std::uint64_t card_id, card_time at);

// The card report's rows: one per (partner, card template) with claims in [from, to) at the store
// (docs/api.md, "The card report"); at most `limit` rows.
struct card_report_row {
    std::uint64_t partner_id = 0, partner_user_id = 0, card_template_id = 0;
    std::string partner_phone, title;  // the phone whole; views mask it
    std::int64_t claimed = 0, redeemed = 0, first_purchases = 0, repeat_30d = 0, repeat_90d = 0;
};
std::vector<card_report_row> card_report_rows(mysql_connection& db, std::uint64_t merchant_id, card_time from, card_time to, int limit);

}  // namespace sharedstore
