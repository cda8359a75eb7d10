#pragma once
// Spending vouchers inside the transactions that place, pay, close and refund orders and that
// reserve at the desk (docs/alliance.md, "Spending vouchers"): the checks against the store and
// the buyer's vouchers, the holds on their credits and the platform book's postings of them.
#include "common/mysql_connection.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/alliance_voucher_repository.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace sharedstore {

// What the consumer may spend beyond their vouchers (docs/alliance.md, "Advances"): the next
// `advance_periods` dividends' expected release of their vested lots, less what they owe of
// advances, within what the pool's budget has left (advance_budget_bp of the fund's free balance,
// less all advances outstanding); nothing while a dividend is under way. `lock`: the pool's row,
// the consumer's advance and the fund's accounts locked (a grant follows in this transaction).
struct advance_figures {
    std::int64_t limit_fen = 0;        // the lots' expected release over the next dividends, less what is owed
    std::int64_t outstanding_fen = 0;  // owed
    std::int64_t available_fen = 0;    // may be spent now: the limit within the budget's room
};
advance_figures consumer_advance(mysql_connection& db, std::uint64_t user_id, std::chrono::system_clock::time_point now, bool lock);

// The check of hold_vouchers_for alone (the credits locked): for callers that write the owner's
// row between the check and the hold.
std::optional<service_error> check_voucher_part(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                                std::int64_t voucher_fen, std::chrono::system_clock::time_point now);

// Checks that `voucher_fen` may pay part of an order worth `order_fen` (before vouchers) at the
// store at `now` (an alliance member with a concession in force: its voucher_max_bp) and that the
// buyer holds that much spendable; then holds it for `owner` and posts the hold. On a failure
// nothing is written.
std::optional<service_error> hold_vouchers_for(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, std::int64_t order_fen,
                                               std::int64_t voucher_fen, voucher_hold_owner owner, std::chrono::system_clock::time_point now);

// The holds still held come back to their credits (the consumer's voucher debt paid first from
// them) and end released, with their posting. What came back.
std::int64_t release_vouchers(mysql_connection& db, const std::vector<voucher_hold>& holds, std::chrono::system_clock::time_point at);

// A desk's reservation released (`by` cancel, or expiry: then only if it is past its end under
// the lock): its holds come back. False when it was no longer reserved (or not yet expired).
bool release_voucher_reservation_holds(mysql_connection& db, std::uint64_t reservation_id, const std::string& by,
                                       std::chrono::system_clock::time_point at);

}  // namespace sharedstore
