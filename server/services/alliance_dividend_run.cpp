#include "server/services/alliance_dividend_run.hpp"

#include "server/domain/alliance_dividends.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/ledger_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

// Lots read per query when a dividend computes its total.
constexpr int lot_page = 10000;

std::int64_t threshold_after(const alliance_pool_config& config, const std::optional<alliance_dividend>& last) {
    return last ? next_dividend_threshold(last->pool_cp, config.growth_bp) : config.initial_value_cp;
}

}  // namespace

dividend_start start_alliance_dividend(mysql_connection& db, wall_time now) {
    if (auto running = lock_running_dividend(db)) return {.number = *running, .resumed = true};
    const auto last = find_last_dividend(db);
    const int number = last ? last->number + 1 : 1;
    const auto pool = pool_config_in_force(db);
    const auto figures = vested_pool_figures(db);
    if (!dividend_due(pool.config, number, figures.pool_cp, figures.consumer_holders, last ? last->pool_cp : 0))
        return {.pool = figures, .threshold_cp = threshold_after(pool.config, last)};

    alliance_dividend d;
    d.number = number;
    d.pool_config_version = pool.version;
    d.rate_bp = dividend_rate_bp(pool.config, number);
    d.quota_bp = pool.config.quota_bp;
    d.voucher_validity_days = pool.config.voucher_validity_days;
    d.consumer_holders = figures.consumer_holders;
    // V_n lot by lot (the same snapshot as the figures: one transaction), a page at a time.
    std::uint64_t after = 0;
    for (;;) {
        const auto page = list_vested_lots(db, after, lot_page);
        for (const auto& lot : page) {
            d.pool_cp += lot.cp;
            d.wanted_fen += lot_release_fen(lot.cp, lot.released_fen, d.rate_bp, d.quota_bp);
            ++d.lots;
        }
        if (static_cast<int>(page.size()) < lot_page) break;
        after = page.back().id;
    }
    d.fund_free_fen = std::max<std::int64_t>(0, account_balance(db, 0, {account_kind::alliance_fund_free, 0}, true));
    d.available_fen = std::min(d.wanted_fen, d.fund_free_fen);
    d.started_at = now;
    insert_dividend(db, d);
    set_running_dividend(db, number);
    return {.number = number, .pool = figures, .threshold_cp = next_dividend_threshold(d.pool_cp, pool.config.growth_bp)};
}

dividend_chunk run_alliance_dividend_chunk(mysql_connection& db, int number, int max_holders, wall_time now) {
    if (lock_running_dividend(db) != number) return {.done = true};
    const auto d = find_dividend(db, number, true);
    if (!d || d->state != "running") throw std::logic_error("alliance dividend " + std::to_string(number) + " is marked running but is not");
    const bool consumers = d->phase == "consumers";
    const std::string holder = consumers ? "consumer" : "merchant";
    const auto holders = next_dividend_holders(db, holder, d->cursor_id, max_holders);
    if (holders.empty()) {
        if (consumers) {
            advance_dividend(db, number, "merchants", 0, 0, 0);
            return {};
        }
        finish_dividend(db, number, now);
        set_running_dividend(db, std::nullopt);
        return {.done = true};
    }

    // Each lot's release at the dividend's rate within its quota, scaled like every other lot's;
    // a holder's amount is the sum of its lots' (the lots come ordered by holder).
    const auto lots = lock_holder_lots(db, holder, holders.front(), holders.back());
    std::vector<lot_release_row> releases;
    std::vector<holder_amount> credits;
    std::int64_t total = 0;
    for (const auto& lot : lots) {
        const auto fen = scaled_release_fen(lot_release_fen(lot.cp, lot.released_fen, d->rate_bp, d->quota_bp), d->available_fen, d->wanted_fen);
        if (fen <= 0) continue;
        releases.push_back({lot.id, lot.holder_id, fen});
        if (credits.empty() || credits.back().holder_id != lot.holder_id) credits.push_back({lot.holder_id, 0});
        credits.back().fen += fen;
        total += fen;
    }
    // Lots only shrink after the start (refunds), so a chunk can never pass what the fund set aside.
    if (d->released_fen + total > d->available_fen)
        throw std::logic_error("alliance dividend " + std::to_string(number) + " would credit more than the fund had free");
    // Advances are repaid first (credit_after_advance); none can be taken yet, so all is credited.
    for (auto& c : credits) c.fen = credit_after_advance(c.fen, 0).credited_fen;

    insert_lot_releases(db, number, holder, releases);
    insert_dividend_credits(db, number, holder, credits, now + std::chrono::days(d->voucher_validity_days), now);
    const auto booked = format_sql_datetime_utc(now);
    const auto prefix = "dividend:" + std::to_string(number);
    if (consumers && total > 0) {
        // One posting for the chunk in the platform's book: the fund's move once, each consumer's vouchers.
        std::vector<ledger_entry> entries{{{account_kind::alliance_fund_free, 0}, {account_kind::alliance_fund_reserved, 0}, total}};
        for (const auto& c : credits)
            entries.push_back({{account_kind::alliance_vouchers, c.holder_id}, {account_kind::vouchers_issued, 0}, c.fen});
        post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                   .kind = "alliance_dividend",
                                                   .reference = prefix + ":u:" + std::to_string(holders.front()) + "-" + std::to_string(holders.back()),
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = booked});
    }
    if (!consumers)
        // A store's vouchers are in its own book: a posting per store.
        for (const auto& c : credits)
            post_ledger_transaction(db, ledger_posting{.merchant_id = c.holder_id,
                                                       .kind = "alliance_dividend",
                                                       .reference = prefix + ":m:" + std::to_string(c.holder_id),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = dividend_credit_entries(0, c.fen),
                                                       .booked_at = booked});
    advance_dividend(db, number, d->phase, holders.back(), total, static_cast<int>(credits.size()));
    return {.holders = static_cast<int>(credits.size()), .fen = total};
}

}  // namespace sharedstore
