#pragma once
// Promoters (docs/promoters-and-centres.md "Promoters"): people the platform contracts to bring and
// serve merchants. A platform operator makes a user a promoter (an invite code is drawn); a
// store's owner binds the store with the code at onboarding (the first binding wins); afterwards
// only an operator moves the store to another promoter, with a reason (audited). No promoter earns
// from another: there is no link between promoters at all.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/promoter_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct merchant_promoter_view {
    std::uint64_t merchant_id = 0;
    std::optional<promoter_binding> binding;
    std::vector<promoter_change> changes;  // the operator's view only
};

struct promoter_profile {
    promoter_record promoter;
    std::vector<promoter_binding> merchants;
};

class promoter_service {
public:
    explicit promoter_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Operators.
    boost::asio::awaitable<service_result<promoter_record>> create(std::uint64_t caller, std::uint64_t user_id, std::string name);
    boost::asio::awaitable<service_result<std::vector<promoter_record>>> list(std::uint64_t caller, std::uint64_t before, int limit);
    boost::asio::awaitable<service_result<promoter_profile>> profile(std::uint64_t caller, std::uint64_t promoter_id);
    boost::asio::awaitable<service_result<merchant_promoter_view>> merchant(std::uint64_t caller, std::uint64_t merchant_id);
    // Binds or moves the store; the same promoter again changes nothing.
    boost::asio::awaitable<service_result<merchant_promoter_view>> assign(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t promoter_id,
                                                                          std::string reason);

    // The store's owner, with the promoter's invite code: the view, and whether this call bound it
    // (false: bound to that promoter already).
    boost::asio::awaitable<service_result<std::pair<merchant_promoter_view, bool>>> bind(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                         std::string invite_code);
    // Any staff of the store.
    boost::asio::awaitable<service_result<merchant_promoter_view>> store_promoter(std::uint64_t caller, std::uint64_t merchant_id);

    // The promoter themself.
    boost::asio::awaitable<service_result<promoter_profile>> mine(std::uint64_t caller);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
