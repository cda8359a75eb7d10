#pragma once
// Pool dividends and advances (docs/business-rules.md section 3, "Dividends", "Advance"): when a
// dividend is due, each lot's release at the dividend's rate within its lifetime quota, the whole
// scaled down to the fund's free balance (never an unfunded voucher), and each holder's amount
// repaying an advance before anything is credited. Pure: the job reads lots and balances, these
// compute, the job writes the result in one batch.
#include "server/domain/alliance_config.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace sharedstore {

// The pool size at which dividend n+1 fires: ceil(S_n x (10000 + growth) / 10000), S_n the size
// recorded when dividend n fired (not the threshold it crossed).
std::int64_t next_dividend_threshold(std::int64_t pool_at_last_dividend_cp, int growth_bp);

// Where the next dividend fires: the initial value before the first, else next_dividend_threshold
// of the pool recorded at the last one.
std::int64_t dividend_threshold_cp(const alliance_pool_config& config, std::optional<std::int64_t> pool_at_last_dividend_cp);

// Whether dividend `number` (1, 2, ...) is due at pool size `pool_cp`: dividend 1 at the initial
// value with enough consumer holders, later ones past next_dividend_threshold of the last. One
// dividend per crossing: a vesting that passes several thresholds fires one, and the next is
// computed from the size actually recorded.
bool dividend_due(const alliance_pool_config& config, int number, std::int64_t pool_cp, int consumer_holders,
                  std::int64_t pool_at_last_dividend_cp);

// r_n = min(first + (n - 1) x step, cap), in bp.
int dividend_rate_bp(const alliance_pool_config& config, int number);

struct pool_lot {
    std::uint64_t id = 0;
    std::uint64_t holder = 0;       // the account holding the lot (a consumer or a merchant)
    std::int64_t cp = 0;            // vested, not reversed
    std::int64_t released_fen = 0;  // over its life so far
};

// floor(cp x quota / 10000): what a lot may release in its life.
std::int64_t lot_quota_fen(std::int64_t cp, int quota_bp);

// What one lot releases at `rate_bp` with `released_fen` of its quota already out: floor(cp x r /
// 10000) within what the quota has left. The dividend job applies it lot by lot, in chunks.
std::int64_t lot_release_fen(std::int64_t cp, std::int64_t released_fen, int rate_bp, int quota_bp);
// A lot's release once the dividend is scaled to the fund: floor(fen x available / wanted), or fen
// itself when the fund covers the whole (available >= wanted).
std::int64_t scaled_release_fen(std::int64_t fen, std::int64_t available_fen, std::int64_t wanted_fen);

// A refund took a lot from `cp_before` to `cp_after` points: what it takes back of the
// `released_fen` vouchers the lot has out, so that what stays out is floor(released x after /
// before) (all of it when nothing is left).
std::int64_t released_clawback_fen(std::int64_t released_fen, std::int64_t cp_before, std::int64_t cp_after);

struct lot_release {
    std::uint64_t lot_id = 0;
    std::uint64_t holder = 0;
    std::int64_t fen = 0;
};

struct pool_dividend_plan {
    int number = 0;
    int rate_bp = 0;
    std::int64_t pool_cp = 0;       // S_n: recorded, the next threshold's base
    std::int64_t wanted_fen = 0;    // V_n before scaling
    std::int64_t released_fen = 0;  // after scaling to the fund's free balance (<= it)
    bool scaled = false;
    std::vector<lot_release> releases;  // one per lot releasing anything, in the lots' order
};

// Dividend `number` over the vested lots: per lot floor(cp x r / 10000) within what its quota has
// left; when their sum passes `fund_free_fen` every lot's release is scaled by fund / sum (floor).
// The per-lot flooring remainders stay in the fund.
pool_dividend_plan plan_dividend(const alliance_pool_config& config, int number, const std::vector<pool_lot>& lots, std::int64_t fund_free_fen);

// A holder's share of a dividend: outstanding advance repaid first, the rest credited as vouchers.
struct holder_credit {
    std::int64_t repaid_fen = 0;
    std::int64_t credited_fen = 0;
};
holder_credit credit_after_advance(std::int64_t holder_release_fen, std::int64_t advance_outstanding_fen);

// A holder's advance limit: what its lots would release over the next `advance_periods` dividends
// (from `next_number` on) at the current schedule, each lot within its quota, less what is
// already advanced. Never below zero.
std::int64_t advance_limit_fen(const alliance_pool_config& config, int next_number, const std::vector<pool_lot>& holder_lots,
                               std::int64_t advance_outstanding_fen);

// The platform-wide bound: all outstanding advances together within advance_budget_bp of the
// fund's free balance. Whether `request_fen` more fits.
bool advance_fits_budget(const alliance_pool_config& config, std::int64_t fund_free_fen, std::int64_t advances_outstanding_fen,
                         std::int64_t request_fen);

}  // namespace sharedstore
