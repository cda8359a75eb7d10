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
