#include "server/domain/alliance_dividends.hpp"

#include <algorithm>

namespace sharedstore {

std::int64_t next_dividend_threshold(std::int64_t pool_at_last_dividend_cp, int growth_bp) {
    const auto scaled = static_cast<__int128>(pool_at_last_dividend_cp) * (10000 + growth_bp);
    return static_cast<std::int64_t>((scaled + 9999) / 10000);
}

std::int64_t dividend_threshold_cp(const alliance_pool_config& config, std::optional<std::int64_t> pool_at_last_dividend_cp) {
    return pool_at_last_dividend_cp ? next_dividend_threshold(*pool_at_last_dividend_cp, config.growth_bp) : config.initial_value_cp;
}

bool dividend_due(const alliance_pool_config& config, int number, std::int64_t pool_cp, int consumer_holders,
                  std::int64_t pool_at_last_dividend_cp) {
    if (number <= 1) return pool_cp >= config.initial_value_cp && consumer_holders >= config.min_holders;
    return pool_cp >= next_dividend_threshold(pool_at_last_dividend_cp, config.growth_bp);
}

int dividend_rate_bp(const alliance_pool_config& config, int number) {
    const std::int64_t rate = config.first_rate_bp + std::int64_t{std::max(0, number - 1)} * config.rate_step_bp;
    return static_cast<int>(std::min<std::int64_t>(rate, config.rate_cap_bp));
}

std::int64_t lot_quota_fen(std::int64_t cp, int quota_bp) { return static_cast<std::int64_t>(static_cast<__int128>(cp) * quota_bp / 10000); }

std::int64_t lot_release_fen(std::int64_t cp, std::int64_t released, int rate_bp, int quota_bp) {
    if (cp <= 0) return 0;
    const auto wanted = static_cast<std::int64_t>(static_cast<__int128>(cp) * rate_bp / 10000);
    return std::clamp<std::int64_t>(lot_quota_fen(cp, quota_bp) - released, 0, wanted);
}

std::int64_t scaled_release_fen(std::int64_t fen, std::int64_t available_fen, std::int64_t wanted_fen) {
    if (fen <= 0 || available_fen <= 0) return 0;
    if (available_fen >= wanted_fen) return fen;
    return static_cast<std::int64_t>(static_cast<__int128>(fen) * available_fen / wanted_fen);
}

std::int64_t released_clawback_fen(std::int64_t released_fen, std::int64_t cp_before, std::int64_t cp_after) {
    if (released_fen <= 0 || cp_before <= 0) return 0;
    if (cp_after <= 0) return released_fen;
    const auto kept = static_cast<std::int64_t>(static_cast<__int128>(released_fen) * std::min(cp_after, cp_before) / cp_before);
    return released_fen - kept;
}

namespace {
std::int64_t release_of(std::int64_t cp, std::int64_t released, int rate_bp, int quota_bp) { return lot_release_fen(cp, released, rate_bp, quota_bp); }
}  // namespace

pool_dividend_plan plan_dividend(const alliance_pool_config& config, int number, const std::vector<pool_lot>& lots, std::int64_t fund_free_fen) {
    pool_dividend_plan plan;
    plan.number = number;
    plan.rate_bp = dividend_rate_bp(config, number);
    for (const auto& lot : lots) {
        plan.pool_cp += lot.cp;
        const auto fen = release_of(lot.cp, lot.released_fen, plan.rate_bp, config.quota_bp);
        plan.wanted_fen += fen;
        if (fen > 0) plan.releases.push_back({lot.id, lot.holder, fen});
    }
    const auto available = std::max<std::int64_t>(0, fund_free_fen);
    plan.scaled = plan.wanted_fen > available;
    if (plan.scaled) {
        // Every lot by the same fraction, floored: the sum stays within the fund.
        for (auto& r : plan.releases) r.fen = scaled_release_fen(r.fen, available, plan.wanted_fen);
        std::erase_if(plan.releases, [](const lot_release& r) { return r.fen == 0; });
    }
    for (const auto& r : plan.releases) plan.released_fen += r.fen;
    return plan;
}

holder_credit credit_after_advance(std::int64_t holder_release_fen, std::int64_t advance_outstanding_fen) {
    holder_credit c;
    c.repaid_fen = std::clamp<std::int64_t>(advance_outstanding_fen, 0, std::max<std::int64_t>(0, holder_release_fen));
    c.credited_fen = std::max<std::int64_t>(0, holder_release_fen) - c.repaid_fen;
    return c;
}

std::int64_t advance_limit_fen(const alliance_pool_config& config, int next_number, const std::vector<pool_lot>& holder_lots,
                               std::int64_t advance_outstanding_fen) {
    std::int64_t expected = 0;
    for (const auto& lot : holder_lots) {
        auto released = lot.released_fen;
        for (int k = 0; k < config.advance_periods; ++k) {
            const auto fen = release_of(lot.cp, released, dividend_rate_bp(config, next_number + k), config.quota_bp);
            released += fen;
            expected += fen;
        }
    }
    return std::max<std::int64_t>(0, expected - std::max<std::int64_t>(0, advance_outstanding_fen));
}

bool advance_fits_budget(const alliance_pool_config& config, std::int64_t fund_free_fen, std::int64_t advances_outstanding_fen,
                         std::int64_t request_fen) {
    const auto budget = static_cast<std::int64_t>(static_cast<__int128>(std::max<std::int64_t>(0, fund_free_fen)) * config.advance_budget_bp / 10000);
    return request_fen > 0 && advances_outstanding_fen + request_fen <= budget;
}

}  // namespace sharedstore
