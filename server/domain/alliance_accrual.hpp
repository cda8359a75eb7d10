#pragma once
// What one paid alliance order accrues (docs/business-rules.md section 3, "Concession"): the
// concession K owed by the merchant, the two lots of points, the fund's share, the fan-lock reward
// and the platform's part; and what a refund reverses of each, cumulatively, so that refunds in
// parts sum to a whole refund exactly. Pure; all amounts floor, remainders named.
#include <cstdint>

namespace sharedstore {

struct concession_split {
    std::int64_t base_fen = 0;        // B: money actually paid (after member discounts and vouchers)
    std::int64_t concession_fen = 0;  // K = floor(B x c / 10000), owed by the merchant
    std::int64_t lot_cp = 0;          // each of the consumer's and the merchant's lots: K centipoints
    std::int64_t fund_fen = 0;        // floor(K x fund_share / 10000), to the voucher fund
    std::int64_t lock_fen = 0;        // vouchers to the locking merchant (a fan's order elsewhere)
    std::int64_t platform_fen = 0;    // K - fund - lock: the rounding remainder stays here
};

// `locked_elsewhere`: the buyer is locked to another alliance merchant than the one paid. The lock
// reward floor(B x lock_bp / 10000) is paid from the platform's part and never exceeds it (the
// validator keeps lock_bp within it; a tiny order's rounding could not).
concession_split split_concession(std::int64_t base_fen, int concession_bp, int fund_share_bp, bool locked_elsewhere, int lock_bp);

// A refund's share of an accrued amount: cumulatively floor(total x refunded / base), the whole
// remainder when everything is refunded. `refunded_before_fen` and `reversed_before` are what
// earlier refunds of the order took. Returns what this refund reverses.
std::int64_t reversal_of(std::int64_t total, std::int64_t base_fen, std::int64_t refunded_before_fen, std::int64_t refunded_now_fen,
                         std::int64_t reversed_before);

}  // namespace sharedstore
