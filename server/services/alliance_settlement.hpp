#pragma once
// Settling with member stores (docs/alliance.md "Settlement"): statements per store and closed
// Asia/Shanghai month of what moved on its alliance accounts (issued by the
// issue-alliance-statements job, or by an operator for a closed month), read by the operator and
// by the store's staff; an operator records the bank transfer that settles one (the ledger then
// clears its amounts on both books). Issuing is idempotent per store and month; settling per
// statement and transfer reference.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/alliance_statement_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct statements_issued {
    std::string period;
    int issued = 0;    // new statements
    int existing = 0;  // stores with their statement for the period already
    bool skipped = false;  // the month was issued completely before: not read again
};

// A month's statements issued: every store where something moved gets one (a store with its
// statement already keeps it), then the month is marked issued. The month must be closed for
// `grace`. `again`: read it even when marked (an operator's request); else a marked month is skipped.
boost::asio::awaitable<statements_issued> issue_alliance_statements(mysql_pool& database, const statement_period& period,
                                                                    std::chrono::system_clock::time_point now, bool again);

// The alliance's months are the platform's, Asia/Shanghai (docs/business-rules.md section 3).
std::chrono::minutes statement_utc_offset();

// The grace after a month's end before it is read: a posting booked at its last instant commits a moment later.
inline constexpr std::chrono::seconds statement_grace{3600};

class alliance_settlement_service {
public:
    explicit alliance_settlement_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators.
    boost::asio::awaitable<service_result<statements_issued>> issue(std::uint64_t caller, std::string period);
    boost::asio::awaitable<service_result<std::vector<alliance_statement>>> list(std::uint64_t caller, std::uint64_t merchant_id, std::string period,
                                                                                 std::string state, std::uint64_t before, int limit);
    // The statement, and whether this call settled it (false: the same transfer again).
    boost::asio::awaitable<service_result<std::pair<alliance_statement, bool>>> settle(std::uint64_t caller, std::uint64_t id,
                                                                                       std::string transfer_reference);

    // Any staff of the store.
    boost::asio::awaitable<service_result<std::vector<alliance_statement>>> store_statements(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                             std::uint64_t before, int limit);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
