#pragma once
// What partners and merchants read about money: a partner's dividends and summary, a store's
// orders, dividends per partner, its reconciliation over a period and its payment anomalies.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/order_repository.hpp"
#include "server/storage/report_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct partner_summary {
    dividend_totals dividends;
    std::vector<stored_value_line> stored_value;
};

class report_service {
public:
    explicit report_service(mysql_pool& database, const wall_clock& clock = system_clock_instance()) : database_(database), clock_(clock) {}

    boost::asio::awaitable<std::vector<dividend_record>> my_dividends(std::uint64_t user_id, std::uint64_t merchant_id, std::string state,
                                                                      std::uint64_t before_id, int limit);
    // "Today" and "this month" are China's calendar (UTC+8, as every store's zone is today).
    boost::asio::awaitable<partner_summary> my_summary(std::uint64_t user_id);

    // Staff (any role).
    boost::asio::awaitable<service_result<std::vector<order_record>>> orders(std::uint64_t caller, std::uint64_t merchant_id, std::string status,
                                                                             std::uint64_t before_id, int limit);
    // Owner or manager. `from`, `to`: SQL DATETIME text (UTC), to exclusive.
    boost::asio::awaitable<service_result<std::vector<partner_dividend_line>>> dividends_by_partner(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                    std::string from, std::string to);
    boost::asio::awaitable<service_result<reconciliation_figures>> reconciliation(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                   std::string from, std::string to);
    // Owner or manager: the store's refused WeChat Pay notifications, newest first.
    boost::asio::awaitable<service_result<std::vector<payment_anomaly_record>>> payment_anomalies(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                                   std::uint64_t before_id, int limit);

private:
    mysql_pool& database_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
