#pragma once
// The platform's net as it settles (docs/promoters-and-centres.md "Settlement"): a line when an
// alliance order's refund window closes, a negative line for each refund after that, each naming
// who shares it. Blocking, inside the transaction of the vesting or the refund that causes it.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "server/storage/alliance_accrual_repository.hpp"

#include <cstdint>

namespace sharedstore {

// The order settled with `net_fen` of platform net (what refunds left of its platform part): the
// merchant's promoter shares it while its term runs (the term starts with this line when it is
// the first since the binding), and the centres in force today on the order's region chain.
void record_settled_net_line(mysql_connection& db, const alliance_accrual& accrual, std::int64_t net_fen, wall_time now);

// A refund after the order settled took `reversed_fen` of its platform part: a negative line
// shared by whoever shared the settled one (nothing when the order settled before lines existed).
void record_reversed_net_line(mysql_connection& db, std::uint64_t order_id, std::uint64_t refund_id, std::int64_t reversed_fen, wall_time at);

}  // namespace sharedstore
