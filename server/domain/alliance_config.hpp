#pragma once
// The alliance's points pool configuration and its sustainability validator (docs/business-rules.md
// section 3): the numbers a platform operator sets, with the defaults the rules name, and every
// reason a set of them would promise vouchers that no collected concession covers. Pure.
//
// Codes (field in brackets):
//   rate_cap_unfunded   r_cap above fund_share x growth / (2 x (10000 + growth)) (rate_cap_bp)
//   quota_unfunded      lifetime quota per point above min(5000, fund_share / 2) (quota_bp)
//   lock_unfunded       lock_bp above (10000 - fund_share) x lowest concession / 10000 (lock_bp)
//   first_rate_above_cap  the first dividend's rate above the cap (first_rate_bp)
//   out_of_range        a value outside its range (the field named)
#include "server/domain/validation_problem.hpp"

#include <cstdint>
#include <vector>

namespace sharedstore {

// Concessions a merchant may set (bp of the money paid).
inline constexpr int min_concession_bp = 300, max_concession_bp = 2000;

struct alliance_pool_config {
    std::int64_t initial_value_cp = 10'000'000;  // S0: dividend 1 fires when the vested pool reaches it
    int min_holders = 20;                        // ... and at least this many consumers hold vested lots
    int growth_bp = 1500;                        // dividend n+1 at ceil(S_n x (10000 + growth) / 10000)
    int first_rate_bp = 50;                      // r_1: fen of vouchers per 10000 cp of a lot
    int rate_step_bp = 10;                       // r_{n+1} = min(r_n + step, cap)
    int rate_cap_bp = 300;
    int fund_share_bp = 5000;                    // of each concession, to the voucher fund
    int quota_bp = 2500;                         // a lot releases at most floor(cp x quota / 10000) fen in its life
    int advance_periods = 3;                     // an advance covers the next N dividends' release
    int advance_budget_bp = 2000;                // all advances together, of the fund's free balance
    int lock_bp = 100;                           // a locked fan's order elsewhere: to the locking merchant, of B
    int voucher_validity_days = 365;
    int vest_days = 7;                           // lots are pending this long after payment (the refund window)
    int supply_voucher_max_bp = 3000;            // of a platform supply order a merchant's vouchers may pay
};

// The highest rate cap the fund sustains in steady growth (bp): fund_share x growth / (2 x (10000 + growth)), floored.
int sustainable_rate_cap_bp(int fund_share_bp, int growth_bp);
// The highest lifetime quota per cp the fund covers (bp): min(5000, fund_share / 2).
int sustainable_quota_bp(int fund_share_bp);
// The highest lock reward the platform's part of the smallest concession pays (bp of B).
int sustainable_lock_bp(int fund_share_bp, int lowest_concession_bp);

// Every problem at once; empty when the configuration is funded and in range. `lowest_concession_bp`:
// the lowest concession of the admitted merchants (min_concession_bp when none yet: any may join).
std::vector<validation_problem> validate_pool_config(const alliance_pool_config& config, int lowest_concession_bp);

}  // namespace sharedstore
