#pragma once
// Pool dividends in MariaDB (schema/0020_alliance_dividends.sql, docs/alliance.md "Dividends"):
// the pool's state row, the dividends with their batch cursor, the lots a dividend reads, what each
// lot released and each holder's credit. Blocking: call through mysql_pool, inside the dividend's
// transactions (server/services/alliance_dividend_run.hpp).
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct alliance_dividend {
    int number = 0;
    int pool_config_version = 0;
    int rate_bp = 0;
    int quota_bp = 0;
    int voucher_validity_days = 0;
    std::int64_t pool_cp = 0;
    int consumer_holders = 0;
    int lots = 0;
    std::int64_t wanted_fen = 0;
    std::int64_t fund_free_fen = 0;
    std::int64_t available_fen = 0;
    std::int64_t released_fen = 0;
    // Set aside from the free balance when planning ended (alliance_fund_earmarked); none: a
    // dividend planned before earmarks existed, crediting from the free balance.
    std::optional<std::int64_t> earmarked_fen;
    int holders_credited = 0;
    std::string state;  // running | done
    std::string phase;  // planning | consumers | merchants | done
    std::uint64_t cursor_holder = 0;  // the last holder and lot carried out in the phase
    std::uint64_t cursor_lot = 0;
    int chunks = 0;
    std::chrono::system_clock::time_point started_at{};
    std::optional<std::chrono::system_clock::time_point> finished_at;
};

// The dividend under way, if any, with the pool's state row locked (FOR UPDATE): vesting and every
// dividend step take it, so they never interleave.
std::optional<int> lock_running_dividend(mysql_connection& db);
void set_running_dividend(mysql_connection& db, std::optional<int> number);

std::optional<alliance_dividend> find_dividend(mysql_connection& db, int number, bool lock);
std::optional<alliance_dividend> find_last_dividend(mysql_connection& db);
// Newest first; `before`: numbers below it (the next page).
std::vector<alliance_dividend> list_dividends(mysql_connection& db, int limit, std::optional<int> before);
void insert_dividend(mysql_connection& db, const alliance_dividend& d);
// The batch moved on: the phase and cursor where the next chunk starts, what this chunk credited.
void advance_dividend(mysql_connection& db, int number, const std::string& phase, std::uint64_t cursor_holder, std::uint64_t cursor_lot,
                      std::int64_t released_fen, int holders_credited);
// Planning moved on: the lots up to `cursor_lot` added `wanted_fen` to V_n.
void add_dividend_plan(mysql_connection& db, int number, std::uint64_t cursor_lot, std::int64_t wanted_fen);
// Planning done: the fund's free balance now and what the dividend may credit (earmarked, the
// ledger's move beside it); the consumers next.
void fund_dividend(mysql_connection& db, int number, std::int64_t fund_free_fen, std::int64_t available_fen);
void finish_dividend(mysql_connection& db, int number, std::chrono::system_clock::time_point at);

// The vested pool now: points in vested lots with points left, and how many consumers hold them.
struct pool_figures {
    std::int64_t pool_cp = 0;
    int consumer_holders = 0;
    int lots = 0;
};
pool_figures vested_pool_figures(mysql_connection& db);

// A vested lot as a dividend reads it: its points left (cp - reversed) and what it released so far.
struct dividend_lot {
    std::uint64_t id = 0;
    std::uint64_t holder_id = 0;  // the user (consumer) or the store (merchant)
    std::int64_t cp = 0;
    std::int64_t released_fen = 0;
};
// Vested lots with points left (both holders), by id after `after_id`, a page at a time.
std::vector<dividend_lot> list_vested_lots(mysql_connection& db, std::uint64_t after_id, int limit);
// The next `limit` vested lots with points left of `holder` lots (consumer | merchant) after the
// cursor, by (holder, lot id), locked. `this_holder_only`: the rest of the cursor's holder alone.
std::vector<dividend_lot> lock_next_holder_lots(mysql_connection& db, const std::string& holder, std::uint64_t after_holder, std::uint64_t after_lot,
                                                int limit, bool this_holder_only = false);

struct lot_release_row {
    std::uint64_t lot_id = 0;
    std::uint64_t holder_id = 0;
    std::int64_t fen = 0;
};
// The releases of one chunk, and each lot's released_fen moved by them.
void insert_lot_releases(mysql_connection& db, int number, const std::string& holder, const std::vector<lot_release_row>& releases);

struct holder_amount {
    std::uint64_t holder_id = 0;
    std::int64_t fen = 0;
    std::int64_t netted_fen = 0;  // of `fen`, what paid the holder's voucher debt: credited, not spendable
};
// One voucher credit per holder (reason dividend), expiring at `expires_at`; a holder credited by
// an earlier chunk of the same dividend has its credit increased.
// Answers how many credits it made (holders new to the dividend).
int insert_dividend_credits(mysql_connection& db, int number, const std::string& holder, const std::vector<holder_amount>& credits,
                            std::chrono::system_clock::time_point expires_at, std::chrono::system_clock::time_point at);

// A holder's voucher credit as the holder sees it.
struct voucher_credit {
    std::uint64_t id = 0;
    std::string reason;  // dividend | lock_reward
    std::optional<int> dividend_number;
    std::int64_t amount_fen = 0;
    std::int64_t remaining_fen = 0;
    std::chrono::system_clock::time_point expires_at{}, created_at{};
};
// A consumer's credits with something left, the soonest to expire first, at most `limit`.
std::vector<voucher_credit> list_consumer_voucher_credits(mysql_connection& db, std::uint64_t user_id, int limit);

// A refund of an order: its lots as they are (locked), for taking back what they released.
struct order_lot {
    std::uint64_t id = 0;
    std::string holder;
    std::uint64_t holder_id = 0;
    std::int64_t released_fen = 0;
};
std::vector<order_lot> lock_order_lots(mysql_connection& db, std::uint64_t order_id);
// `fen` of what the lot released taken back by a refund.
void claw_back_lot_release(mysql_connection& db, std::uint64_t lot_id, std::int64_t fen);
// Takes up to `fen` from the holder's dividend credits, the soonest to expire first; what it took.
std::int64_t take_back_dividend_vouchers(mysql_connection& db, const std::string& holder, std::uint64_t holder_id, std::int64_t fen);

}  // namespace sharedstore
