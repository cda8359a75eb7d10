#include "server/domain/alliance_config.hpp"

#include <algorithm>
#include <string>

namespace sharedstore {

int sustainable_rate_cap_bp(int fund_share_bp, int growth_bp) {
    // Between two dividends at least growth/10000 x S new cp vested; every 2 cp carry 1 fen of
    // concession, of which fund_share goes to the fund; a dividend pays at most r x S.
    return static_cast<int>(std::int64_t{fund_share_bp} * growth_bp / (2 * (std::int64_t{10000} + growth_bp)));
}

int sustainable_quota_bp(int fund_share_bp) { return std::min(5000, fund_share_bp / 2); }

int sustainable_lock_bp(int fund_share_bp, int lowest_concession_bp) {
    return static_cast<int>(std::int64_t{10000 - fund_share_bp} * lowest_concession_bp / 10000);
}

std::vector<validation_problem> validate_pool_config(const alliance_pool_config& c, int lowest_concession_bp) {
    std::vector<validation_problem> problems;
    auto range = [&](const char* field, std::int64_t value, std::int64_t low, std::int64_t high) {
        if (value >= low && value <= high) return true;
        problems.push_back({field, "out_of_range", std::string(field) + " must be between " + std::to_string(low) + " and " + std::to_string(high)});
        return false;
    };
    range("initial_value_cp", c.initial_value_cp, 1, 1'000'000'000'000);
    range("min_holders", c.min_holders, 1, 1'000'000);
    const bool growth_ok = range("growth_bp", c.growth_bp, 100, 10000);
    range("first_rate_bp", c.first_rate_bp, 1, 10000);
    range("rate_step_bp", c.rate_step_bp, 0, 1000);
    const bool cap_ok = range("rate_cap_bp", c.rate_cap_bp, 1, 10000);
    const bool fund_ok = range("fund_share_bp", c.fund_share_bp, 1, 10000);
    const bool quota_ok = range("quota_bp", c.quota_bp, 1, 1'000'000);  // the bound below is the real limit
    range("advance_periods", c.advance_periods, 0, 12);
    range("advance_budget_bp", c.advance_budget_bp, 0, 5000);
    const bool lock_ok = range("lock_bp", c.lock_bp, 0, 10000);
    range("voucher_validity_days", c.voucher_validity_days, 30, 3650);
    range("vest_days", c.vest_days, 7, 90);
    range("supply_voucher_max_bp", c.supply_voucher_max_bp, 0, 10000);
    if (cap_ok && c.first_rate_bp > c.rate_cap_bp)
        problems.push_back({"first_rate_bp", "first_rate_above_cap", "the first dividend's rate is above the rate cap"});
    if (!fund_ok) return problems;  // every bound below is a share of the fund
    if (cap_ok && growth_ok) {
        const int bound = sustainable_rate_cap_bp(c.fund_share_bp, c.growth_bp);
        if (c.rate_cap_bp > bound)
            problems.push_back({"rate_cap_bp", "rate_cap_unfunded",
                                "a rate cap of " + std::to_string(c.rate_cap_bp) + " bp pays out more than the fund receives while the pool grows " +
                                    std::to_string(c.growth_bp) + " bp a dividend with " + std::to_string(c.fund_share_bp) +
                                    " bp of each concession: at most " + std::to_string(bound) + " bp"});
    }
    if (quota_ok) {
        const int bound = sustainable_quota_bp(c.fund_share_bp);
        if (c.quota_bp > bound)
            problems.push_back({"quota_bp", "quota_unfunded",
                                "a point may release at most " + std::to_string(bound) + " bp in its life: one fen of concession makes 2 cp and funds " +
                                    std::to_string(c.fund_share_bp) + " bp of a fen"});
    }
    if (lock_ok) {
        const int bound = sustainable_lock_bp(c.fund_share_bp, lowest_concession_bp);
        if (c.lock_bp > bound)
            problems.push_back({"lock_bp", "lock_unfunded",
                                "a lock reward of " + std::to_string(c.lock_bp) + " bp does not fit the platform's part of a " +
                                    std::to_string(lowest_concession_bp) + " bp concession: at most " + std::to_string(bound) + " bp"});
    }
    return problems;
}

}  // namespace sharedstore
