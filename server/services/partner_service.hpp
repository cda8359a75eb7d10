#pragma once
// The partner programme from both sides: staff enrol partners (cash buy-ins credited as stored
// value through the ledger), pause or end them, issue card packs, read and reassign leads; partners
// read their memberships, packs and customers. Expected failures are service_error values.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/lead_repository.hpp"
#include "server/storage/partner_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

constexpr int default_pack_quota = 100;
constexpr int max_pack_quota = 200;

struct partner_detail {
    partner_record partner;
    std::optional<share_tier> tier;  // with the tier version in force now; none below the lowest tier
    std::vector<buy_in_record> buy_ins;  // newest first, the last 20
    std::vector<card_pack_record> packs;  // newest first, the last 50
    bool replayed = false;  // a buy-in request_id seen before: nothing was written this time
};

struct partner_list_item {
    partner_record partner;
    std::optional<share_tier> tier;
};

struct cash_buy_in {
    std::int64_t amount_fen = 0;
    std::string note;
    std::string request_id;  // the desk's own id of this payment; empty: none (no replay protection)
};

struct status_change {
    partner_status status = partner_status::active;
    std::optional<inactive_dividends> when_inactive;  // absent keeps the current choice
    std::string note;
};

class partner_service {
public:
    explicit partner_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // Staff (any role) record a first buy-in paid in cash: the user becomes a partner.
    boost::asio::awaitable<service_result<partner_detail>> enrol(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t user_id,
                                                                  cash_buy_in payment);
    // Staff (any role) record a top-up paid in cash; a higher total reaches a higher tier.
    boost::asio::awaitable<service_result<partner_detail>> top_up(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t partner_id,
                                                                   cash_buy_in payment);
    // Owner or manager.
    boost::asio::awaitable<service_result<partner_detail>> change_status(std::uint64_t caller, std::uint64_t merchant_id,
                                                                          std::uint64_t partner_id, status_change change);
    boost::asio::awaitable<service_result<partner_detail>> partner(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t partner_id);
    boost::asio::awaitable<service_result<std::vector<partner_list_item>>> partners(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                    std::optional<std::string> status, std::uint64_t before_id,
                                                                                    int limit);
    // Owner or manager: a pack of one of the store's card templates, for an active partner.
    boost::asio::awaitable<service_result<card_pack_record>> issue_pack(std::uint64_t caller, std::uint64_t merchant_id,
                                                                         std::uint64_t partner_id, std::uint64_t card_template_id, int quota);

    // Owner or manager.
    boost::asio::awaitable<service_result<std::vector<lead_record>>> leads(std::uint64_t caller, std::uint64_t merchant_id, lead_filter filter,
                                                                           std::uint64_t before_id, int limit);
    boost::asio::awaitable<service_result<std::vector<lead_change_record>>> lead_history(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                         std::uint64_t customer_user_id,
                                                                                         std::uint64_t partner_id, std::uint64_t before_id,
                                                                                         int limit);
    // Owner only: gives the customer to another (active) partner, with the reason in the history.
    boost::asio::awaitable<service_result<lead_record>> reassign(std::uint64_t caller, std::uint64_t merchant_id,
                                                                  std::uint64_t customer_user_id, std::uint64_t partner_id, std::string reason);

    // The partner's side (any logged-in user; empty when not a partner anywhere).
    boost::asio::awaitable<std::vector<partner_list_item>> memberships(std::uint64_t user_id);
    boost::asio::awaitable<std::vector<card_pack_record>> my_packs(std::uint64_t user_id, std::uint64_t before_id, int limit);
    boost::asio::awaitable<std::vector<lead_record>> my_customers(std::uint64_t user_id, std::uint64_t merchant_id, std::uint64_t before_id,
                                                                  int limit);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
