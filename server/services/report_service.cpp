#include "server/services/report_service.hpp"

#include "common/clock.hpp"
#include "server/domain/calendar.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

// A partner's summary spans their stores; every store keeps this zone (docs/api.md states it).
constexpr std::string_view summary_zone = "Asia/Shanghai";

}  // namespace

asio::awaitable<std::vector<dividend_record>> report_service::my_dividends(std::uint64_t user_id, std::uint64_t merchant_id, std::string state,
                                                                           std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) { return list_dividends(db, user_id, merchant_id, state, before_id, limit); };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<partner_summary> report_service::my_summary(std::uint64_t user_id) {
    const auto starts = day_and_month_start(clock_.now(), *utc_offset_of(summary_zone));
    auto read = [=, today = format_sql_datetime_utc(starts.day), month = format_sql_datetime_utc(starts.month)](mysql_connection& db) {
        return partner_summary{partner_dividend_totals(db, user_id, today, month), stored_value_balances(db, user_id)};
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<order_record>>> report_service::orders(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                  std::string status, std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<order_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {})) return *denied;
        return list_orders(db, merchant_id, status, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<partner_dividend_line>>> report_service::dividends_by_partner(std::uint64_t caller,
                                                                                                         std::uint64_t merchant_id,
                                                                                                         std::string from, std::string to) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<partner_dividend_line>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return sharedstore::dividends_by_partner(db, merchant_id, from, to);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<reconciliation_figures>> report_service::reconciliation(std::uint64_t caller, std::uint64_t merchant_id,
                                                                                       std::string from, std::string to) {
    auto read = [=](mysql_connection& db) -> service_result<reconciliation_figures> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return sharedstore::reconciliation(db, merchant_id, from, to);
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<service_result<std::vector<payment_anomaly_record>>> report_service::payment_anomalies(std::uint64_t caller,
                                                                                                        std::uint64_t merchant_id,
                                                                                                        std::uint64_t before_id, int limit) {
    auto read = [=](mysql_connection& db) -> service_result<std::vector<payment_anomaly_record>> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        return list_payment_anomalies(db, merchant_id, before_id, limit);
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore
