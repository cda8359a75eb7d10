#pragma once
// The member journey's steps inside a transaction (docs/members.md): a contact makes a fan, a
// vested purchase a customer (with its growth and points), a membership product or the member task
// plus accepted terms a member, a buy-in a partner. Payment effects, the jobs and the member
// service call these; the rules themselves are the pure domain's (member_stages, member_levels,
// member_points). Every stage or level change writes its audit event; a level reached writes the
// member's `level_up` frame.
#include "common/mysql_connection.hpp"
#include "server/domain/referrals.hpp"
#include "server/storage/member_repository.hpp"
#include "server/storage/order_repository.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sharedstore {

// A store's programme as the steps need it: none when the store has not set one up.
struct member_context {
    std::optional<member_program_record> program;
    std::vector<member_level> levels;
    std::chrono::minutes utc_offset{480};
};
member_context load_member_context(mysql_connection& db, std::uint64_t merchant_id);

// The person was identified at the store (signed-in visit, QR scan, card claim): passer-by -> fan.
void record_member_contact(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, const std::string& source,
                           std::chrono::system_clock::time_point now);

// Re-derives the person's stage after `event`, saves it, audits a change, and keeps the level in
// step with it (members have levels; below member, none).
void apply_stage_event(mysql_connection& db, const member_context& context, member_profile& profile, stage_event event,
                       std::optional<std::uint64_t> order_id, std::chrono::system_clock::time_point now);

// Adds `delta` growth (negative: taken back), recomputes the level, audits it; a level reached
// announces `level_up`.
void apply_growth(mysql_connection& db, const member_context& context, member_profile& profile, std::int64_t delta, const std::string& reason,
                  std::optional<std::uint64_t> order_id, std::optional<std::uint64_t> refund_id, std::chrono::system_clock::time_point now);

// Whether the store's member task is met now (vested spend within its days, or a top-up).
bool member_task_met(mysql_connection& db, const member_context& context, std::uint64_t user_id, std::int64_t largest_topup_fen,
                     std::chrono::system_clock::time_point now);

// The level (and its discount and multiplier) that prices the person's orders now: members only.
std::optional<member_level> level_in_force(const member_context& context, const std::optional<member_profile>& profile);

// The refund window closed on a paid order: its points vest, its growth is granted, the buyer
// becomes a customer (and perhaps meets the member task). Once per order (the order row is locked
// and marked); false when there was nothing to do.
bool vest_member_order(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point now);

// Takes up to `points` from the person's spendable lots, earliest expiry first (the lots locked);
// what it took. The caller posts the ledger entries for it.
std::int64_t take_points_from_lots(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t points);

// A refund takes back `due` points a lot earned: from the lot while it is pending; once vested,
// this lot's points first, then the person's others, never below zero (the shortfall is the
// lot's `unrecovered`). The lot's `reversed` grows by `due`. The caller posts
// points_reversed_entries(user, taken, vested).
struct lot_take_back {
    std::int64_t taken = 0;
    bool vested = false;
};
lot_take_back take_back_lot_points(mysql_connection& db, std::uint64_t lot_id, std::int64_t due);

// Points on an order paid later (WeChat Pay; docs/members.md, "Points on orders paid later").
// Placing it: the points leave the lots at once, one hold per lot drawn, and move to the
// member's held account, so no other spend can reach them. Paying it: the holds are spent
// (what they hold; 0 when the order has none). Closing it unpaid: each hold goes back to its own
// lot, with that lot's expiry (an expired lot's points expire at once). Each posts its ledger
// transaction, or hands the entries to the caller's posting (spend).
void hold_points_for_order(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::uint64_t order_id, std::int64_t points,
                           std::chrono::system_clock::time_point at);
std::int64_t spend_held_points(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point at);
std::int64_t release_held_points(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point at);

// A vested lot past its expiry: its points leave the member (never more than they hold). Once per
// lot (locked and marked expired); false when there was nothing to do.
bool expire_point_lot(mysql_connection& db, std::uint64_t lot_id, std::chrono::system_clock::time_point now);
// A lot expiring soon: the member's `points_expiring` frame, once per lot.
bool remind_point_lot(mysql_connection& db, std::uint64_t lot_id, std::chrono::system_clock::time_point now);
// A year at their level: kept when the last 12 months earned the level's retention growth, or
// dropped one level (growth reset to that level's threshold). The next check is a year later.
enum class retention_outcome { kept, dropped, not_due };
retention_outcome check_member_retention(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id,
                                         std::chrono::system_clock::time_point now);
constexpr std::chrono::days retention_period{365};

// The lifetime referral relation's first qualifying link: `referrer` becomes `user`'s referrer
// unless the user has one already, it is the user, or it would make a loop (checked along the
// whole chain). The refusal, if any; a duplicate link is not an error.
std::optional<referral_refusal> link_first_referral(mysql_connection& db, std::uint64_t user, std::uint64_t referrer, std::uint64_t merchant_id,
                                                    std::optional<std::uint64_t> share_id, std::chrono::system_clock::time_point now);

// An operator's correction of `user`'s referrer (docs/members.md, "Lifetime referrals"): replaces
// the link (or makes one), never a loop or a self-referral, audited with who and why. Amounts
// already earned stay as they were: rewards read the relation when they are computed.
std::optional<referral_refusal> correct_lifetime_referral(mysql_connection& db, std::uint64_t user, std::uint64_t referrer,
                                                          const std::string& operator_name, const std::string& reason,
                                                          std::chrono::system_clock::time_point now);

// The deepest chain a loop check walks; a longer one is refused as if it looped.
constexpr int max_referral_chain = 10'000;

}  // namespace sharedstore
