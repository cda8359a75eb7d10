#pragma once
// A store's bonus configuration versions and the operator's cash sign-offs (schema 0017,
// docs/bonus.md).
#include "common/mysql_connection.hpp"
#include "server/domain/bonus_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace sharedstore {

// The next version of the store's configuration (two writers at once: the second meets the unique
// key, and its transaction runs again).
bonus_config_version insert_bonus_config_version(mysql_connection& db, std::uint64_t merchant_id, const bonus_config& config,
                                                 std::uint64_t created_by, std::chrono::system_clock::time_point at);
// Newest first.
std::vector<bonus_config_version> list_bonus_config_versions(mysql_connection& db, std::uint64_t merchant_id, int limit);
// The version in force at `at` (the newest created at or before it).
std::optional<bonus_config_version> find_bonus_config_at(mysql_connection& db, std::uint64_t merchant_id, std::chrono::system_clock::time_point at);

void insert_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id, const cash_sign_off& sign_off);
// The newest sign-off of the store, if any.
std::optional<cash_sign_off> find_cash_sign_off(mysql_connection& db, std::uint64_t merchant_id);

// An order's awards beyond its dividend (bonus_awards).
struct bonus_award_record {
    std::uint64_t id = 0;
    std::uint64_t merchant_id = 0, order_id = 0, config_version_id = 0;
    award_kind kind = award_kind::level_difference;
    std::uint64_t a1_partner_id = 0, a1_user_id = 0, partner_id = 0, user_id = 0;
    std::int32_t rate_bp = 0;
    std::int64_t base_fen = 0, cap_fen = 0, uncapped_fen = 0, amount_fen = 0;
    award_medium medium = award_medium::points;
    std::int64_t reversed_fen = 0;
    std::optional<std::uint64_t> lot_id;
    std::chrono::system_clock::time_point created_at;
    bool settled = false;  // cash: moved to the withdrawable balance
};
std::uint64_t insert_bonus_award(mysql_connection& db, const bonus_award_record& award);
void set_bonus_award_lot(mysql_connection& db, std::uint64_t award_id, std::uint64_t lot_id);
void add_bonus_award_reversed(mysql_connection& db, std::uint64_t award_id, std::int64_t reversed_fen);
// The order's awards, locked.
std::vector<bonus_award_record> lock_bonus_awards_of_order(mysql_connection& db, std::uint64_t order_id);

// Awards added up: by store, kind and medium for a partner; by month (Asia/Shanghai), kind and
// medium for a store's period.
struct award_total {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string month;  // YYYY-MM, the store's report only
    award_kind kind = award_kind::level_difference;
    award_medium medium = award_medium::points;
    std::int64_t count = 0, amount_fen = 0, reversed_fen = 0;
};
std::vector<award_total> partner_award_totals(mysql_connection& db, std::uint64_t user_id);
std::vector<award_total> store_award_totals(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to);
// A paid purchase of the window for the bonus what-if: its profit, refunds so far and the partner
// its dividend went to (A1). By id above `after_id`, at most `limit`: one chunk.
struct award_replay_order {
    std::uint64_t order_id = 0;
    std::uint64_t customer_user_id = 0;
    std::uint64_t a1_partner_id = 0;
    std::int64_t amount_fen = 0, refunded_fen = 0, profit_fen = 0;
};
std::vector<award_replay_order> award_replay_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                                    std::uint64_t after_id, int limit);

// Cash awards due at a store and not yet settled, per partner (user): order awards made at or
// before `due_before` (their order's refund window closed), net of reversals, and period awards
// (computed after their windows). Locked; `mark_cash_awards_settled` marks the same rows.
struct due_cash {
    std::uint64_t user_id = 0;
    std::int64_t amount_fen = 0;
};
std::vector<due_cash> lock_due_cash_awards(mysql_connection& db, std::uint64_t merchant_id, const std::string& due_before);
void mark_cash_awards_settled(mysql_connection& db, std::uint64_t merchant_id, const std::string& due_before, const std::string& at);
// Stores with a bonus configuration, by id.
std::vector<std::uint64_t> list_bonus_merchants(mysql_connection& db, std::uint64_t after_id, int limit);
// The top-dealer run of a store's period, if it ran.
bool period_run_exists(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, const std::string& period_key);
// The period's paid purchases [from, to): profit net of refunds (each floored as a reversal is),
// and each partner's personal attributed sales (their own customers' purchases, net of refunds).
std::int64_t net_profit_in(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to);
struct partner_sales {
    std::uint64_t partner_id = 0, user_id = 0;
    std::int64_t sales_fen = 0;
};
std::vector<partner_sales> personal_sales_in(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to);
struct period_run {
    std::uint64_t merchant_id = 0;
    std::string kind, period_key, period_start, period_end;  // DATETIME texts in UTC
    std::uint64_t config_version_id = 0;
    std::int64_t profit_fen = 0, pool_fen = 0, paid_fen = 0, remainder_fen = 0;
    std::string ran_at;
};
// A project campaign's orders (docs/bonus.md): paid purchases in [from, to) with the dividend's
// partner, whether the customer is new to the store (no paid order before `from`) and whether the
// order is past the refund window by `vested_before`.
struct campaign_order_row {
    std::uint64_t order_id = 0, partner_id = 0, partner_user_id = 0, customer_user_id = 0;
    std::chrono::system_clock::time_point paid_at;
    std::int64_t amount_fen = 0, refunded_fen = 0, profit_fen = 0;
    std::string category;
    bool customer_new = false, vested = false;
};
std::vector<campaign_order_row> campaign_orders(mysql_connection& db, std::uint64_t merchant_id, const std::string& from, const std::string& to,
                                                const std::string& vested_before);
// Once per store, kind and period (a second run meets the unique key).
std::uint64_t insert_period_run(mysql_connection& db, const period_run& run);
void insert_period_award(mysql_connection& db, std::uint64_t run_id, std::uint64_t merchant_id, std::uint64_t partner_id, std::uint64_t user_id,
                         std::int64_t personal_sales_fen, std::int64_t amount_fen, const std::string& at);


}  // namespace sharedstore
