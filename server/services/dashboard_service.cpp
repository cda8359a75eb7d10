#include "server/services/dashboard_service.hpp"

#include "server/services/merchant_service.hpp"
#include "server/storage/merchant_repository.hpp"

#include <unordered_map>

namespace sharedstore {

namespace asio = boost::asio;

namespace {

void add(dashboard_day& total, const dashboard_day& d) {
    total.orders += d.orders;
    total.sales_fen += d.sales_fen;
    total.profit_fen += d.profit_fen;
    total.refunds_fen += d.refunds_fen;
    total.dividends_fen += d.dividends_fen;
    total.dividends_pending_fen += d.dividends_pending_fen;
    total.dividends_settled_fen += d.dividends_settled_fen;
    total.new_customers += d.new_customers;
}

}  // namespace

asio::awaitable<service_result<dashboard_figures>> dashboard_service::figures(std::uint64_t caller, std::uint64_t merchant_id, int days) {
    const auto now = clock_.now();
    auto read = [=](mysql_connection& db) -> service_result<dashboard_figures> {
        if (auto denied = check_store_access(db, merchant_id, caller, {staff_role::owner, staff_role::manager})) return *denied;
        dashboard_figures out;
        out.time_zone = find_merchant(db, merchant_id)->time_zone;
        // Every store's zone is a fixed offset today (calendar.hpp); China's for one it does not know.
        const auto offset = utc_offset_of(out.time_zone).value_or(std::chrono::hours(8));
        out.window = last_local_days(now, offset, days);
        const auto from = format_sql_datetime_utc(out.window.start), to = format_sql_datetime_utc(out.window.end);
        std::unordered_map<std::string, dashboard_day> found;
        for (auto& d : dashboard_days(db, merchant_id, from, to, static_cast<int>(offset.count()))) found.emplace(d.date, std::move(d));
        for (const auto& date : out.window.dates) {
            auto it = found.find(date);
            dashboard_day d = it == found.end() ? dashboard_day{} : it->second;
            d.date = date;
            add(out.totals, d);
            out.daily.push_back(std::move(d));
        }
        out.top_partners = dashboard_top_partners(db, merchant_id, from, to, top_partner_count);
        return out;
    };
    co_return co_await database_.run(std::move(read));
}

}  // namespace sharedstore
