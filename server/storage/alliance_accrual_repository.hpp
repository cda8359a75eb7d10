#pragma once
// Alliance accruals, lots and voucher credits in MariaDB (schema/0019_alliance_accrual.sql,
// docs/alliance.md "Accrual"). Blocking: call through mysql_pool, inside the transaction of the
// payment, refund or vesting that changes them (their ledger entries go with them).
#include "common/mysql_connection.hpp"
#include "server/domain/alliance_ledger.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct alliance_accrual {
    std::uint64_t order_id = 0;
    std::uint64_t merchant_id = 0;
    std::optional<std::uint64_t> consumer_user_id;
    int concession_version = 0;
    int concession_bp = 0;
    int pool_config_version = 0;
    int fund_share_bp = 0;
    int lock_bp = 0;
    std::optional<std::uint64_t> lock_merchant_id;
    std::int64_t amount_fen = 0;
    std::int64_t base_fen = 0;
    std::int64_t concession_fen = 0;
    std::int64_t fund_fen = 0, lock_fen = 0, platform_fen = 0;
    std::int64_t refunded_fen = 0;
    std::int64_t reversed_fund_fen = 0, reversed_lock_fen = 0, reversed_platform_fen = 0;
    std::int64_t lot_cp = 0;  // each lot's cp as accrued (= concession_fen)
    std::int64_t reversed_cp = 0;  // what refunds took of each lot
    std::string state;  // pending | vested
    std::chrono::system_clock::time_point paid_at{}, vests_at{};
    std::optional<std::chrono::system_clock::time_point> vested_at;
    std::optional<std::string> region_code;  // the store's region when paid (docs/promoters-and-centres.md)
};

// The accrual and its lots (the consumer's only with a buyer), pending.
void insert_alliance_accrual(mysql_connection& db, const alliance_accrual& accrual);
std::optional<alliance_accrual> find_alliance_accrual(mysql_connection& db, std::uint64_t order_id, bool lock);
// A refund's reversal: the accrual's reversed columns and its lots' reversed cp move by `reversed`.
void add_alliance_reversal(mysql_connection& db, std::uint64_t order_id, std::int64_t refunded_fen, const accrual_parts& reversed);
// Pending accruals whose window closed by `now`, oldest first.
std::vector<std::uint64_t> list_alliance_accruals_to_vest(mysql_connection& db, std::chrono::system_clock::time_point now, int limit);
// The accrual and its lots vested at `at`.
void mark_alliance_accrual_vested(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point at);

// A store's voucher credit for a locked fan's order elsewhere.
void insert_lock_reward_credit(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t order_id, std::int64_t amount_fen,
                               std::chrono::system_clock::time_point expires_at, std::chrono::system_clock::time_point at);
// Takes `fen` back from the order's lock-reward credit: its remaining vouchers first, then what
// expired of it (whose money is back in the fund's free balance already), then what the store
// spent of it (a voucher debt). What it took of each; all zero when the order has no such credit.
struct lock_reward_take_back {
    std::int64_t unspent_fen = 0, expired_fen = 0, spent_fen = 0;
};
lock_reward_take_back take_back_lock_reward(mysql_connection& db, std::uint64_t order_id, std::int64_t fen);

}  // namespace sharedstore
