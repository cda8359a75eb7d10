#pragma once
// Payouts (docs/payouts.md): due dividends settle into the partner's withdrawable balance; a partner
// withdraws it to their WeChat balance through WeChat Pay's merchant transfer; the transfer's end
// (notification, query, cancel) moves the in-flight money out or back, once. Every movement is a
// ledger transaction in the same database transaction as the row that explains it.
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/services/transfer_gateway.hpp"
#include "server/storage/payout_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace sharedstore {

struct payout_options {
    std::string data_key;                       // opens the payee's sealed real name
    std::string transfer_remark = "分红提现";   // shown to the partner by WeChat (<= 32 characters)
    std::chrono::seconds recheck_after{60};     // a bill in an unclear or moving state is asked about again after this
    std::chrono::seconds confirm_check_every{600};  // an unconfirmed bill is asked about this often
    std::chrono::seconds unconfirmed_lifetime{unconfirmed_bill_lifetime};  // then cancelled by us
};

struct withdrawal_request {
    std::uint64_t user_id = 0, merchant_id = 0;
    std::int64_t amount_fen = 0;
    std::string request_id;
};

struct payout_outcome {
    payout_record payout;  // as it stands after this call
    bool replayed = false;
};

struct settle_report {
    int settlements = 0, dividends = 0, closed_reversed = 0;
    std::int64_t settled_fen = 0, to_debt_fen = 0;
};

struct check_report {
    int checked = 0, finished = 0, still_open = 0, unclear = 0;
};

// What a notification or a query applied.
enum class bill_applied { moved, unchanged, unknown_bill };

class payout_service {
public:
    // `gateway` null: payouts are off (payouts_unavailable); settlement still runs.
    payout_service(mysql_pool& database, transfer_gateway* gateway, const wall_clock& clock, logger& log, payout_options options);

    // The partner's side.
    boost::asio::awaitable<service_result<payout_outcome>> withdraw(withdrawal_request request);
    boost::asio::awaitable<service_result<payout_record>> cancel(std::uint64_t user_id, std::uint64_t payout_id);
    boost::asio::awaitable<service_result<payout_record>> my_payout(std::uint64_t user_id, std::uint64_t payout_id);
    boost::asio::awaitable<service_result<std::vector<payout_record>>> my_payouts(std::uint64_t user_id, std::uint64_t merchant_id,
                                                                                  std::uint64_t before_id, int limit);
    boost::asio::awaitable<service_result<std::vector<partner_payout_balance>>> my_balances(std::uint64_t user_id, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<bool>> set_real_name(std::uint64_t user_id, std::string real_name);

    // The store's side: its owner or manager (money views and decisions are theirs).
    boost::asio::awaitable<service_result<payout_record>> approve(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t payout_id);
    boost::asio::awaitable<service_result<payout_record>> reject(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t payout_id,
                                                                 std::string reason);
    boost::asio::awaitable<service_result<std::vector<payout_record>>> store_payouts(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                     std::optional<payout_state> state, std::uint64_t before_id,
                                                                                     int limit);
    boost::asio::awaitable<service_result<std::vector<partner_payout_balance>>> store_balances(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<payout_reconciliation>> reconciliation(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<payout_limits>> limits(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<payout_limits>> change_limits(std::uint64_t caller, std::uint64_t merchant_id, payout_limits limits);

    // WeChat Pay's MCHTRANSFER.BILL.FINISHED, verified and decrypted by the caller.
    boost::asio::awaitable<bill_applied> apply_notification(transfer_bill bill);

    // Jobs.
    boost::asio::awaitable<settle_report> settle(wall_time now, int max_partners);
    boost::asio::awaitable<check_report> check(wall_time now, int max_payouts);

    const transfer_gateway* gateway() const { return gateway_; }

private:
    // Asks WeChat Pay to make the bill (the same out_bill_no every time) and applies its answer.
    boost::asio::awaitable<void> submit(const payout_record& payout);
    // Asks where a bill stands and acts: recreate a bill WeChat Pay never got, cancel one left
    // unconfirmed too long, apply any state.
    boost::asio::awaitable<bool> follow_up(const payout_record& payout, wall_time now);
    boost::asio::awaitable<bill_applied> apply_bill(std::string out_bill_no, transfer_bill bill);
    boost::asio::awaitable<void> schedule_check(std::uint64_t payout_id, std::optional<wall_time> at);
    boost::asio::awaitable<payout_record> reload(std::uint64_t payout_id);

    mysql_pool& database_;
    transfer_gateway* gateway_;
    const wall_clock& clock_;
    logger& log_;
    payout_options options_;
};

// Checks of a store's payout limits: every problem at once (field names as in the API).
std::vector<validation_problem> payout_limit_problems(const payout_limits& limits);

}  // namespace sharedstore
