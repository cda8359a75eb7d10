#pragma once
// Spending vouchers in MariaDB (schema/0021_alliance_voucher_spending.sql, docs/alliance.md
// "Spending vouchers"): holds on credits, a desk's reservations, consumers' desk codes, voucher
// debts and the credits refunds give back. Blocking: call through mysql_pool, inside the
// transaction of the order, reservation or refund that changes them (their ledger entries go
// with them).
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// A holder's (consumer | merchant) vouchers that may be spent at `now`: its credits' remaining
// value, not expired; `lock`: each credit locked, so that concurrent spends queue on them.
std::int64_t holder_spendable_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id,
                                       std::chrono::system_clock::time_point now, bool lock);
// A consumer's vouchers that may be spent at `now`: their credits' remaining value, not expired.
// Locks the credits (soonest to expire first), so that concurrent orders queue on them.
std::int64_t lock_spendable_vouchers(mysql_connection& db, std::uint64_t user_id, std::chrono::system_clock::time_point now);
// The same figure, read without locking (for showing it).
std::int64_t spendable_vouchers(mysql_connection& db, std::uint64_t user_id, std::chrono::system_clock::time_point now);

// Holds `fen` of the consumer's credits (the soonest to expire first) for an order or a desk's
// reservation: taken from their remaining value, one hold row per credit. Answers what it held
// (less than `fen` only when the credits have less: callers check the balance first).
struct voucher_hold_owner {
    std::optional<std::uint64_t> order_id, reservation_id;
};
std::int64_t hold_vouchers(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, voucher_hold_owner owner,
                           std::chrono::system_clock::time_point now);

struct voucher_hold {
    std::uint64_t id = 0;
    std::uint64_t user_id = 0;
    std::uint64_t credit_id = 0;  // 0: an advance's hold
    std::int64_t amount_fen = 0;
    std::string state;  // held | spent | released
    std::chrono::system_clock::time_point credit_expires_at{};  // an advance's: the epoch
    std::string source;  // credit | advance
};
// The part of an order (or reservation) advanced on the consumer's next dividends: a hold of its
// own, and the advance granted.
void hold_advance(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, voucher_hold_owner owner, std::chrono::system_clock::time_point now);
// What the consumer owes of advances (locked).
std::int64_t lock_voucher_advance(mysql_connection& db, std::uint64_t user_id);
// Given back (a hold released) or repaid (by a dividend).
void cancel_voucher_advance(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, std::chrono::system_clock::time_point at);
void repay_voucher_advances(mysql_connection& db, const std::vector<std::pair<std::uint64_t, std::int64_t>>& repaid,
                            std::chrono::system_clock::time_point at);
// What each of `user_ids` (ascending) owes of advances, locked; those owing nothing left out.
std::vector<std::pair<std::uint64_t, std::int64_t>> lock_voucher_advances(mysql_connection& db, const std::vector<std::uint64_t>& user_ids);

// A consumer's vested lots with points left, as the dividend arithmetic reads them.
struct consumer_lot {
    std::uint64_t id = 0;
    std::int64_t cp = 0;
    std::int64_t released_fen = 0;
};
std::vector<consumer_lot> list_consumer_vested_lots(mysql_connection& db, std::uint64_t user_id);

// An order's holds or a reservation's (locked, with their credits' expiry).
std::vector<voucher_hold> lock_order_voucher_holds(mysql_connection& db, std::uint64_t order_id);
std::vector<voucher_hold> lock_reservation_voucher_holds(mysql_connection& db, std::uint64_t reservation_id);
// A confirmed reservation's holds belong to its order from then on.
void attach_reservation_holds(mysql_connection& db, std::uint64_t reservation_id, std::uint64_t order_id);
// The holds in state held end as `state` (spent | released).
void end_voucher_holds(mysql_connection& db, const std::vector<voucher_hold>& holds, const std::string& state,
                       std::chrono::system_clock::time_point at);
// A released hold's vouchers back on its credit.
void restore_voucher_credit(mysql_connection& db, std::uint64_t credit_id, std::int64_t fen);
// Takes up to `fen` from the consumer's spendable credits (the soonest to expire first), without a
// hold: an order paid after it was closed spends what is there. What it took.
std::int64_t take_spendable_vouchers(mysql_connection& db, std::uint64_t user_id, std::int64_t fen, std::chrono::system_clock::time_point now);

// A refund's share of an order's voucher part, given back as a credit of its own: `fen` in all,
// `remaining_fen` of it spendable (the rest paid a voucher debt).
void insert_refund_return_credit(mysql_connection& db, std::uint64_t user_id, std::uint64_t order_id, std::uint64_t refund_id,
                                 std::int64_t fen, std::int64_t remaining_fen, std::chrono::system_clock::time_point expires_at,
                                 std::chrono::system_clock::time_point at);
// A clawback beyond the holder's unspent dividend vouchers takes the vouchers returns gave it back
// next (a consumer's refunds, reason refund_return; a store's refunded supply bills, supply_return),
// the soonest to expire first, before anything becomes debt. What it took.
std::int64_t take_returned_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen);

// A store's vouchers in all: credited (fan-lock rewards, dividends) less what refunds took back,
// and accepted as payment (the voucher part of its paid orders) less what refunds gave back.
struct store_voucher_totals {
    std::int64_t earned_fen = 0, accepted_fen = 0;
};
store_voucher_totals store_voucher_totals_of(mysql_connection& db, std::uint64_t merchant_id);

// Voucher debt (holder consumer | merchant).
std::int64_t lock_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id);
void add_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen,
                      std::chrono::system_clock::time_point at);
void net_voucher_debt(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen,
                      std::chrono::system_clock::time_point at);
// What each of `holder_ids` (ascending) owes, locked; holders owing nothing are left out.
struct holder_debt {
    std::uint64_t holder_id = 0;
    std::int64_t owed_fen = 0;
};
std::vector<holder_debt> lock_voucher_debts(mysql_connection& db, const std::string& holder, const std::vector<std::uint64_t>& holder_ids);
// A clawback beyond the holder's unspent dividend vouchers: the rest is charged on what its
// dividend credits had spent (taken_back grows, remaining stays), the soonest to expire first.
// What it charged (all of `fen` whenever the credits released at least what lots now claw back).
std::int64_t charge_spent_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen);

// A clawback beyond the holder's unspent dividend vouchers takes what expired of them next (their
// money is in the fund's free balance already): expired_fen moves to taken_back. What it took.
std::int64_t take_back_expired_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen);

// Expiry (docs/alliance.md, "Expiry"). Credits past their end with something left, the soonest
// ended first, locked, at most `limit`.
struct ended_credit {
    std::uint64_t id = 0;
    std::string holder;
    std::uint64_t holder_id = 0;
    std::int64_t remaining_fen = 0;
};
std::vector<ended_credit> lock_ended_credits(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);
// Their remaining value becomes expired.
void expire_credits(mysql_connection& db, const std::vector<ended_credit>& credits);

// Reminders: consumers with credits ending within (now, until] not yet reminded, after
// `after_user` by user id, at most `limit`; what they have left there and the soonest end. Locked,
// so that two runs at once remind nobody twice.
struct expiring_vouchers {
    std::uint64_t user_id = 0;
    std::int64_t amount_fen = 0;
    std::chrono::system_clock::time_point first_end{};
};
std::vector<expiring_vouchers> list_expiring_vouchers(mysql_connection& db, std::chrono::system_clock::time_point now,
                                                      std::chrono::system_clock::time_point until, std::uint64_t after_user, int limit);
// Those credits marked reminded (the ones list_expiring_vouchers counted for these users).
void mark_vouchers_reminded(mysql_connection& db, const std::vector<std::uint64_t>& user_ids, std::chrono::system_clock::time_point now,
                            std::chrono::system_clock::time_point until);

// A desk's reservation.
struct voucher_reservation {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_order_id;
    int attempt = 1;  // the sale reserved anew (after a release) is the next attempt, a reservation of its own
    std::uint64_t user_id = 0;
    std::int64_t order_total_fen = 0;
    std::int64_t voucher_fen = 0;
    std::string state;  // reserved | confirmed | released
    std::optional<std::uint64_t> order_id;
    std::string released_by;  // cancel | expiry
    std::chrono::system_clock::time_point expires_at{}, created_at{};
    std::optional<std::chrono::system_clock::time_point> ended_at;
};
// The desk order's latest attempt.
std::optional<voucher_reservation> find_voucher_reservation(mysql_connection& db, std::uint64_t merchant_id, const std::string& merchant_order_id,
                                                            bool lock);
std::optional<voucher_reservation> find_voucher_reservation_by_id(mysql_connection& db, std::uint64_t id, bool lock);
std::uint64_t insert_voucher_reservation(mysql_connection& db, const voucher_reservation& r);
void confirm_voucher_reservation(mysql_connection& db, std::uint64_t id, std::uint64_t order_id, std::chrono::system_clock::time_point at);
void release_voucher_reservation(mysql_connection& db, std::uint64_t id, const std::string& by, std::chrono::system_clock::time_point at);
// Reservations still reserved whose expiry passed by `now`, oldest first.
std::vector<std::uint64_t> list_expired_voucher_reservations(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);

// A consumer's desk code: one per consumer (a new one replaces it).
void upsert_voucher_code(mysql_connection& db, std::uint64_t user_id, const std::string& digits, std::chrono::system_clock::time_point expires_at,
                         std::chrono::system_clock::time_point at);
// The consumer a live code names (locked); none for a code unknown or expired.
std::optional<std::uint64_t> find_voucher_code_user(mysql_connection& db, const std::string& digits, std::chrono::system_clock::time_point now);
// The consumer's code used up (a reservation took it).
void delete_voucher_code(mysql_connection& db, std::uint64_t user_id);

}  // namespace sharedstore
