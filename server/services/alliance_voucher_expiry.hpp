#pragma once
// Vouchers ending (docs/alliance.md, "Expiry"): what a credit has left at its end expires, its
// money back in the fund's free balance; before that, each consumer is reminded once of what ends
// within the notice. One chunk per transaction, called by the jobs.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>

namespace sharedstore {

struct voucher_expiry_chunk {
    int credits = 0;
    std::int64_t fen = 0;
    bool more = false;  // `limit` credits: there may be more
};
// Up to `limit` credits ended by `now`: expired, with one posting for the consumers' and one per store.
voucher_expiry_chunk expire_alliance_vouchers(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);

struct voucher_reminder_chunk {
    int reminded = 0;
    std::uint64_t last_user = 0;  // where the next chunk starts
    bool more = false;
};
// Up to `limit` consumers (by id, after `after_user`) with credits ending within `notice` not yet
// reminded: each gets one `vouchers_expiring` frame with what ends and the soonest end.
voucher_reminder_chunk remind_expiring_vouchers(mysql_connection& db, std::chrono::system_clock::time_point now, std::chrono::seconds notice,
                                                std::uint64_t after_user, int limit);

}  // namespace sharedstore
