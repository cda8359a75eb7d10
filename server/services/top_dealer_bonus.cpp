#include "server/services/top_dealer_bonus.hpp"

#include "common/clock.hpp"
#include "server/domain/bonus_awards.hpp"
#include "server/domain/bonus_periods.hpp"
#include "server/domain/calendar.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"

namespace sharedstore {

namespace {

// How far back a run looks for periods not yet shared: a job stopped for up to a year catches up.
constexpr int max_periods_back = 12;

// One period under the version in force when it ended: false when that version shares no pool
// of this kind of period, or the period ran already.
bool share_period(mysql_connection& db, const merchant_record& merchant, const bonus_period_span& period, bonus_period kind,
                  std::chrono::system_clock::time_point now) {
    auto version = find_bonus_config_at(db, merchant.id, period.end);
    if (!version || !version->config.top_dealer || version->config.top_dealer->period != kind) return false;
    if (period_run_exists(db, merchant.id, "top_dealer", period.key)) return false;
    const auto merchant_id = merchant.id;
    const auto from = format_sql_datetime_utc(period.start), to = format_sql_datetime_utc(period.end);
    const auto profit = net_profit_in(db, merchant_id, from, to);
    const auto sales = personal_sales_in(db, merchant_id, from, to);
    std::vector<dealer_sales> dealers;
    for (const auto& s : sales) dealers.push_back({s.partner_id, s.sales_fen});
    const auto pool = share_top_dealer_pool(profit, *version->config.top_dealer, dealers);
    // Nothing to share (no profit yet): the period stays open, so a POS order reported late still counts.
    if (pool.pool_fen == 0) return false;
    std::int64_t paid = 0;
    for (const auto& share : pool.shares) paid += share.amount_fen;
    const auto at = format_sql_datetime_utc(now);
    // The unique key makes a second run of the period (another instance, a retry) a duplicate.
    const auto run = insert_period_run(db, period_run{.merchant_id = merchant_id,
                                                      .kind = "top_dealer",
                                                      .period_key = period.key,
                                                      .period_start = from,
                                                      .period_end = to,
                                                      .config_version_id = version->id,
                                                      .profit_fen = profit,
                                                      .pool_fen = pool.pool_fen,
                                                      .paid_fen = paid,
                                                      .remainder_fen = pool.pool_fen - paid,
                                                      .ran_at = at});
    std::vector<ledger_entry> entries;
    for (const auto& share : pool.shares) {
        std::uint64_t user = 0;
        for (const auto& s : sales)
            if (s.partner_id == share.partner_id) user = s.user_id;
        insert_period_award(db, run, merchant_id, share.partner_id, user, share.personal_sales_fen, share.amount_fen, at);
        for (auto& e : bonus_cash_entries(user, share.amount_fen)) entries.push_back(e);
    }
    if (!entries.empty())
        post_ledger_transaction(db, ledger_posting{.merchant_id = merchant_id,
                                                   .kind = "bonus_top_dealer",
                                                   .reference = "run:" + std::to_string(run),
                                                   .actor_user_id = std::nullopt,
                                                   .entries = std::move(entries),
                                                   .booked_at = at});
    return true;
}

}  // namespace

top_dealer_outcome award_top_dealers(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now) {
    const auto merchant = find_merchant(db, merchant_id);
    if (!merchant) return top_dealer_outcome::not_configured;
    // The kind of period of the newest version with a pool; each period is then decided under the
    // version in force when it ended, back over periods a stopped job missed.
    std::optional<bonus_period> kind;
    for (const auto& v : list_bonus_config_versions(db, merchant_id, 200))
        if (v.config.top_dealer) {
            kind = v.config.top_dealer->period;
            break;
        }
    if (!kind) return top_dealer_outcome::not_configured;
    const auto offset = utc_offset_of(merchant->time_zone).value_or(std::chrono::minutes(8 * 60));
    const auto window = std::chrono::seconds(std::chrono::hours(24) * merchant->settlement_delay_days);
    auto period = last_settled_period(*kind, now, window, offset);
    bool ran = false;
    for (int back = 0; back < max_periods_back; ++back) {
        ran = share_period(db, *merchant, period, *kind, now) || ran;
        period = bonus_period_of(*kind, period.start - std::chrono::seconds(1), offset);
    }
    return ran ? top_dealer_outcome::ran : top_dealer_outcome::already_ran;
}

}  // namespace sharedstore
