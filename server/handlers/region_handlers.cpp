#include "server/handlers/region_handlers.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/payee_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/region_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object view_json(const merchant_region_view& v) {
    json::array chain, changes;
    for (const auto& r : v.chain) chain.push_back(json::object{{"code", r.code}, {"level", r.level}, {"name", r.name}});
    for (const auto& c : v.changes)
        changes.push_back(json::object{{"from_code", c.from_code ? json::value(*c.from_code) : json::value(nullptr)},
                                       {"to_code", c.to_code},
                                       {"reason", c.reason},
                                       {"changed_by_user_id", std::to_string(c.changed_by_user_id)},
                                       {"changed_at", format_rfc3339_seconds(c.changed_at)}});
    return json::object{{"merchant_id", std::to_string(v.merchant_id)},
                        {"region_code", v.code ? json::value(*v.code) : json::value(nullptr)},
                        {"chain", std::move(chain)},
                        {"changes", std::move(changes)}};
}

// A code is six digits: anything else is a 400 before any lookup.
std::string region_code_field(body_reader& body) {
    auto code = body.required_string("region_code", 6, 6);
    for (char c : code)
        if (c < '0' || c > '9') throw api_error(400, "invalid_field", "region_code must be six digits (GB/T 2260)");
    return code;
}

asio::awaitable<http_response> handle_regions(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"parent"});
    std::string parent;
    if (const auto it = query.filters.find("parent"); it != query.filters.end()) {
        parent = it->second;
        if (parent.size() != 6 || parent.find_first_not_of("0123456789") != std::string::npos)
            throw api_error(400, "invalid_query", "parent must be a six-digit region code");
    }
    auto listed = co_await s.regions.list(who.user_id, std::move(parent));
    const auto& l = unwrap(listed);
    json::array items;
    for (const auto& r : l.children) {
        auto item = region_json(r);
        json::array centres;
        for (const auto& c : l.centres)
            if (c.region_code == r.code) centres.push_back(centre_json(c));
        item["centres"] = std::move(centres);
        items.push_back(std::move(item));
    }
    co_return http_response::json(200, json::object{{"parent", l.parent ? json::value(region_json(*l.parent)) : json::value(nullptr)}, {"items", std::move(items)}});
}

asio::awaitable<http_response> handle_merchant_region(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.regions.merchant(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, view_json(unwrap(got)));
}

asio::awaitable<http_response> handle_change_region(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto code = region_code_field(body);
    auto reason = body.required_string("reason", 1, 500, body_reader::lines::multi);
    body.finish();
    auto changed = co_await s.regions.change(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(code), std::move(reason));
    co_return http_response::json(200, view_json(unwrap(changed)));
}

asio::awaitable<http_response> handle_store_region(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.regions.store_region(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, view_json(unwrap(got)));
}

asio::awaitable<http_response> handle_set_store_region(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto code = region_code_field(body);
    body.finish();
    auto set = co_await s.regions.set_store_region(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(code));
    const auto& r = unwrap(set);
    co_return http_response::json(r.second ? 201 : 200, view_json(r.first));
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/regions", route_access::staff, handle_regions},
    {"GET", "/api/v1/platform/merchants/{merchant_id}/region", route_access::staff, handle_merchant_region},
    {"PUT", "/api/v1/platform/merchants/{merchant_id}/region", route_access::staff, handle_change_region},
    {"GET", "/api/v1/merchants/{merchant_id}/region", route_access::staff, handle_store_region},
    {"PUT", "/api/v1/merchants/{merchant_id}/region", route_access::staff, handle_set_store_region},
};

}  // namespace

std::span<const route> region_routes() { return table; }

}  // namespace sharedstore
