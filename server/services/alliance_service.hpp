#pragma once
// The alliance's set-up (docs/alliance.md): platform operators configure the points pool and admit
// merchants; an admitted store's owner sets its concession and the share of an order vouchers may
// pay. Configurations that would promise unfunded vouchers are refused with every problem at once
// (validate_pool_config); a concession low enough to leave the pool's lock reward unfunded is
// refused as well, so the validator's "lowest concession" always holds.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/alliance_config.hpp"
#include "server/services/alliance_voucher_spending.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/alliance_dividend_repository.hpp"
#include "server/storage/alliance_fan_repository.hpp"
#include "server/storage/alliance_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <vector>

namespace sharedstore {

struct pool_config_view {
    pool_config_version current;                 // version 0: never set, the defaults
    std::vector<pool_config_version> history;    // newest first
    std::optional<int> lowest_concession_bp;     // among admitted merchants; none set yet: any may join
    // What the validator allows at the current fund share and growth (docs/business-rules.md 3.1).
    int max_rate_cap_bp = 0, max_quota_bp = 0, max_lock_bp = 0;
};

// A member store's figures, from its book (docs/alliance.md, "The books").
struct store_alliance_books {
    std::int64_t points_pending_cp = 0;    // its lots inside their refund window
    std::int64_t points_cp = 0;            // its vested lots, counted in the pool
    std::int64_t vouchers_fen = 0;         // vouchers it holds (fan-lock rewards, dividends)
    std::int64_t vouchers_earned_fen = 0;  // credited in all, less refunds' take-backs
    std::int64_t vouchers_accepted_fen = 0;  // taken as payment in all, less refunds' returns
    std::int64_t concession_owed_fen = 0;  // concessions owed to the platform, not yet collected
    std::int64_t reimbursement_due_fen = 0;  // vouchers it took as payment, owed to it by the platform's fund
    std::int64_t fans = 0;                 // consumers locked to it
};

// A member as the operator's list shows it, with what is unsettled between it and the platform
// (docs/alliance.md, "Settlement": the statements settle these).
struct member_with_books {
    alliance_member member;
    std::int64_t concession_owed_fen = 0;     // concessions it owes, not settled
    std::int64_t supply_owed_fen = 0;         // money it owes for supply bills, not settled
    std::int64_t reimbursement_due_fen = 0;   // the fund owes it for vouchers it took, not settled
    std::int64_t vouchers_fen = 0;            // vouchers it holds
};

struct store_alliance_view {
    std::optional<alliance_member> member;      // none: not admitted
    std::vector<concession_version> history;    // newest first
    int lock_bp = 0, fund_share_bp = 0;         // the pool's, for the console's bound on the concession
    store_alliance_books books;                 // zeros for a store not admitted
};

// A consumer's fan lock as the operator sees it, with its audit.
struct fan_view {
    std::uint64_t user_id = 0;
    std::optional<fan_lock> lock;
    std::string merchant_name;        // the locking store's
    std::vector<fan_change> changes;  // newest first
};

// What a consumer sees of the alliance (the mini-program).
struct consumer_alliance_view {
    std::optional<fan_lock> lock;
    std::string merchant_name;
    std::int64_t points_pending_cp = 0;  // lots inside their refund window
    std::int64_t points_cp = 0;          // vested lots, counted in the pool
    std::int64_t vouchers_fen = 0;       // vouchers held (dividends, refunds' returns), spendable unless expired
    std::int64_t vouchers_held_fen = 0;  // held by unpaid orders and desk reservations
    std::int64_t voucher_debt_fen = 0;   // owed back (netted from later dividends)
    advance_figures advance;             // what may be spent ahead of the next dividends
    std::vector<voucher_credit> credits;  // with something left, the soonest to expire first
};

// The code a consumer shows at the desk to spend vouchers (docs/alliance.md, "At the desk").
struct voucher_code_view {
    std::string digits, qr_payload;
    std::chrono::system_clock::time_point expires_at{};
    std::int64_t spendable_fen = 0;
};

// The operator's view of the dividends: where the pool stands and the dividends, newest first.
struct dividends_view {
    pool_figures pool;                 // the vested pool now
    int next_number = 1;
    std::int64_t threshold_cp = 0;     // where the next dividend fires
    int min_holders = 0;               // dividend 1 also needs this many consumer holders
    std::int64_t fund_free_fen = 0;
    // The platform's book (docs/alliance.md, "The books"): the liability vouchers are, and what is
    // owed either way.
    std::int64_t fund_reserved_fen = 0;          // money behind the vouchers outstanding
    std::int64_t vouchers_outstanding_fen = 0;   // credited, not spent, expired or taken back (held ones included)
    std::int64_t advances_outstanding_fen = 0;   // advanced on the next dividends, not yet repaid
    std::int64_t voucher_debt_fen = 0;           // owed back by holders, netted from later dividends
    std::int64_t reimbursements_owed_fen = 0;    // to stores, for vouchers they took as payment
    std::int64_t concessions_receivable_fen = 0; // from stores, not yet collected
    std::optional<int> running;        // a dividend under way
    std::vector<alliance_dividend> items;
};

class alliance_service {
public:
    explicit alliance_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators only.
    boost::asio::awaitable<service_result<pool_config_view>> pool_config(std::uint64_t caller);
    boost::asio::awaitable<service_result<pool_config_view>> set_pool_config(std::uint64_t caller, alliance_pool_config config);
    boost::asio::awaitable<service_result<std::vector<member_with_books>>> members(std::uint64_t caller, std::uint64_t before_merchant_id, int limit);
    // The member, and whether this call admitted it (false: it was a member already).
    boost::asio::awaitable<service_result<std::pair<alliance_member, bool>>> admit(std::uint64_t caller, std::uint64_t merchant_id);

    // Any staff of the store reads; the owner sets.
    boost::asio::awaitable<service_result<store_alliance_view>> store_alliance(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<store_alliance_view>> set_concession(std::uint64_t caller, std::uint64_t merchant_id, int concession_bp,
                                                                               int voucher_max_bp);

    // Operators: a consumer's fan lock and its audit; moving it to another member, with a reason.
    boost::asio::awaitable<service_result<fan_view>> fan(std::uint64_t caller, std::uint64_t user_id);
    boost::asio::awaitable<service_result<fan_view>> reassign_fan(std::uint64_t caller, std::uint64_t user_id, std::uint64_t merchant_id,
                                                                  std::string reason);
    // The caller's own lock and points.
    boost::asio::awaitable<service_result<consumer_alliance_view>> consumer(std::uint64_t user_id);
    // A new desk code for the caller's vouchers (the old one dies).
    boost::asio::awaitable<service_result<voucher_code_view>> voucher_code(std::uint64_t user_id);
    // Operators: the pool's progress towards its next dividend and the dividends so far.
    boost::asio::awaitable<service_result<dividends_view>> dividends(std::uint64_t caller, std::optional<int> before, int limit);

    // For `GET /api/v1/console/me`: the console shows the platform pages to operators.
    boost::asio::awaitable<bool> is_operator(std::uint64_t user_id);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
