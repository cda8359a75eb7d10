#pragma once
// The member journey in MariaDB (schema/0014_member_journey.sql, docs/members.md): programmes,
// level tables, profiles with their audit trail, growth entries, point lots and moves, offers
// (membership products, points items, top-up packages) and the lifetime referral relation.
// Blocking: call through mysql_pool, inside the transaction of the event.
#include "common/mysql_connection.hpp"
#include "server/domain/member_funnel.hpp"
#include "server/domain/member_levels.hpp"
#include "server/domain/member_points.hpp"
#include "server/domain/member_stages.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sharedstore {

struct member_program_record {
    std::uint64_t merchant_id = 0;
    points_rules points;
    std::optional<std::int64_t> task_spend_fen;
    std::optional<std::int32_t> task_days;
    std::optional<std::int64_t> task_topup_fen;
    std::string terms_version, terms_text;
    bool partner_requires_member = true;
    std::uint64_t updated_by_user_id = 0;
    std::chrono::system_clock::time_point updated_at;
};

std::optional<member_program_record> find_member_program(mysql_connection& db, std::uint64_t merchant_id);
void upsert_member_program(mysql_connection& db, const member_program_record& program);

std::vector<member_level> list_member_levels(mysql_connection& db, std::uint64_t merchant_id);
void replace_member_levels(mysql_connection& db, std::uint64_t merchant_id, const std::vector<member_level>& levels);

struct member_profile {
    std::uint64_t merchant_id = 0;
    std::uint64_t user_id = 0;
    member_stage stage = member_stage::passer_by;
    std::optional<std::chrono::system_clock::time_point> fan_at, customer_at, member_at, partner_at, member_qualified_at, terms_accepted_at, level_since;
    std::string fan_source, member_qualified_by, terms_version;
    std::int64_t growth = 0;
    std::optional<std::int32_t> level_no;
};

// The person's profile at the store, locked; made (passer-by) when there is none.
member_profile lock_member_profile(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::chrono::system_clock::time_point now);
std::optional<member_profile> find_member_profile(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);
void save_member_profile(mysql_connection& db, const member_profile& profile, std::chrono::system_clock::time_point now);

// The audit trail: a stage or level change and why.
void insert_member_event(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& kind, const std::string& from,
                         const std::string& to, const std::string& reason, std::optional<std::uint64_t> order_id, std::chrono::system_clock::time_point at);
struct member_event_record {
    std::uint64_t id = 0;
    std::string kind, from, to, reason;
    std::optional<std::uint64_t> order_id;
    std::chrono::system_clock::time_point at;
};
std::vector<member_event_record> list_member_events(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, int limit);

// Growth: `reason` order_vested (once per order), refund (once per refund), retention.
void insert_growth_entry(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::optional<std::uint64_t> order_id,
                         std::optional<std::uint64_t> refund_id, std::int64_t delta, const std::string& reason, std::chrono::system_clock::time_point at);
// What the order has earned in growth so far (its vesting grant less its refunds' reversals).
std::int64_t order_growth_granted(mysql_connection& db, std::uint64_t order_id);
// Growth earned from orders (grants less refund reversals) since `since`: the retention check's figure.
std::int64_t growth_earned_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::chrono::system_clock::time_point since);
// Vested purchases' money (amount less refunds) since `since`: the member task's spend.
std::int64_t vested_spend_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::chrono::system_clock::time_point since);

// Point lots.
enum class lot_state { pending, vested, expired };
struct point_lot_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::uint64_t user_id = 0;
    std::uint64_t order_id = 0;
    std::string source;  // order, returned
    std::int64_t earned = 0, reversed = 0, remaining = 0, unrecovered = 0;
    lot_state state = lot_state::pending;
    std::optional<std::chrono::system_clock::time_point> vested_at, expires_at, reminded_at;
};
std::uint64_t insert_point_lot(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& source,
                               std::uint64_t source_ref, std::uint64_t order_id, std::int64_t earned, lot_state state,
                               std::optional<std::chrono::system_clock::time_point> vested_at, std::optional<std::chrono::system_clock::time_point> expires_at, std::chrono::system_clock::time_point now);
std::optional<point_lot_record> find_order_lot(mysql_connection& db, std::uint64_t order_id, bool lock);
// A person's lots whose refunds could not take everything back (`unrecovered` > 0), locked.
std::vector<point_lot_record> lock_lots_owing(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);
// The lots the order's bonus awards earned (docs/bonus.md: A2's points), locked.
std::vector<point_lot_record> lock_award_lots_of_order(mysql_connection& db, std::uint64_t order_id);
void save_point_lot(mysql_connection& db, const point_lot_record& lot);
// A person's vested lots with points left, in the order they are spent; locked unless `lock` is false (a read).
std::vector<point_lot_record> lock_spendable_lots(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, bool lock = true);
// Vested lots past their expiry with points left (any store), oldest first.
std::vector<point_lot_record> list_expired_lots(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);
// Vested lots expiring before `before`, not yet reminded.
std::vector<point_lot_record> list_lots_to_remind(mysql_connection& db, std::chrono::system_clock::time_point now, std::chrono::system_clock::time_point before, int limit);

struct point_move_record {
    std::uint64_t id = 0;
    std::string kind;
    std::int64_t points = 0;
    std::optional<std::uint64_t> order_id, item_id;
    std::chrono::system_clock::time_point at;
};
void insert_point_move(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& kind, std::int64_t points,
                       std::optional<std::uint64_t> order_id, std::optional<std::uint64_t> lot_id, std::optional<std::uint64_t> item_id,
                       std::optional<std::uint64_t> ledger_transaction_id, std::chrono::system_clock::time_point at);
// A points exchange's move by its request_id (none, or the one); and the move, once per request_id.
std::vector<point_move_record> list_point_moves_by_request(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id,
                                                           const std::string& request_id);
void insert_point_move_for_request(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t points, std::uint64_t item_id,
                                   std::uint64_t ledger_transaction_id, const std::string& request_id, std::chrono::system_clock::time_point at);
// Points held for an unpaid order, one row per lot drawn (docs/members.md, "Points on orders paid later").
enum class hold_state { held, spent, released };
struct point_hold_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0, user_id = 0, order_id = 0, lot_id = 0;
    std::int64_t points = 0;
    hold_state state = hold_state::held;
};
void insert_point_hold(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t order_id, std::uint64_t lot_id,
                       std::int64_t points, std::chrono::system_clock::time_point at);
// The order's holds, locked.
std::vector<point_hold_record> lock_point_holds(mysql_connection& db, std::uint64_t order_id);
// Every `held` row of the order becomes `to` (spent, released).
void end_point_holds(mysql_connection& db, std::uint64_t order_id, hold_state to, std::chrono::system_clock::time_point at);
// The order's `held` move becomes its `spent` one: the member's history shows the spend once.
void mark_held_move_spent(mysql_connection& db, std::uint64_t order_id);

// Newest first, below `before_id` (0: from the newest).
std::vector<point_move_record> list_point_moves(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t before_id,
                                                int limit);

// Offers a store sells in its member programme.
enum class member_offer_kind { membership_product, points_item, topup_package };
std::string_view to_string(member_offer_kind kind);
std::optional<member_offer_kind> parse_member_offer_kind(std::string_view text);
struct offer_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    member_offer_kind kind = member_offer_kind::membership_product;
    std::string name;
    std::int64_t price_fen = 0, bonus_fen = 0, points_price = 0;
    bool active = true;
    std::chrono::system_clock::time_point created_at;
};
std::uint64_t insert_offer(mysql_connection& db, const offer_record& offer, std::uint64_t created_by, std::chrono::system_clock::time_point now);
std::optional<offer_record> find_offer(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t offer_id);
std::vector<offer_record> list_offers(mysql_connection& db, std::uint64_t merchant_id, member_offer_kind kind, bool active_only);
bool set_offer_active(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t offer_id, bool active);

// Orders whose refund window has closed and whose member grants have not been made, oldest first.
std::vector<std::uint64_t> list_orders_to_vest(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);
void mark_order_member_vested(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point at);
// A membership product the person holds: paid, not refunded in full.
bool holds_membership_product(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id);

// The lifetime referral relation.
struct referral_record {
    std::uint64_t user_id = 0;
    std::uint64_t referrer_user_id = 0;
    std::string source;
    std::optional<std::uint64_t> merchant_id;
    std::chrono::system_clock::time_point created_at;
};
std::optional<referral_record> find_referral(mysql_connection& db, std::uint64_t user_id, bool lock = false);
// The chain above `user_id` (their referrer first), at most `limit` long.
std::vector<std::uint64_t> referral_ancestors(mysql_connection& db, std::uint64_t user_id, int limit);
// Once per user: duplicate when a concurrent link won.
bool insert_referral(mysql_connection& db, std::uint64_t user_id, std::uint64_t referrer_user_id, const std::string& source,
                     std::optional<std::uint64_t> merchant_id, std::optional<std::uint64_t> share_id, std::chrono::system_clock::time_point at);
void correct_referral(mysql_connection& db, std::uint64_t user_id, std::optional<std::uint64_t> previous, std::uint64_t referrer_user_id,
                      const std::string& operator_name, const std::string& reason, std::chrono::system_clock::time_point at);

// Members whose level was set at or before `before` (a year ago): due for the retention check.
std::vector<std::pair<std::uint64_t, std::uint64_t>> list_profiles_due_retention(mysql_connection& db, std::chrono::system_clock::time_point before,
                                                                                 int limit);
std::optional<point_lot_record> find_point_lot(mysql_connection& db, std::uint64_t lot_id, bool lock);

// Every profile's stage times at the store, for the funnel.
std::vector<stage_times> list_stage_times(mysql_connection& db, std::uint64_t merchant_id);

}  // namespace sharedstore
