#pragma once
// A store's dashboard: its figures over the last 1, 7 or 30 local days (today included), per day
// and in total, and its top partners. Owner and manager only: profit and dividends are the
// store's business figures, which a cashier does not see (docs/access-control.md).
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "common/result.hpp"
#include "server/domain/calendar.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/dashboard_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct dashboard_figures {
    std::string time_zone;
    local_days window;
    std::vector<dashboard_day> daily;  // one per date of the window, oldest first (zeros included)
    dashboard_day totals;              // the sums of `daily` (its date is empty)
    std::vector<dashboard_partner_line> top_partners;
};

class dashboard_service {
public:
    static constexpr int top_partner_count = 5;

    explicit dashboard_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // `days`: 1, 7 or 30 (the handler checks).
    boost::asio::awaitable<service_result<dashboard_figures>> figures(std::uint64_t caller, std::uint64_t merchant_id, int days);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
