#pragma once
// Stores and their programme: who may do what (owner, manager, cashier), staff changes, and
// versioned share tiers. Expected failures are values the handlers map to HTTP.
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/result.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/card_repository.hpp"
#include "server/storage/merchant_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

// Who may do what at a store: nullopt when the caller has one of `allowed` (any role if empty).
// Unknown store: merchant_not_found; no role: not_staff; another role: role_too_low.
std::optional<service_error> check_store_access(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t caller,
                                                 std::initializer_list<staff_role> allowed);

struct tier_change {
    std::vector<share_tier> tiers;
    std::int32_t profit_margin_bp = 0;
    std::map<std::string, std::int32_t> category_margins_bp;
};

// A partial change: absent fields keep their value; `clear_protection` removes the period.
struct settings_change {
    std::optional<bool> allow_existing_customers;
    std::optional<bool> cards_for_owned_customers;
    std::optional<int> protection_days;
    bool clear_protection = false;
    std::optional<int> settlement_delay_days;
};

struct merchant_view {
    merchant_record merchant;
    staff_role caller_role;
};

class merchant_service {
public:
    explicit merchant_service(mysql_pool& database) : database_(database) {}

    boost::asio::awaitable<merchant_record> create(std::uint64_t owner_user_id, std::string name, std::string time_zone);
    boost::asio::awaitable<service_result<merchant_view>> view(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<merchant_view>> change_settings(std::uint64_t caller, std::uint64_t merchant_id,
                                                                           settings_change change);
    boost::asio::awaitable<service_result<std::vector<staff_member>>> staff(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<std::vector<staff_member>>> set_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                std::uint64_t user_id, staff_role role);
    boost::asio::awaitable<service_result<std::vector<staff_member>>> remove_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                   std::uint64_t user_id);
    boost::asio::awaitable<service_result<std::vector<tier_version_record>>> change_tiers(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                          tier_change change);
    boost::asio::awaitable<service_result<std::vector<tier_version_record>>> tier_history(std::uint64_t caller, std::uint64_t merchant_id);

    boost::asio::awaitable<service_result<card_template_record>> create_card_template(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                     card_template_input input);
    // One page, newest first; `before_id` is the cursor (0: first page).
    boost::asio::awaitable<service_result<std::vector<card_template_record>>> card_templates(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                            std::uint64_t before_id, int limit);

private:
    mysql_pool& database_;
};

}  // namespace sharedstore
