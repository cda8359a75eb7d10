#include "server/handlers/share_statement_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/payee_json.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/services/share_settlement.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object detail_json(const share_statement_detail& d) {
    json::array merchants, reversals;
    for (const auto& m : d.breakdown.merchants)
        merchants.push_back(json::object{{"merchant", json::object{{"id", std::to_string(m.merchant_id)}, {"name", m.merchant_name}}},
                                         {"region_code", m.region_code.empty() ? json::value(nullptr) : json::value(m.region_code)},
                                         {"settled_fen", m.settled_fen},
                                         {"settled_orders", m.settled_orders},
                                         {"reversed_fen", m.reversed_fen},
                                         {"reversals", m.reversals}});
    for (const auto& r : d.breakdown.reversals)
        reversals.push_back(json::object{{"merchant_id", std::to_string(r.merchant_id)},
                                         {"order_id", std::to_string(r.order_id)},
                                         {"refund_id", std::to_string(r.refund_id)},
                                         {"net_fen", r.net_fen},
                                         {"rate_bp", r.rate_bp},
                                         {"recorded_at", format_rfc3339_seconds(r.recorded_at)}});
    return json::object{{"statement", share_statement_json(d.statement)}, {"merchants", std::move(merchants)}, {"reversals", std::move(reversals)}};
}

asio::awaitable<http_response> handle_list(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"payee_kind", "payee_id", "period", "state"});
    payee_ref payee{query.choice_filter("payee_kind", {"promoter", "centre"}).value_or(""), query.id_filter("payee_id").value_or(0)};
    if (payee.id != 0 && payee.kind.empty()) throw api_error(400, "invalid_query", "payee_id needs payee_kind");
    std::string period;
    if (const auto it = query.filters.find("period"); it != query.filters.end()) {
        if (!parse_statement_period(it->second, statement_utc_offset())) throw api_error(400, "invalid_query", "period must be a month like 2026-11");
        period = it->second;
    }
    auto state = query.choice_filter("state", {"due", "paid", "nothing_due"}).value_or("");
    auto listed = co_await s.payee_statements.list(who.user_id, std::move(payee), std::move(period), std::move(state), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, share_statement_json));
}

asio::awaitable<http_response> handle_issue(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto period = body.required_string("period", 1, 16);
    body.finish();
    auto issued = co_await s.payee_statements.issue(who.user_id, std::move(period));
    const auto& i = unwrap(issued);
    co_return http_response::json(200, json::object{{"period", i.period}, {"issued", i.issued}, {"existing", i.existing}, {"out_of_order", i.out_of_order}});
}

asio::awaitable<http_response> handle_pay(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    // The bank transfer's own serial number, and the payee's invoice it pays (centres invoice).
    auto reference = body.required_string("payment_reference", 1, 64);
    auto invoice = body.optional_string("invoice_number", 1, 64).value_or("");
    body.finish();
    auto paid = co_await s.payee_statements.pay(who.user_id, id_param(request, "statement_id", "statement"), std::move(reference), std::move(invoice));
    const auto& r = unwrap(paid);
    co_return http_response::json(200, json::object{{"statement", share_statement_json(r.first)}, {"replayed", !r.second}});
}

using reader = share_settlement_service::reader;

template <reader as>
asio::awaitable<http_response> handle_detail(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.payee_statements.detail(who.user_id, id_param(request, "statement_id", "statement"), as);
    co_return http_response::json(200, detail_json(unwrap(got)));
}

template <reader as>
asio::awaitable<http_response> handle_export(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"format"});
    auto format = query.choice_filter("format", {"csv", "pdf"}).value_or("csv");
    auto file = co_await s.payee_statements.export_statement(who.user_id, id_param(request, "statement_id", "statement"), std::move(format), as);
    auto& f = unwrap(file);
    auto response = http_response::text(200, std::move(f.body), f.content_type);
    response.set_header("Content-Disposition", "attachment; filename=\"" + f.filename + "\"");
    co_return response;
}

asio::awaitable<http_response> handle_mine(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto listed = co_await s.payee_statements.mine(who.user_id, query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, share_statement_json));
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/shares/statements", route_access::staff, handle_list},
    {"POST", "/api/v1/platform/shares/statements", route_access::staff, handle_issue},
    {"GET", "/api/v1/platform/shares/statements/{statement_id}", route_access::staff, handle_detail<reader::platform>},
    {"GET", "/api/v1/platform/shares/statements/{statement_id}/export", route_access::staff, handle_export<reader::platform>},
    {"POST", "/api/v1/platform/shares/statements/{statement_id}/pay", route_access::staff, handle_pay},
    {"GET", "/api/v1/me/share-statements", route_access::staff, handle_mine},
    {"GET", "/api/v1/me/share-statements/{statement_id}", route_access::staff, handle_detail<reader::payee>},
    {"GET", "/api/v1/me/share-statements/{statement_id}/export", route_access::staff, handle_export<reader::payee>},
};

}  // namespace

std::span<const route> share_statement_routes() { return table; }

}  // namespace sharedstore
