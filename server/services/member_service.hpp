#pragma once
// The member journey through the API (docs/members.md): what the mini-program shows a person at a
// store (stage, level, growth, points, pre-stored value, referrer) and what they do there (a visit,
// the member terms, a points exchange), and what a store configures (its programme, level table,
// offers) and reads (its funnel, one person's trail). Orders that use levels, points and
// pre-stored value are order_service's; what follows from payments is the payment effects'.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/member_funnel.hpp"
#include "server/domain/prepaid_value.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/member_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct membership_summary {
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::optional<member_program_record> program;  // none: the store runs no programme
    member_profile profile;                        // passer-by when unknown
    std::optional<member_level> level, next_level;
    std::int64_t points_spendable = 0, points_pending = 0;
    std::vector<point_lot_record> points_expiring;  // spendable lots expiring within 30 days
    prepaid_buckets prepaid;
};

struct member_program_input {
    points_rules points;
    std::optional<std::int64_t> task_spend_fen;
    std::optional<std::int32_t> task_days;
    std::optional<std::int64_t> task_topup_fen;
    std::string terms_version, terms_text;
    bool partner_requires_member = true;
};

struct points_exchange_result {
    std::uint64_t item_id = 0;
    std::int64_t points = 0;
    std::int64_t balance_after = 0;
    bool replayed = false;
};

struct member_detail {
    member_profile profile;
    std::vector<member_event_record> events;
    std::int64_t points_spendable = 0, points_pending = 0;
    prepaid_buckets prepaid;
};

class member_service {
public:
    member_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    // The mini-program.
    boost::asio::awaitable<service_result<membership_summary>> my_membership(std::uint64_t user_id, std::uint64_t merchant_id);
    // A signed-in visit to the store's page or a scan of its QR code: the first makes a fan.
    boost::asio::awaitable<service_result<member_profile>> record_visit(std::uint64_t user_id, std::uint64_t merchant_id, std::string source);
    boost::asio::awaitable<service_result<member_profile>> accept_terms(std::uint64_t user_id, std::uint64_t merchant_id, std::string terms_version);
    boost::asio::awaitable<service_result<std::vector<point_move_record>>> points_history(std::uint64_t user_id, std::uint64_t merchant_id,
                                                                                          std::uint64_t before_id, int limit);
    // The offers a person may buy or exchange at the store (active ones).
    boost::asio::awaitable<service_result<std::vector<offer_record>>> store_offers(std::uint64_t merchant_id, member_offer_kind kind);
    boost::asio::awaitable<service_result<points_exchange_result>> exchange_points(std::uint64_t user_id, std::uint64_t merchant_id,
                                                                                   std::uint64_t item_id, std::string request_id);
    boost::asio::awaitable<std::optional<referral_record>> my_referrer(std::uint64_t user_id);

    // The store (owner and manager write; any staff reads).
    boost::asio::awaitable<service_result<std::optional<member_program_record>>> program(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<member_program_record>> set_program(std::uint64_t caller, std::uint64_t merchant_id,
                                                                              member_program_input input);
    boost::asio::awaitable<service_result<std::vector<member_level>>> levels(std::uint64_t caller, std::uint64_t merchant_id);
    boost::asio::awaitable<service_result<std::vector<member_level>>> set_levels(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                 std::vector<member_level> levels);
    boost::asio::awaitable<service_result<std::vector<offer_record>>> offers(std::uint64_t caller, std::uint64_t merchant_id, member_offer_kind kind);
    boost::asio::awaitable<service_result<offer_record>> add_offer(std::uint64_t caller, std::uint64_t merchant_id, offer_record offer);
    boost::asio::awaitable<service_result<offer_record>> set_offer_active(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t offer_id,
                                                                          bool active);
    boost::asio::awaitable<service_result<member_funnel>> funnel(std::uint64_t caller, std::uint64_t merchant_id, int weeks);
    boost::asio::awaitable<service_result<member_detail>> member(std::uint64_t caller, std::uint64_t merchant_id, std::uint64_t user_id);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

// Every problem of a programme at once (the points rules, the member task, the terms).
std::vector<validation_problem> validate_member_program(const member_program_input& input);
// Every problem of an offer at once, by its kind.
std::vector<validation_problem> validate_member_offer(const offer_record& offer);

}  // namespace sharedstore
