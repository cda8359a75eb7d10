#pragma once
// Settlements and payouts in MariaDB (schema/0012_payouts.sql, docs/payouts.md). Blocking: call
// inside a mysql_pool transaction; the money moves in the ledger in the same transaction.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "server/domain/payouts.hpp"
#include "server/storage/sql_support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct store_payout_settings {
    payout_limits limits;
    std::string time_zone;  // the store's calendar day bounds the daily maximum
};
std::optional<store_payout_settings> find_payout_settings(mysql_connection& db, std::uint64_t merchant_id);
void set_payout_limits(mysql_connection& db, std::uint64_t merchant_id, const payout_limits& limits);

// --- settlement ---

struct settle_candidate {
    std::uint64_t merchant_id = 0, partner_id = 0, partner_user_id = 0;
};
// Partners with dividends due by `now` and not settled, a page at a time.
std::vector<settle_candidate> list_settle_candidates(mysql_connection& db, wall_time now, int limit);

struct due_dividend {
    std::uint64_t id = 0;
    std::int64_t left_fen = 0;  // amount less reversals
};
// Locks (FOR UPDATE) the partner's unsettled dividends due by `now` at the store, oldest first: a
// concurrent settlement of the same partner waits here and then finds them settled.
std::vector<due_dividend> lock_due_dividends(mysql_connection& db, const settle_candidate& who, wall_time now, int limit);
std::uint64_t insert_settlement(mysql_connection& db, const settle_candidate& who, int dividends, std::int64_t amount_fen, std::int64_t to_debt_fen);
void mark_dividends_settled(mysql_connection& db, const std::vector<due_dividend>& dividends, std::uint64_t settlement_id, wall_time at);
// Wholly reversed dividends due by `now` settle nothing: they are marked so the search skips them.
int close_reversed_dividends(mysql_connection& db, wall_time now, int limit);

// --- payouts ---

struct payout_record {
    std::uint64_t id = 0, merchant_id = 0, partner_id = 0, partner_user_id = 0;
    std::string merchant_name;
    std::string request_id;
    std::int64_t amount_fen = 0;
    payout_state state = payout_state::creating;
    std::string out_bill_no, openid, transfer_remark;
    bool needs_real_name = false;
    std::string transfer_bill_no, package_info, wechat_state, fail_reason;
    std::optional<std::uint64_t> decided_by_user_id;
    std::string decision_reason;
    wall_time created_at, updated_at;
    std::optional<wall_time> finished_at, bill_created_at, next_check_at;
};

struct new_payout {
    std::uint64_t merchant_id = 0, partner_id = 0, partner_user_id = 0;
    std::string request_id;
    std::int64_t amount_fen = 0;
    payout_state state = payout_state::creating;
    std::string openid, transfer_remark;
    bool needs_real_name = false;
    std::optional<wall_time> next_check_at;
};
// Inserts the row and gives it its out_bill_no (from its id: unique, never issued again); its id.
// A concurrent copy with the same (user, request_id) fails on the unique key: run the transaction
// with mysql_pool::conflicts::rerun_on_duplicate_key, and the rerun finds the winner.
std::uint64_t insert_payout(mysql_connection& db, const new_payout& p);

// `lock`: FOR UPDATE; every change of a payout's state reads it so.
std::optional<payout_record> find_payout(mysql_connection& db, std::uint64_t id, bool lock = false);
std::optional<payout_record> find_payout_by_request(mysql_connection& db, std::uint64_t partner_user_id, const std::string& request_id,
                                                    bool lock = false);
std::optional<payout_record> find_payout_by_out_bill_no(mysql_connection& db, const std::string& out_bill_no, bool lock = false);

// The row's new state and what WeChat Pay said; `finished_at` set on a final state.
struct payout_change {
    payout_state state = payout_state::creating;
    std::optional<std::string> transfer_bill_no, package_info, wechat_state, fail_reason;
    std::optional<std::uint64_t> decided_by_user_id;
    std::optional<std::string> decision_reason;
    bool bill_created = false;
    std::optional<wall_time> next_check_at;  // nullopt: no check planned
};
void update_payout(mysql_connection& db, std::uint64_t id, const payout_change& change, wall_time now);
// Only when the next check is due: the job's own schedule, apart from state changes.
void set_payout_next_check(mysql_connection& db, std::uint64_t id, std::optional<wall_time> at);

// The partner's withdrawals at the store that are not final, and what they asked since `from`
// that did not fail, get cancelled or rejected.
int count_unfinished_payouts(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id);
std::int64_t payouts_since(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t partner_id, wall_time from);

// Newest first. `merchant_id` 0: every store; `state` nullopt: every state.
std::vector<payout_record> list_user_payouts(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id,
                                             std::uint64_t before_id, int limit);
std::vector<payout_record> list_store_payouts(mysql_connection& db, std::uint64_t merchant_id, std::optional<payout_state> state,
                                              std::uint64_t before_id, int limit);
// Payouts whose next check is due by `now`, oldest check first.
std::vector<payout_record> list_payouts_to_check(mysql_connection& db, wall_time now, int limit);

// --- the payee's real name (sealed with the data key by the caller) ---
void set_user_real_name(mysql_connection& db, std::uint64_t user_id, const std::string& sealed);
std::optional<std::string> find_user_real_name(mysql_connection& db, std::uint64_t user_id);

// --- what the store and the partner see ---

struct partner_payout_balance {
    std::uint64_t merchant_id = 0, partner_id = 0, partner_user_id = 0;
    std::string merchant_name;
    std::int64_t pending_fen = 0, withdrawable_fen = 0, in_flight_fen = 0, debt_fen = 0, paid_out_fen = 0;
};
// One row per store the user is a partner of (`merchant_id` 0) or of that store.
std::vector<partner_payout_balance> user_payout_balances(mysql_connection& db, std::uint64_t partner_user_id, std::uint64_t merchant_id);
// Every partner of the store with a balance or a debt.
std::vector<partner_payout_balance> store_payout_balances(mysql_connection& db, std::uint64_t merchant_id);

// The store's payouts against its ledger (docs/payouts.md, "Reconciliation").
struct payout_reconciliation {
    std::int64_t succeeded_fen = 0, succeeded_ledger_fen = 0;  // payouts paid vs the ledger's payout_success postings
    std::int64_t unfinished_fen = 0, in_flight_ledger_fen = 0;  // payouts not final vs payout_in_flight balances
    std::int64_t returned_fen = 0, returned_ledger_fen = 0;
    std::vector<std::uint64_t> disagreeing;  // payouts whose last WeChat Pay state is final and differs from ours
};
payout_reconciliation reconcile_store_payouts(mysql_connection& db, std::uint64_t merchant_id);

}  // namespace sharedstore
