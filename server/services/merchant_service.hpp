#pragma once
// Stores and their programme: who may do what (owner, manager, cashier), staff changes, and
// versioned share tiers. Expected failures are values the handlers map to HTTP.
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/result.hpp"
#include "server/storage/card_repository.hpp"
#include "server/storage/merchant_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

// Active (not revoked) POS API keys a store may hold at once (pos_key_service).
inline constexpr int max_active_pos_keys = 20;

enum class merchant_failure {
    merchant_not_found,
    not_staff,         // the caller has no role at this store
    role_too_low,      // the caller's role may not do this
    user_not_found,    // the staff member to add does not exist
    owner_is_fixed,    // the owner's role cannot be changed or removed
    staff_not_found,
    invalid_tiers,     // see `problems`
    invalid_card,      // see `problems`
    // Partners, packs, shares and leads (partner_service, share_service):
    partner_not_found,
    already_partner,
    no_tiers,              // the store has no share tiers yet
    below_lowest_tier,     // a first buy-in must reach the lowest tier
    partner_ended,         // an ended partnership takes no more buy-ins, packs or changes
    partner_not_active,    // paused or ended: no new packs, shares or leads
    request_id_reused,     // the same request_id with different content
    card_template_not_found,
    card_expired,
    card_pack_not_found,
    pack_exhausted,
    too_many_shares,
    share_not_found,
    self_referral,         // a partner cannot own their own user
    already_owner,         // the customer already belongs to that partner
    // Orders (order_service, pos_service):
    order_not_found,
    payments_unavailable,       // WeChat Pay is not configured on this server
    wechat_pay_failed,          // WeChat Pay refused or could not be reached; the order stays unpaid
    insufficient_stored_value,  // the buyer's stored value at the store is below the amount
    order_conflict,             // a POS order id reused with different content
    refund_exceeds_order,       // more than what is left of the order
    refund_conflict,            // a POS refund id reused with a different amount
    order_not_paid,             // a refund of an order that is not paid
    refund_not_wechat_pay,      // a store's refund through WeChat Pay of an order paid otherwise
    api_key_not_found,  // no such POS API key at this store
    too_many_api_keys,  // the store has max_active_pos_keys keys not revoked
};

struct merchant_error {
    merchant_failure kind;
    std::vector<validation_problem> problems;
};

template <class T>
using merchant_result = result<T, merchant_error>;

// Who may do what at a store: nullopt when the caller has one of `allowed` (any role if empty).
// Unknown store: merchant_not_found; no role: not_staff; another role: role_too_low.
std::optional<merchant_error> check_store_access(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t caller,
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
    boost::asio::awaitable<merchant_result<merchant_view>> view(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<merchant_result<merchant_view>> change_settings(std::uint64_t caller, std::uint64_t merchant_id,
                                                                           settings_change change);
    boost::asio::awaitable<merchant_result<std::vector<staff_member>>> staff(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<merchant_result<std::vector<staff_member>>> set_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                std::uint64_t user_id, staff_role role);
    boost::asio::awaitable<merchant_result<std::vector<staff_member>>> remove_staff(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                   std::uint64_t user_id);
    boost::asio::awaitable<merchant_result<std::vector<tier_version_record>>> change_tiers(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                          tier_change change);
    boost::asio::awaitable<merchant_result<std::vector<tier_version_record>>> tier_history(std::uint64_t caller, std::uint64_t merchant_id);

    boost::asio::awaitable<merchant_result<card_template_record>> create_card_template(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                     card_template_input input);
    // One page, newest first; `before_id` is the cursor (0: first page).
    boost::asio::awaitable<merchant_result<std::vector<card_template_record>>> card_templates(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                            std::uint64_t before_id, int limit);

private:
    mysql_pool& database_;
};

}  // namespace sharedstore
