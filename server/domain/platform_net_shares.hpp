#pragma once
// The platform's net and its shares with promoters and regional centres (issue 21;
// docs/business-rules.md section 3). The net of a merchant's settled orders is K less the fund's
// share and the fan-lock rewards paid from it, less reversals; a promoter and the county, city and
// province centres of the merchant's region each get their rate of it, floored; a vacant level's
// share stays with the platform, which keeps at least half (the rates together <= 5000 bp). A
// month's statement never pays below zero: a negative total is carried to the next month. Pure.
#include "server/domain/validation_problem.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace sharedstore {

// K - fund - lock: what the platform keeps of a concession before it shares it.
std::int64_t platform_net_fen(std::int64_t concession_fen, std::int64_t fund_fen, std::int64_t lock_fen);

struct share_rates {
    int promoter_bp = 2000;
    int county_bp = 1000;
    int city_bp = 500;
    int province_bp = 300;
};
// The platform keeps at least half of its net.
inline constexpr int max_shares_bp = 5000;

// Every reason the rates are refused at once: `out_of_range` (0-10000 each), `shares_over_half`
// (their sum above max_shares_bp).
std::vector<validation_problem> validate_share_rates(const share_rates& rates);

// Who holds each level for the merchant (a promoter within its term, an appointed centre).
struct share_holders {
    bool promoter = false, county = false, city = false, province = false;
};

struct net_split {
    std::int64_t promoter_fen = 0, county_fen = 0, city_fen = 0, province_fen = 0;
    std::int64_t platform_fen = 0;  // the rest: its own part, vacant levels' and the floors' remainders
};
// Each holder's floor(net x rate / 10000); a negative net (a month of refunds) splits the same way
// with the sign kept (-floor(|net| x rate / 10000)), so a refund takes back what its sale gave.
net_split split_platform_net(std::int64_t net_fen, const share_rates& rates, const share_holders& holders);

// A statement line's payment: what a month's total plus what was carried comes to, never below zero.
struct period_payment {
    std::int64_t payable_fen = 0;  // >= 0
    std::int64_t carried_fen = 0;  // <= 0: taken from the next months
};
period_payment settle_period(std::int64_t carried_in_fen, std::int64_t month_fen);

// A centre's contract: its rate and dates [from, to).
struct centre_terms {
    int rate_bp = 0;
    std::chrono::sys_days from{}, to{};
};
// A lower centre (county under city, city under province) against its upper one, when there is
// one: its rate may not exceed the upper's (`rate_above_upper`), nor its contract run outside the
// upper's dates (`dates_outside_upper`); and its own dates must make sense (`dates_reversed`).
// The rate rule is issue 21's words; with the default rates (county 1000 > city 500 > province
// 300 bp, each on its own region's base) it would refuse every county centre under a city centre.
// Its source (CRMEB's nested agent rates) compares rates that include the lower ones: which base
// the comparison is on is to be settled before anything uses this (not used yet).
std::vector<validation_problem> check_centre_terms(const centre_terms& lower, const std::optional<centre_terms>& upper);

}  // namespace sharedstore
