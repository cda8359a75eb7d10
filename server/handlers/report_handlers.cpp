#include "server/handlers/report_handlers.hpp"

#include "common/clock.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/order_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/report_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object check(const char* name, std::int64_t business, std::int64_t ledger) {
    return json::object{{"name", name}, {"business_fen", business}, {"ledger_fen", ledger}, {"balanced", business == ledger}};
}

asio::awaitable<http_response> handle_my_dividends(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id", "state"});
    auto state = query.choice_filter("state", {"pending", "settled"}).value_or("");
    auto listed = co_await s.reports.my_dividends(who.user_id, query.id_filter("merchant_id").value_or(0), std::move(state), query.before_id,
                                                query.limit + 1);
    co_return http_response::json(200, page_json(listed, query.limit, dividend_json));
}

asio::awaitable<http_response> handle_my_summary(const api_services& s, http_request&, const caller& who) {
    auto summary = co_await s.reports.my_summary(who.user_id);
    json::array stored;
    for (const auto& line : summary.stored_value)
        stored.push_back(json::object{{"merchant", json::object{{"id", std::to_string(line.merchant_id)}, {"name", line.merchant_name}}},
                                      {"balance_fen", line.balance_fen}});
    const auto& d = summary.dividends;
    co_return http_response::json(200, json::object{{"dividends", json::object{{"today_fen", d.today},
                                                                              {"this_month_fen", d.this_month},
                                                                              {"total_fen", d.total},
                                                                              {"pending_fen", d.pending},
                                                                              {"settled_fen", d.settled}}},
                                                    {"stored_value", std::move(stored)},
                                                    {"time_zone", "Asia/Shanghai"}});
}

asio::awaitable<http_response> handle_list_orders(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"status"});
    auto status = query.choice_filter("status", {"created", "paid", "closed"}).value_or("");
    auto listed = co_await s.reports.orders(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(status), query.before_id,
                                          query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, order_json));
}

asio::awaitable<http_response> handle_dividends_by_partner(const api_services& s, http_request& request, const caller& who) {
    auto [from, to] = read_period(read_list_query(request, {"from", "to"}));
    auto listed = co_await s.reports.dividends_by_partner(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(from), std::move(to));
    json::array items;
    for (const auto& line : unwrap(listed))
        items.push_back(json::object{{"partner_id", std::to_string(line.partner_id)},
                                     {"partner_user_id", std::to_string(line.partner_user_id)},
                                     {"orders", line.orders},
                                     {"dividend_fen", line.dividend_fen},
                                     {"reversed_fen", line.reversed_fen},
                                     {"net_fen", line.dividend_fen - line.reversed_fen},
                                     {"pending_fen", line.pending_fen}});
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<http_response> handle_reconciliation(const api_services& s, http_request& request, const caller& who) {
    auto [from, to] = read_period(read_list_query(request, {"from", "to"}));
    auto figures = co_await s.reports.reconciliation(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(from), std::move(to));
    const auto& r = unwrap(figures);
    // Each business total against the same movement in the ledger.
    json::array checks{check("sales", r.purchases_fen - r.refunds_fen, r.ledger_sales_fen),
                       check("dividends", r.dividends_fen - r.reversals_fen, r.ledger_dividend_expense_fen),
                       check("stored_value", r.buy_ins_fen - r.buy_in_refunds_fen - r.purchases_stored_value_fen + r.stored_value_refunds_fen,
                             r.ledger_stored_value_fen)};
    bool balanced = true;
    for (const auto& c : checks) balanced = balanced && c.as_object().at("balanced").as_bool();
    co_return http_response::json(
        200, json::object{{"paid_orders", r.paid_orders},
                          {"purchases_fen", r.purchases_fen},
                          {"purchases_by_source_fen", json::object{{"wechat_pay", r.purchases_wechat_fen},
                                                                   {"stored_value", r.purchases_stored_value_fen},
                                                                   {"pos", r.purchases_pos_fen}}},
                          {"refunds_fen", r.refunds_fen},
                          {"profit_fen", r.profit_fen},
                          {"dividends_fen", r.dividends_fen},
                          {"reversals_fen", r.reversals_fen},
                          {"buy_ins_fen", r.buy_ins_fen},
                          {"buy_in_refunds_fen", r.buy_in_refunds_fen},
                          {"checks", std::move(checks)},
                          {"balanced", balanced}});
}

json::object anomaly_json(const payment_anomaly_record& a) {
    return json::object{{"id", std::to_string(a.id)},
                        {"kind", to_string(a.kind)},
                        {"order_id", a.order_id ? json::value(std::to_string(*a.order_id)) : json::value(nullptr)},
                        {"out_trade_no", a.out_trade_no.empty() ? json::value(nullptr) : json::value(a.out_trade_no)},
                        {"reference", a.reference},
                        {"detail", a.detail},
                        {"created_at", format_rfc3339_seconds(a.created_at)}};
}

asio::awaitable<http_response> handle_payment_anomalies(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto listed = co_await s.reports.payment_anomalies(who.user_id, id_param(request, "merchant_id", "merchant"), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, anomaly_json));
}

constexpr route table[] = {
    {"GET", "/api/v1/partners/me/dividends",                  route_access::user_session, handle_my_dividends},
    {"GET", "/api/v1/partners/me/summary",                    route_access::user_session, handle_my_summary},
    {"GET", "/api/v1/merchants/{merchant_id}/orders",         route_access::staff,        handle_list_orders},
    {"GET", "/api/v1/merchants/{merchant_id}/dividends",      route_access::staff,        handle_dividends_by_partner},
    {"GET", "/api/v1/merchants/{merchant_id}/reconciliation", route_access::staff,        handle_reconciliation},
    {"GET", "/api/v1/merchants/{merchant_id}/payment-anomalies", route_access::staff,     handle_payment_anomalies},
};

}  // namespace

std::span<const route> report_routes() { return table; }

}  // namespace sharedstore
