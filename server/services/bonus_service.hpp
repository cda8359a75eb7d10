#pragma once
// The store's bonus system configuration (docs/bonus.md): read by any staff, proposed by the owner
// and managers. A proposal is checked by the compliance validator (bonus_validator.hpp) against
// the store's tiers in force and refused with every problem at once (422 bonus_config_refused);
// a lawful one becomes the store's next version. Cash to A2 (level2_cash) rests on the platform
// operator's newest sign-off, recorded with `sharedstore sign-off-level2-cash`.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/bonus_config.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/bonus_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <vector>

namespace sharedstore {

struct bonus_config_view {
    std::vector<bonus_config_version> versions;  // newest first; empty: only the tier award (the dividend)
    std::optional<cash_sign_off> sign_off;       // the operator's newest, if any
};

struct store_award_report {
    std::vector<award_total> totals;  // by month, kind, medium
    std::int64_t profit_fen = 0;      // of the period's paid purchases, net of refunds
};

// The what-if of a proposed configuration (docs/bonus.md): the window's paid purchases that had
// a dividend, replayed under the proposal with today's tiers, partners and lifetime referrals,
// net of their refunds. Read only.
struct award_what_if_partner {
    std::uint64_t partner_id = 0;
    std::string phone;  // whole; handlers mask it
    std::int64_t tier_fen = 0;    // the tier award (the dividend), cash
    std::int64_t cash_fen = 0;    // other awards in cash
    std::int64_t points = 0;      // other awards in points
};
struct award_what_if {
    wall_time from, to;
    std::int64_t orders = 0;
    std::int64_t profit_fen = 0;  // the replayed orders' profit, net of refunds
    std::int64_t tier_fen = 0, level_difference_fen = 0, flat_push_fen = 0;
    std::int64_t cash_fen = 0, points = 0;  // all awards: cash (the tier award included) and points
    std::int64_t trimmed_fen = 0;           // what the order cap cut
    std::optional<std::uint64_t> largest_order_id;
    std::int64_t largest_payout_fen = 0, largest_profit_fen = 0;  // the order paying most, and its profit
    std::vector<award_what_if_partner> partners;                 // the largest totals first, at most 100
};
inline constexpr int max_award_what_if_orders = 200'000;

class bonus_service {
public:
    explicit bonus_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    boost::asio::awaitable<service_result<bonus_config_view>> config(std::uint64_t caller, std::uint64_t merchant_id);
    // `proposal.tiers` and its sign-off are the store's own (filled here): the caller sends the awards.
    boost::asio::awaitable<service_result<bonus_config_view>> propose(std::uint64_t caller, std::uint64_t merchant_id, bonus_proposal proposal);

    // Owner or manager; a proposal PUT would refuse is refused the same way (422 with every problem).
    boost::asio::awaitable<service_result<award_what_if>> what_if(std::uint64_t caller, std::uint64_t merchant_id, bonus_proposal proposal,
                                                                  wall_time from, wall_time to);
    // The partner's awards at every store (A2's view), by store, kind and medium.
    boost::asio::awaitable<std::vector<award_total>> my_awards(std::uint64_t user_id);
    // The store's award cost in a period (owner, manager), by month, kind and medium.
    boost::asio::awaitable<service_result<store_award_report>> award_report(std::uint64_t caller, std::uint64_t merchant_id, std::string from,
                                                                            std::string to);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
