#pragma once
// Supply orders (平台拿货; docs/alliance.md "Supply orders", docs/business-rules.md section 3):
// a platform operator bills a member store for goods the platform supplies (its own reference
// makes issuing idempotent); the store's owner or a manager pays it, its vouchers covering at most
// the pool's `supply_voucher_max_bp` of it (the cap in force when paid) and the rest owed to the
// platform in money; an operator cancels an open one or refunds a paid one (its vouchers come
// back, the money owed is undone). One transaction each, with its ledger posting.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/alliance_supply_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace sharedstore {

struct supply_order_request {
    std::uint64_t merchant_id = 0;
    std::string reference, description;
    std::int64_t amount_fen = 0;
};

// A store's supply orders with what it can pay them with.
struct store_supply_view {
    int supply_voucher_max_bp = 0;       // the pool's cap now
    std::int64_t vouchers_spendable_fen = 0;  // the store's vouchers not expired
    std::int64_t supply_owed_fen = 0;    // money owed to the platform for paid supply (supply_payable)
    std::int64_t voucher_debt_fen = 0;   // vouchers it owes back (netted from its later dividends)
    std::vector<supply_order> orders;    // newest first
};

// An order written or read, and whether this call made the change (false: a replay).
struct supply_outcome {
    supply_order order;
    bool changed = false;
};

class alliance_supply_service {
public:
    explicit alliance_supply_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators.
    boost::asio::awaitable<service_result<supply_outcome>> issue(std::uint64_t caller, supply_order_request request);
    boost::asio::awaitable<service_result<std::vector<supply_order>>> list(std::uint64_t caller, std::uint64_t merchant_id, std::string state,
                                                                           std::uint64_t before, int limit);
    boost::asio::awaitable<service_result<supply_outcome>> cancel(std::uint64_t caller, std::uint64_t id, std::string reason);
    boost::asio::awaitable<service_result<supply_outcome>> refund(std::uint64_t caller, std::uint64_t id, std::string reason);

    // The store: any staff reads; the owner or a manager pays.
    boost::asio::awaitable<service_result<store_supply_view>> store_orders(std::uint64_t caller, std::uint64_t merchant_id, std::string state,
                                                                           std::uint64_t before, int limit);
    boost::asio::awaitable<service_result<supply_outcome>> pay(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t id,
                                                               std::int64_t voucher_fen);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
