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

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <vector>

namespace sharedstore {

struct bonus_config_view {
    std::vector<bonus_config_version> versions;  // newest first; empty: only the tier award (the dividend)
    std::optional<cash_sign_off> sign_off;       // the operator's newest, if any
};

class bonus_service {
public:
    explicit bonus_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    boost::asio::awaitable<service_result<bonus_config_view>> config(std::uint64_t caller, std::uint64_t merchant_id);
    // `proposal.tiers` and its sign-off are the store's own (filled here): the caller sends the awards.
    boost::asio::awaitable<service_result<bonus_config_view>> propose(std::uint64_t caller, std::uint64_t merchant_id, bonus_proposal proposal);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
