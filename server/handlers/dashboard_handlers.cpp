#include "server/handlers/dashboard_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/request_params.hpp"
#include "server/services/dashboard_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object day_json(const dashboard_day& d) {
    json::object out{{"orders", d.orders},
                     {"sales_fen", d.sales_fen},
                     {"profit_fen", d.profit_fen},
                     {"refunds_fen", d.refunds_fen},
                     {"dividends_fen", d.dividends_fen},
                     {"dividends_pending_fen", d.dividends_pending_fen},
                     {"dividends_settled_fen", d.dividends_settled_fen},
                     {"new_customers", d.new_customers}};
    if (!d.date.empty()) out["date"] = d.date;
    return out;
}

asio::awaitable<http_response> handle_dashboard(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"days"});
    const int days = std::stoi(query.choice_filter("days", {"1", "7", "30"}).value_or("7"));
    auto figures = co_await s.dashboard.figures(who.user_id, id_param(request, "merchant_id", "merchant"), days);
    const auto& f = unwrap(figures);
    json::array daily, partners;
    for (const auto& d : f.daily) daily.push_back(day_json(d));
    for (const auto& p : f.top_partners)
        partners.push_back(json::object{{"partner_id", std::to_string(p.partner_id)},
                                        {"user_id", std::to_string(p.user_id)},
                                        {"orders", p.orders},
                                        {"sales_fen", p.sales_fen},
                                        {"dividends_fen", p.dividends_fen}});
    co_return http_response::json(200, json::object{{"days", days},
                                                    {"time_zone", f.time_zone},
                                                    {"from", format_rfc3339_seconds(f.window.start)},
                                                    {"to", format_rfc3339_seconds(f.window.end)},
                                                    {"totals", day_json(f.totals)},
                                                    {"daily", std::move(daily)},
                                                    {"top_partners", std::move(partners)}});
}

constexpr route table[] = {
    {"GET", "/api/v1/merchants/{merchant_id}/dashboard", route_access::staff, handle_dashboard},
};

}  // namespace

std::span<const route> dashboard_routes() { return table; }

}  // namespace sharedstore
