#pragma once
// Regions (docs/promoters-and-centres.md "Regions"): the region table, and each merchant's region
// code, set once at onboarding by its owner (or an operator), changed only by a platform operator
// with a reason (audited). Orders keep the code they were paid under.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/centre_repository.hpp"
#include "server/storage/region_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct merchant_region_view {
    std::uint64_t merchant_id = 0;
    std::optional<std::string> code;
    std::vector<region_row> chain;        // the unit, its city and province, as named in the table (outermost first)
    std::vector<region_change> changes;   // the operator's view only
};

struct region_listing {
    std::optional<region_row> parent;
    std::vector<region_row> children;
    std::vector<service_centre> centres;  // in force today on the children's codes
};

class region_service {
public:
    explicit region_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators: the units under `parent` ("" the provinces) with merchants and centres today.
    boost::asio::awaitable<service_result<region_listing>> list(std::uint64_t caller, std::string parent);
    boost::asio::awaitable<service_result<merchant_region_view>> merchant(std::uint64_t caller, std::uint64_t merchant_id);
    // Sets or changes it; `reason` required (the handler checks). Same code again: nothing changes.
    boost::asio::awaitable<service_result<merchant_region_view>> change(std::uint64_t caller, std::uint64_t merchant_id, std::string code, std::string reason);

    // The store's staff read it; its owner sets it once.
    boost::asio::awaitable<service_result<merchant_region_view>> store_region(std::uint64_t caller, std::uint64_t merchant_id);
    // The view, and whether this call set it (false: the same code again).
    boost::asio::awaitable<service_result<std::pair<merchant_region_view, bool>>> set_store_region(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                   std::string code);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

// A code a merchant may carry: a county-level unit, or a city without counties (blocking).
bool merchant_region_code_valid(mysql_connection& db, const std::string& code);
merchant_region_view read_merchant_region(mysql_connection& db, std::uint64_t merchant_id, bool with_changes);

}  // namespace sharedstore
