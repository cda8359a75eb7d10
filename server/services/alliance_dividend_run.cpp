#include "server/services/alliance_dividend_run.hpp"

#include "server/domain/alliance_dividends.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_supply.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/order_repository.hpp"
#include "push/outbox_events.hpp"
#include "server/storage/alliance_voucher_repository.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace sharedstore {

dividend_start start_alliance_dividend(mysql_connection& db, wall_time now) {
    if (auto running = lock_running_dividend(db)) return {.number = *running, .resumed = true};
    const auto last = find_last_dividend(db);
    const int number = last ? last->number + 1 : 1;
    const auto pool = pool_config_in_force(db);
    const auto figures = vested_pool_figures(db);
    if (!dividend_due(pool.config, number, figures.pool_cp, figures.consumer_holders, last ? last->pool_cp : 0))
        return {.pool = figures, .threshold_cp = dividend_threshold_cp(pool.config, last ? std::optional(last->pool_cp) : std::nullopt)};

    // Recorded now, with the pool's row taken: from here no lot vests until the dividend is done.
    // V_n and the fund come from the planning chunks (a million lots do not fit one transaction).
    alliance_dividend d;
    d.number = number;
    d.pool_config_version = pool.version;
    d.rate_bp = dividend_rate_bp(pool.config, number);
    d.quota_bp = pool.config.quota_bp;
    d.voucher_validity_days = pool.config.voucher_validity_days;
    d.pool_cp = figures.pool_cp;
    d.consumer_holders = figures.consumer_holders;
    d.lots = figures.lots;
    d.started_at = now;
    insert_dividend(db, d);
    set_running_dividend(db, number);
    return {.number = number, .pool = figures, .threshold_cp = next_dividend_threshold(d.pool_cp, pool.config.growth_bp)};
}

namespace {

// Planning: V_n over the next page of lots; after the last, the fund's free balance fixes the scale.
dividend_chunk plan_chunk(mysql_connection& db, const alliance_dividend& d, int max_lots, wall_time now) {
    const auto page = list_vested_lots(db, d.cursor_lot, max_lots);
    if (page.empty()) {
        auto free = account_balance(db, 0, {account_kind::alliance_fund_free, 0}, true);
        // What the platform put in for refunds while the last dividend had the money set aside
        // is repaid first: it was never the fund's to credit.
        const auto shortfall = account_balance(db, 0, {account_kind::fund_shortfall_advanced, 0}, true);
        const auto repaid = std::clamp<std::int64_t>(free, 0, shortfall);
        free = std::max<std::int64_t>(0, free - repaid);
        const auto available = std::min(d.wanted_fen, free);
        // Set aside now: a refund during the dividend takes its fund share from what is left free
        // (or the platform advances it), never from what the dividend is about to credit.
        auto entries = fund_shortfall_repaid_entries(repaid);
        for (auto& e : dividend_earmark_entries(available)) entries.push_back(e);
        if (!entries.empty())
            post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                       .kind = "alliance_dividend_earmark",
                                                       .reference = "dividend:" + std::to_string(d.number),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = std::move(entries),
                                                       .booked_at = format_sql_datetime_utc(now)});
        fund_dividend(db, d.number, free, available);
        return {};
    }
    std::int64_t wanted = 0;
    for (const auto& lot : page) wanted += lot_release_fen(lot.cp, lot.released_fen, d.rate_bp, d.quota_bp);
    add_dividend_plan(db, d.number, page.back().id, wanted);
    return {};
}

}  // namespace

dividend_chunk run_alliance_dividend_chunk(mysql_connection& db, int number, int max_lots, wall_time now) {
    if (lock_running_dividend(db) != number) return {.done = true};
    const auto d = find_dividend(db, number, true);
    if (!d || d->state != "running") throw std::logic_error("alliance dividend " + std::to_string(number) + " is marked running but is not");
    if (d->phase == "planning") return plan_chunk(db, *d, max_lots, now);
    // Credits come from the earmark (a dividend planned before earmarks existed: the free balance).
    const bool earmarked = d->earmarked_fen.has_value();
    const bool consumers = d->phase == "consumers";
    const std::string holder = consumers ? "consumer" : "merchant";
    auto lots = lock_next_holder_lots(db, holder, d->cursor_holder, d->cursor_lot, max_lots);
    // A consumer is never split between chunks: each gets one "vouchers" frame with its whole
    // amount. (A store may be: its lots can be hundreds of thousands, and it gets no frame.)
    if (consumers && static_cast<int>(lots.size()) == max_lots) {
        const auto rest = lock_next_holder_lots(db, holder, lots.back().holder_id, lots.back().id, std::numeric_limits<int>::max() / 2, true);
        lots.insert(lots.end(), rest.begin(), rest.end());
    }
    if (lots.empty()) {
        if (consumers) {
            advance_dividend(db, number, "merchants", 0, 0, 0, 0);
            return {};
        }
        // What the earmark still holds (trimmed releases, advances repaid and debts netted from it)
        // returns to the free balance.
        if (earmarked)
            if (const auto rest = account_balance(db, 0, {account_kind::alliance_fund_earmarked, 0}, true); rest > 0)
                post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                           .kind = "alliance_dividend_earmark_return",
                                                           .reference = "dividend:" + std::to_string(number),
                                                           .actor_user_id = std::nullopt,
                                                           .entries = dividend_earmark_return_entries(rest),
                                                           .booked_at = format_sql_datetime_utc(now)});
        finish_dividend(db, number, now);
        set_running_dividend(db, std::nullopt);
        return {.done = true};
    }

    // Each lot's release at the dividend's rate within its quota, scaled like every other lot's;
    // a holder's amount is the sum of its lots' (the lots come ordered by holder; a holder whose
    // lots continue from the last chunk adds to the credit that chunk made).
    std::vector<lot_release_row> releases;
    std::vector<holder_amount> credits;
    std::int64_t total = 0;
    for (const auto& lot : lots) {
        auto fen = scaled_release_fen(lot_release_fen(lot.cp, lot.released_fen, d->rate_bp, d->quota_bp), d->available_fen, d->wanted_fen);
        // Never past what the fund set aside, whatever happened to the lots since planning (a
        // partial refund's clawback can leave a lot a fen more room than it had): the last
        // chunks are trimmed rather than the dividend stalling.
        fen = std::min(fen, d->available_fen - d->released_fen - total);
        if (fen <= 0) continue;
        releases.push_back({lot.id, lot.holder_id, fen});
        if (credits.empty() || credits.back().holder_id != lot.holder_id) credits.push_back({lot.holder_id, 0});
        credits.back().fen += fen;
        total += fen;
    }
    // A consumer's advance (vouchers spent ahead of this dividend) is repaid first
    // (credit_after_advance), then their voucher debt (a refund took back vouchers they had spent):
    // the lots release the whole amount, the consumer can spend the rest; an advance's part stays in
    // the fund's free balance, which had paid for it, and a debt's part repays the platform, which
    // had advanced it into the fund.
    std::int64_t netted = 0;
    std::vector<std::pair<std::uint64_t, std::int64_t>> advance_repaid, debt_netted;
    if (!consumers && !credits.empty()) {
        // A store's voucher debt (a refund took back vouchers it had spent on supply) is netted
        // the same way; stores have no advances.
        std::vector<std::uint64_t> ids;
        for (const auto& c : credits) ids.push_back(c.holder_id);
        const auto debts = lock_voucher_debts(db, holder, ids);
        std::size_t k = 0;
        for (auto& c : credits) {
            while (k < debts.size() && debts[k].holder_id < c.holder_id) ++k;
            const auto to_debt = k < debts.size() && debts[k].holder_id == c.holder_id ? std::min(c.fen, debts[k].owed_fen) : 0;
            if (to_debt <= 0) continue;
            net_voucher_debt(db, holder, c.holder_id, to_debt, now);
            c.netted_fen = to_debt;
        }
    }
    if (consumers && !credits.empty()) {
        std::vector<std::uint64_t> ids;
        for (const auto& c : credits) ids.push_back(c.holder_id);
        const auto advances = lock_voucher_advances(db, ids);
        const auto debts = lock_voucher_debts(db, holder, ids);
        std::size_t a = 0, k = 0;
        for (auto& c : credits) {
            while (a < advances.size() && advances[a].first < c.holder_id) ++a;
            const auto owed_advance = a < advances.size() && advances[a].first == c.holder_id ? advances[a].second : 0;
            const auto after = credit_after_advance(c.fen, owed_advance);
            if (after.repaid_fen > 0) advance_repaid.emplace_back(c.holder_id, after.repaid_fen);
            while (k < debts.size() && debts[k].holder_id < c.holder_id) ++k;
            const auto owed_debt = k < debts.size() && debts[k].holder_id == c.holder_id ? debts[k].owed_fen : 0;
            const auto to_debt = std::min(after.credited_fen, owed_debt);
            if (to_debt > 0) {
                net_voucher_debt(db, holder, c.holder_id, to_debt, now);
                debt_netted.emplace_back(c.holder_id, to_debt);
            }
            c.netted_fen = after.repaid_fen + to_debt;
            netted += c.netted_fen;
        }
        repay_voucher_advances(db, advance_repaid, now);
    }
    insert_lot_releases(db, number, holder, releases);
    const auto expires_at = now + std::chrono::days(d->voucher_validity_days);
    const int new_holders = insert_dividend_credits(db, number, holder, credits, expires_at, now);
    const auto booked = format_sql_datetime_utc(now);
    // A chunk is named by its first lot: unique within the dividend.
    const auto reference = "dividend:" + std::to_string(number) + (consumers ? ":c:" : ":m:") + std::to_string(lots.front().id);
    if (consumers && total > 0) {
        // One posting for the chunk in the platform's book: the fund's move once, each consumer's vouchers.
        std::vector<ledger_entry> entries;
        const auto source = earmarked ? account_kind::alliance_fund_earmarked : account_kind::alliance_fund_free;
        if (total > netted) entries.push_back({{source, 0}, {account_kind::alliance_fund_reserved, 0}, total - netted});
        for (const auto& c : credits)
            if (c.fen > c.netted_fen)
                entries.push_back({{account_kind::alliance_vouchers, c.holder_id}, {account_kind::vouchers_issued, 0}, c.fen - c.netted_fen});
        for (const auto& [user, fen] : advance_repaid)
            for (auto& e : advance_repaid_entries(user, fen)) entries.push_back(e);
        for (const auto& [user, fen] : debt_netted)
            for (auto& e : voucher_debt_netted_entries(user, fen, earmarked)) entries.push_back(e);
        post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                   .kind = "alliance_dividend",
                                                   .reference = reference,
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = booked});
        // Each consumer's frame, in the transaction that credits them (after the ledger's locks).
        std::vector<outbox_insert> events;
        const auto expires = format_rfc3339_seconds(expires_at), at = format_rfc3339_seconds(now);
        for (const auto& c : credits)
            if (c.fen > c.netted_fen)
                events.push_back({c.holder_id, "vouchers",
                                  to_payload(outbox_event{vouchers_event{
                                      .dividend_number = number, .amount_fen = c.fen - c.netted_fen, .expires_at = expires, .at = at}})});
        if (!events.empty()) insert_outbox_events(db, std::move(events));
    }
    if (!consumers)
        // A store's vouchers are in its own book: a posting per store of the chunk.
        for (const auto& c : credits) {
            auto entries = dividend_credit_entries(0, c.fen - c.netted_fen, earmarked);
            for (auto& e : merchant_voucher_debt_netted_entries(c.netted_fen, earmarked)) entries.push_back(e);
            post_ledger_transaction(db, ledger_posting{.merchant_id = c.holder_id,
                                                       .kind = "alliance_dividend",
                                                       .reference = reference + ":" + std::to_string(c.holder_id),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = std::move(entries),
                                                       .booked_at = booked});
        }
    advance_dividend(db, number, d->phase, lots.back().holder_id, lots.back().id, total, new_holders);
    return {.holders = new_holders, .fen = total};
}

}  // namespace sharedstore
