#pragma once
// Service centres and the sharing configuration (docs/promoters-and-centres.md "Centres"): the
// platform appoints a company as the county, city or province centre of a region code by
// contract (dates, rate); the appointment is refused with every reason at once (territory taken,
// outside the upper centre's dates, a rate above the level's, income from recruiting or other
// centres). The configuration holds the promoter's rate and term and the levels' rates; together
// at most 5000 bp of the platform net.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/centre_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct net_share_config_view {
    net_share_config_version in_force;
    std::vector<net_share_config_version> history;
};

struct centre_request {
    std::string level, region_code, name, contract_reference;
    std::optional<std::uint64_t> contact_user_id;
    int rate_bp = 0;
    std::chrono::sys_days starts_on{}, ends_on{};
    std::int64_t fee_income_bp = 0, override_bp = 0, recruitment_reward_fen = 0;
};

class centre_service {
public:
    explicit centre_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    boost::asio::awaitable<service_result<net_share_config_view>> config(std::uint64_t caller);
    boost::asio::awaitable<service_result<net_share_config_view>> set_config(std::uint64_t caller, net_share_config config);

    // The centre, and whether this call appointed it (false: the same contract again).
    boost::asio::awaitable<service_result<std::pair<service_centre, bool>>> appoint(std::uint64_t caller, centre_request request);
    boost::asio::awaitable<service_result<std::vector<service_centre>>> list(std::uint64_t caller, std::string level, std::string region_prefix,
                                                                            bool in_force_today, std::uint64_t before, int limit);
    boost::asio::awaitable<service_result<service_centre>> get(std::uint64_t caller, std::uint64_t id);
    // Ends the contract early: `ends_on` its last day (from its start to before its end).
    boost::asio::awaitable<service_result<service_centre>> terminate(std::uint64_t caller, std::uint64_t id, std::chrono::sys_days ends_on,
                                                                     std::string reason);

    // The centres whose statements the caller reads.
    boost::asio::awaitable<service_result<std::vector<service_centre>>> mine(std::uint64_t caller);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
