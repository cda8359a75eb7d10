#include "server/handlers/alliance_supply_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/alliance_supply.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A bill of up to 10 billion yuan: sane, and far inside int64 with the cap's arithmetic.
constexpr std::int64_t max_supply_fen = 1'000'000'000'000LL;

json::value optional_time(const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? json::value(format_rfc3339_seconds(*t)) : json::value(nullptr);
}

json::value optional_id(const std::optional<std::uint64_t>& id) { return id ? json::value(std::to_string(*id)) : json::value(nullptr); }

json::object supply_json(const supply_order& o) {
    return json::object{{"id", std::to_string(o.id)},
                        {"merchant", json::object{{"id", std::to_string(o.merchant_id)}, {"name", o.merchant_name}}},
                        {"reference", o.reference},
                        {"description", o.description},
                        {"amount_fen", o.amount_fen},
                        {"state", o.state},
                        {"voucher_fen", o.voucher_fen},
                        {"money_fen", o.state == "open" || o.state == "cancelled" ? json::value(nullptr) : json::value(o.amount_fen - o.voucher_fen)},
                        {"voucher_max_bp", o.voucher_max_bp ? json::value(*o.voucher_max_bp) : json::value(nullptr)},
                        {"issued_by_user_id", std::to_string(o.issued_by_user_id)},
                        {"paid_by_user_id", optional_id(o.paid_by_user_id)},
                        {"ended_by_user_id", optional_id(o.ended_by_user_id)},
                        {"end_reason", o.end_reason.empty() ? json::value(nullptr) : json::value(o.end_reason)},
                        {"created_at", format_rfc3339_seconds(o.created_at)},
                        {"paid_at", optional_time(o.paid_at)},
                        {"ended_at", optional_time(o.ended_at)}};
}

std::string state_filter(const list_query& query) {
    return query.choice_filter("state", {"open", "paid", "cancelled", "refunded"}).value_or("");
}

asio::awaitable<http_response> handle_issue(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    supply_order_request r;
    r.merchant_id = body.required_id("merchant_id");
    r.reference = body.required_string("reference", 1, 64);
    r.description = body.required_string("description", 1, 200);
    r.amount_fen = body.required_int("amount_fen", 1, max_supply_fen);
    body.finish();
    auto issued = co_await s.supply.issue(who.user_id, std::move(r));
    const auto& o = unwrap(issued);
    // 201 when this call issued it; 200 for the same bill issued before (a retry).
    co_return http_response::json(o.changed ? 201 : 200, json::object{{"supply_order", supply_json(o.order)}});
}

asio::awaitable<http_response> handle_list(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id", "state"});
    const auto merchant = query.id_filter("merchant_id").value_or(0);
    auto state = state_filter(query);
    auto orders = co_await s.supply.list(who.user_id, merchant, std::move(state), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(orders), query.limit, supply_json));
}

asio::awaitable<http_response> end_order(const api_services& s, http_request& request, const caller& who, bool refund) {
    body_reader body(request);
    // Why the bill ends is the audit's point: required.
    auto reason = body.required_string("reason", 1, 500);
    body.finish();
    const auto id = id_param(request, "supply_order_id", "supply_order");
    service_result<supply_outcome> ended = failure(service_failure::supply_order_not_found);
    if (refund) ended = co_await s.supply.refund(who.user_id, id, std::move(reason));
    else ended = co_await s.supply.cancel(who.user_id, id, std::move(reason));
    co_return http_response::json(200, json::object{{"supply_order", supply_json(unwrap(ended).order)}});
}

asio::awaitable<http_response> handle_cancel(const api_services& s, http_request& request, const caller& who) {
    co_return co_await end_order(s, request, who, false);
}

asio::awaitable<http_response> handle_refund(const api_services& s, http_request& request, const caller& who) {
    co_return co_await end_order(s, request, who, true);
}

asio::awaitable<http_response> handle_store_orders(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"state"});
    auto state = state_filter(query);
    auto view = co_await s.supply.store_orders(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(state), query.before_id,
                                               query.limit + 1);
    const auto& v = unwrap(view);
    auto page = page_json(v.orders, query.limit, supply_json);
    page["supply_voucher_max_bp"] = v.supply_voucher_max_bp;
    page["vouchers_spendable_fen"] = v.vouchers_spendable_fen;
    page["supply_owed_fen"] = v.supply_owed_fen;
    page["voucher_debt_fen"] = v.voucher_debt_fen;
    co_return http_response::json(200, std::move(page));
}

asio::awaitable<http_response> handle_pay(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto voucher = body.required_int("voucher_fen", 0, max_supply_fen);
    body.finish();
    auto paid = co_await s.supply.pay(who.user_id, id_param(request, "merchant_id", "merchant"), id_param(request, "supply_order_id", "supply_order"),
                                      voucher);
    co_return http_response::json(200, json::object{{"supply_order", supply_json(unwrap(paid).order)}});
}

constexpr route table[] = {
    {"POST", "/api/v1/platform/alliance/supply-orders", route_access::staff, handle_issue},
    {"GET", "/api/v1/platform/alliance/supply-orders", route_access::staff, handle_list},
    {"POST", "/api/v1/platform/alliance/supply-orders/{supply_order_id}/cancel", route_access::staff, handle_cancel},
    {"POST", "/api/v1/platform/alliance/supply-orders/{supply_order_id}/refund", route_access::staff, handle_refund},
    {"GET", "/api/v1/merchants/{merchant_id}/alliance/supply-orders", route_access::staff, handle_store_orders},
    {"POST", "/api/v1/merchants/{merchant_id}/alliance/supply-orders/{supply_order_id}/pay", route_access::staff, handle_pay},
};

}  // namespace

std::span<const route> alliance_supply_routes() { return table; }

}  // namespace sharedstore
