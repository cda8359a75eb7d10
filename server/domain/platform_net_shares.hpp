#pragma once
// The platform's net and its shares with promoters and regional centres (issue 21;
// docs/business-rules.md section 3). The net of a merchant's settled orders is K less the fund's
// share and the fan-lock rewards paid from it, less reversals; a promoter and the county, city and
// province centres of the merchant's region each get their rate of it, floored; a vacant level's
// share stays with the platform, which keeps at least half (the rates together <= 5000 bp). A
// month's statement never pays below zero: a negative total is carried to the next month. Pure.
#include "server/domain/ledger.hpp"
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

// The sharing configuration (docs/business-rules.md section 3): the rates, the promoter's term
// from its merchant's first settled order, and the optional monthly assist fee for each bound
// merchant with at least `assist_min_orders` settled orders that month (0 fen: none).
struct net_share_config {
    share_rates rates;
    int promoter_term_months = 24;
    std::int64_t assist_fee_fen = 0;
    int assist_min_orders = 30;
};
// validate_share_rates' reasons, and `out_of_range` for the term (1-120 months), the fee
// (0-1,000,000 fen) and the floor (1-100,000 orders).
std::vector<validation_problem> validate_net_share_config(const net_share_config& config);

// A promoter's term ends this many calendar months after it started, in the platform's zone (the
// same day of the month, or the month's last day when it has fewer).
std::chrono::system_clock::time_point term_end(std::chrono::system_clock::time_point start, int months, std::chrono::minutes utc_offset);

// A month's lines of one payee at one rate, summed: its share is floor(|net| x rate / 10000) with
// the sign kept; a statement's share is the sum over its rates (a month's lines, the promoter's
// or a centre's, mostly have one). The floors' remainders stay with the platform.
struct rated_net {
    std::int64_t net_fen = 0;
    int rate_bp = 0;
};
std::int64_t share_of_month(const std::vector<rated_net>& groups);

// A centre's contract: its rate and the days it is in force, [from, to).
struct centre_terms {
    int rate_bp = 0;
    std::chrono::sys_days from{}, to{};
};
// What an appointment is checked against (docs/business-rules.md section 3): the level's rate in
// the sharing configuration (a centre's rate may not exceed it, so that the promoter and the three
// centres of any merchant never share more than half of the net, whoever is appointed), the
// contracts of other centres on the same code and level (`taken`), and the contracts of the upper
// centres (the city's above a county, the province's above a city) that overlap the proposal.
// `fee_income_bp`, `override_bp` and `recruitment_reward_fen` are what a scheme would pay a centre
// beyond its region's net: income from fees other centres pay, a share of another centre's
// income, a reward per centre recruited. Always refused; the fields exist so that a contract
// offering them is refused with its reason rather than silently dropped.
struct appointment_facts {
    centre_terms proposed;
    int level_rate_bp = 0;
    std::vector<centre_terms> taken;
    std::vector<centre_terms> uppers;
    std::int64_t fee_income_bp = 0, override_bp = 0, recruitment_reward_fen = 0;
};
// Every reason at once: `dates_reversed`, `out_of_range`, `rate_above_level`, `territory_taken`
// (another centre's contract on the code and level overlaps), `dates_outside_upper` (an upper
// centre is appointed for part of the time but no single upper contract covers the proposal),
// `centre_fee_income`, `centre_override`, `recruitment_reward`. (The other way round, a lower
// centre already appointed outside a new upper one's dates, is `lower_outside_dates`, checked by
// the service against the contracts under the code.)
// Issue 21 also asks that a lower centre's rate not exceed its upper centre's; with the default
// rates (county 1000 > city 500 > province 300 bp, each on its own region's base) that would
// refuse every county centre under a city centre, so the level's cap stands in for it
// (docs/promoters-and-centres.md, "Rates").
std::vector<validation_problem> check_centre_appointment(const appointment_facts& facts);

// A statement issued with `payable_fen` > 0: the platform's expense, owed to the payee (platform
// book); paid: the transfer leaves the platform's settlement cash. Empty for 0 fen.
std::vector<ledger_entry> share_statement_issued_entries(std::int64_t payable_fen);
std::vector<ledger_entry> share_statement_paid_entries(std::int64_t payable_fen);

}  // namespace sharedstore
