#pragma once
// Vesting of alliance orders (docs/alliance.md, "Vesting"): once an order's refund window closed,
// what refunds left of its two lots enters the pool, its fund share becomes the fund's free
// balance, and a fan-lock reward becomes vouchers of the locking store (a posting in that store's
// book, with its voucher credit). One order per transaction, the accrual row locked: a pass cut
// short or run twice vests nothing twice.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"

#include <cstdint>

namespace sharedstore {

// False when the order is not (or no longer) due: vested already, or its window still open; or a
// dividend is under way (its lots are fixed until it is done: alliance_dividend_run.hpp).
bool vest_alliance_accrual(mysql_connection& db, std::uint64_t order_id, wall_time now);

}  // namespace sharedstore
