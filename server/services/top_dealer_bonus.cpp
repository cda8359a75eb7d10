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

top_dealer_outcome award_top_dealers(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point now) {
    const auto merchant = find_merchant(db, merchant_id);
    if (!merchant) return top_dealer_outcome::not_configured;
    const auto offset = utc_offset_of(merchant->time_zone).value_or(std::chrono::minutes(8 * 60));
    const auto window = std::chrono::seconds(std::chrono::hours(24) * merchant->settlement_delay_days);
    // Which period: the last whose refund window closed under the configuration in force now;
    // that period is shared under the version in force when it ended.
    auto latest = find_bonus_config_at(db, merchant_id, now);
    if (!latest || !latest->config.top_dealer) return top_dealer_outcome::not_configured;
    const auto period = last_settled_period(latest->config.top_dealer->period, now, window, offset);
    auto version = find_bonus_config_at(db, merchant_id, period.end);
    if (!version || !version->config.top_dealer) return top_dealer_outcome::not_configured;
    if (period_run_exists(db, merchant_id, "top_dealer", period.key)) return top_dealer_outcome::already_ran;

    const auto from = format_sql_datetime_utc(period.start), to = format_sql_datetime_utc(period.end);
    const auto profit = net_profit_in(db, merchant_id, from, to);
    const auto sales = personal_sales_in(db, merchant_id, from, to);
    std::vector<dealer_sales> dealers;
    for (const auto& s : sales) dealers.push_back({s.partner_id, s.sales_fen});
    const auto pool = share_top_dealer_pool(profit, *version->config.top_dealer, dealers);
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
    return top_dealer_outcome::ran;
}

}  // namespace sharedstore
