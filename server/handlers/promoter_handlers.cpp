#include "server/handlers/promoter_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/payee_json.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/promoter_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object view_json(const merchant_promoter_view& v) {
    json::array changes;
    for (const auto& c : v.changes)
        changes.push_back(json::object{{"from_promoter_id", c.from_promoter_id ? json::value(std::to_string(*c.from_promoter_id)) : json::value(nullptr)},
                                       {"to_promoter_id", std::to_string(c.to_promoter_id)},
                                       {"source", c.source},
                                       {"reason", c.reason},
                                       {"changed_by_user_id", std::to_string(c.changed_by_user_id)},
                                       {"changed_at", format_rfc3339_seconds(c.changed_at)}});
    return json::object{{"merchant_id", std::to_string(v.merchant_id)},
                        {"binding", v.binding ? json::value(binding_json(*v.binding)) : json::value(nullptr)},
                        {"changes", std::move(changes)}};
}

json::object profile_json(const promoter_profile& p) {
    json::array merchants;
    for (const auto& b : p.merchants) merchants.push_back(binding_json(b));
    return json::object{{"promoter", promoter_json(p.promoter)}, {"merchants", std::move(merchants)}};
}

asio::awaitable<http_response> handle_list(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto listed = co_await s.promoters.list(who.user_id, query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, promoter_json));
}

asio::awaitable<http_response> handle_create(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto user = body.required_id("user_id");
    auto name = body.required_string("name", 1, 64);
    body.finish();
    auto created = co_await s.promoters.create(who.user_id, user, std::move(name));
    co_return http_response::json(201, json::object{{"promoter", promoter_json(unwrap(created))}});
}

asio::awaitable<http_response> handle_profile(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.promoters.profile(who.user_id, id_param(request, "promoter_id", "promoter"));
    co_return http_response::json(200, profile_json(unwrap(got)));
}

asio::awaitable<http_response> handle_merchant(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.promoters.merchant(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, view_json(unwrap(got)));
}

asio::awaitable<http_response> handle_assign(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto promoter = body.required_id("promoter_id");
    auto reason = body.required_string("reason", 1, 500, body_reader::lines::multi);
    body.finish();
    auto assigned = co_await s.promoters.assign(who.user_id, id_param(request, "merchant_id", "merchant"), promoter, std::move(reason));
    co_return http_response::json(200, view_json(unwrap(assigned)));
}

asio::awaitable<http_response> handle_store(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.promoters.store_promoter(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, view_json(unwrap(got)));
}

asio::awaitable<http_response> handle_bind(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto code = body.required_string("invite_code", 8, 8);
    body.finish();
    // People type codes: upper case, as drawn.
    for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto bound = co_await s.promoters.bind(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(code));
    const auto& r = unwrap(bound);
    co_return http_response::json(r.second ? 201 : 200, view_json(r.first));
}

asio::awaitable<http_response> handle_mine(const api_services& s, http_request&, const caller& who) {
    auto got = co_await s.promoters.mine(who.user_id);
    co_return http_response::json(200, profile_json(unwrap(got)));
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/promoters", route_access::staff, handle_list},
    {"POST", "/api/v1/platform/promoters", route_access::staff, handle_create},
    {"GET", "/api/v1/platform/promoters/{promoter_id}", route_access::staff, handle_profile},
    {"GET", "/api/v1/platform/merchants/{merchant_id}/promoter", route_access::staff, handle_merchant},
    {"PUT", "/api/v1/platform/merchants/{merchant_id}/promoter", route_access::staff, handle_assign},
    {"GET", "/api/v1/merchants/{merchant_id}/promoter", route_access::staff, handle_store},
    {"POST", "/api/v1/merchants/{merchant_id}/promoter", route_access::staff, handle_bind},
    {"GET", "/api/v1/me/promoter", route_access::staff, handle_mine},
};

}  // namespace

std::span<const route> promoter_routes() { return table; }

}  // namespace sharedstore
