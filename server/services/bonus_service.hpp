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
    std::int64_t profit_fen = 0;      // of the period's paid purchases
};

class bonus_service {
public:
    explicit bonus_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    boost::asio::awaitable<service_result<bonus_config_view>> config(std::uint64_t caller, std::uint64_t merchant_id);
    // `proposal.tiers` and its sign-off are the store's own (filled here): the caller sends the awards.
    boost::asio::awaitable<service_result<bonus_config_view>> propose(std::uint64_t caller, std::uint64_t merchant_id, bonus_proposal proposal);

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
