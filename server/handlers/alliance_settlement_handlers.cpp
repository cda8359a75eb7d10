#include "server/handlers/alliance_settlement_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/alliance_settlement.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object statement_json(const alliance_statement& s) {
    const auto net = s.amounts.net_fen();
    return json::object{{"id", std::to_string(s.id)},
                        {"merchant", json::object{{"id", std::to_string(s.merchant_id)}, {"name", s.merchant_name}}},
                        {"period", s.period},
                        {"period_start", format_rfc3339_seconds(s.period_start)},
                        {"period_end", format_rfc3339_seconds(s.period_end)},
                        {"concession_fen", s.amounts.concession_fen},
                        {"supply_fen", s.amounts.supply_fen},
                        {"reimbursement_fen", s.amounts.reimbursement_fen},
                        {"net_fen", net},
                        // Who transfers: the store when it owes more than it is owed.
                        {"payer", net > 0 ? "store" : net < 0 ? "platform" : "none"},
                        {"state", s.state},
                        {"transfer_reference", s.transfer_reference.empty() ? json::value(nullptr) : json::value(s.transfer_reference)},
                        {"settled_by_user_id", s.settled_by_user_id ? json::value(std::to_string(*s.settled_by_user_id)) : json::value(nullptr)},
                        {"created_at", format_rfc3339_seconds(s.created_at)},
                        {"settled_at", s.settled_at ? json::value(format_rfc3339_seconds(*s.settled_at)) : json::value(nullptr)}};
}

// ?period=2026-11 must name a month: anything else is a 400, never an empty list.
std::string period_filter(const list_query& query) {
    const auto it = query.filters.find("period");
    if (it == query.filters.end()) return "";
    if (!parse_statement_period(it->second, statement_utc_offset())) throw api_error(400, "invalid_query", "period must be a month like 2026-11");
    return it->second;
}

asio::awaitable<http_response> handle_list(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id", "period", "state"});
    const auto merchant = query.id_filter("merchant_id").value_or(0);
    auto period = period_filter(query);
    auto state = query.choice_filter("state", {"due", "settled"}).value_or("");
    auto listed = co_await s.settlement.list(who.user_id, merchant, std::move(period), std::move(state), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, statement_json));
}

asio::awaitable<http_response> handle_issue(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto period = body.required_string("period", 1, 16);
    body.finish();
    auto issued = co_await s.settlement.issue(who.user_id, std::move(period));
    const auto& i = unwrap(issued);
    co_return http_response::json(200, json::object{{"period", i.period}, {"issued", i.issued}, {"existing", i.existing}});
}

asio::awaitable<http_response> handle_settle(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    // The bank transfer's own reference (its serial number): what the statement was settled by.
    auto reference = body.required_string("transfer_reference", 1, 64);
    body.finish();
    auto settled = co_await s.settlement.settle(who.user_id, id_param(request, "statement_id", "statement"), std::move(reference));
    const auto& r = unwrap(settled);
    co_return http_response::json(200, json::object{{"statement", statement_json(r.first)}, {"replayed", !r.second}});
}

asio::awaitable<http_response> handle_store_statements(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto listed = co_await s.settlement.store_statements(who.user_id, id_param(request, "merchant_id", "merchant"), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, statement_json));
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/alliance/statements", route_access::staff, handle_list},
    {"POST", "/api/v1/platform/alliance/statements", route_access::staff, handle_issue},
    {"POST", "/api/v1/platform/alliance/statements/{statement_id}/settle", route_access::staff, handle_settle},
    {"GET", "/api/v1/merchants/{merchant_id}/alliance/statements", route_access::staff, handle_store_statements},
};

}  // namespace

std::span<const route> alliance_settlement_routes() { return table; }

}  // namespace sharedstore
