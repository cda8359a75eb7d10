#include "server/handlers/centre_handlers.hpp"

#include "server/domain/calendar.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/payee_json.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/centre_service.hpp"

#include <limits>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object version_json(const net_share_config_version& v) {
    const auto& c = v.config;
    return json::object{{"version", v.version},
                        {"promoter_bp", c.rates.promoter_bp},
                        {"promoter_term_months", c.promoter_term_months},
                        {"assist_fee_fen", c.assist_fee_fen},
                        {"assist_min_orders", c.assist_min_orders},
                        {"county_bp", c.rates.county_bp},
                        {"city_bp", c.rates.city_bp},
                        {"province_bp", c.rates.province_bp},
                        {"set_by_user_id", v.set_by_user_id ? json::value(std::to_string(*v.set_by_user_id)) : json::value(nullptr)},
                        {"set_at", v.set_at ? json::value(format_rfc3339_seconds(*v.set_at)) : json::value(nullptr)}};
}

json::object config_json(const net_share_config_view& v) {
    json::array history;
    for (const auto& h : v.history) history.push_back(version_json(h));
    return json::object{{"in_force", version_json(v.in_force)}, {"history", std::move(history)}, {"max_shares_bp", max_shares_bp}};
}

std::chrono::sys_days day_field(body_reader& body, std::string_view name) {
    const auto text = body.required_string(name, 10, 10);
    const auto day = parse_iso_day(text);
    if (!day) throw api_error(400, "invalid_field", std::string(name) + " must be a day like 2027-01-31");
    return *day;
}

asio::awaitable<http_response> handle_config(const api_services& s, http_request&, const caller& who) {
    auto got = co_await s.centres.config(who.user_id);
    co_return http_response::json(200, config_json(unwrap(got)));
}

asio::awaitable<http_response> handle_set_config(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    // Any integer reaches the validator, which names every field out of range at once.
    constexpr auto lo = std::numeric_limits<int>::min(), hi = std::numeric_limits<int>::max();
    net_share_config c;
    c.rates.promoter_bp = static_cast<int>(body.required_int("promoter_bp", lo, hi));
    c.promoter_term_months = static_cast<int>(body.required_int("promoter_term_months", lo, hi));
    c.assist_fee_fen = body.required_int("assist_fee_fen", std::numeric_limits<std::int64_t>::min() / 2, std::numeric_limits<std::int64_t>::max() / 2);
    c.assist_min_orders = static_cast<int>(body.required_int("assist_min_orders", lo, hi));
    c.rates.county_bp = static_cast<int>(body.required_int("county_bp", lo, hi));
    c.rates.city_bp = static_cast<int>(body.required_int("city_bp", lo, hi));
    c.rates.province_bp = static_cast<int>(body.required_int("province_bp", lo, hi));
    body.finish();
    auto set = co_await s.centres.set_config(who.user_id, c);
    co_return http_response::json(200, config_json(unwrap(set)));
}

asio::awaitable<http_response> handle_list(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"level", "region", "in_force"});
    auto level = query.choice_filter("level", {"county", "city", "province"}).value_or("");
    std::string prefix;
    if (const auto it = query.filters.find("region"); it != query.filters.end()) {
        prefix = it->second;
        if (prefix.empty() || prefix.size() > 6 || prefix.find_first_not_of("0123456789") != std::string::npos)
            throw api_error(400, "invalid_query", "region must be the first digits of a region code");
    }
    const bool in_force = query.choice_filter("in_force", {"true", "false"}).value_or("false") == "true";
    auto listed = co_await s.centres.list(who.user_id, std::move(level), std::move(prefix), in_force, query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, centre_json));
}

asio::awaitable<http_response> handle_appoint(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    centre_request r;
    r.level = body.required_string("level", 4, 8);
    if (r.level != "county" && r.level != "city" && r.level != "province") throw api_error(400, "invalid_field", "level must be county, city or province");
    r.region_code = body.required_string("region_code", 6, 6);
    if (r.region_code.find_first_not_of("0123456789") != std::string::npos) throw api_error(400, "invalid_field", "region_code must be six digits");
    r.name = body.required_string("name", 1, 100);
    r.contract_reference = body.required_string("contract_reference", 1, 64);
    if (auto contact = body.optional_string("contact_user_id", 1, 20)) {
        r.contact_user_id = parse_decimal_id(*contact);
        if (!r.contact_user_id) throw api_error(400, "invalid_field", "contact_user_id must be an id (a decimal string)");
    }
    r.rate_bp = static_cast<int>(body.required_int("rate_bp", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    r.starts_on = day_field(body, "starts_on");
    r.ends_on = day_field(body, "ends_on");
    // What a scheme would pay a centre besides its region's net: accepted only to be refused by name.
    r.fee_income_bp = body.optional_int("fee_income_bp", -1'000'000, 1'000'000).value_or(0);
    r.override_bp = body.optional_int("override_bp", -1'000'000, 1'000'000).value_or(0);
    r.recruitment_reward_fen = body.optional_int("recruitment_reward_fen", -1'000'000'000'000, 1'000'000'000'000).value_or(0);
    body.finish();
    auto appointed = co_await s.centres.appoint(who.user_id, std::move(r));
    const auto& a = unwrap(appointed);
    co_return http_response::json(a.second ? 201 : 200, json::object{{"centre", centre_json(a.first)}});
}

asio::awaitable<http_response> handle_get(const api_services& s, http_request& request, const caller& who) {
    auto got = co_await s.centres.get(who.user_id, id_param(request, "centre_id", "centre"));
    co_return http_response::json(200, json::object{{"centre", centre_json(unwrap(got))}});
}

asio::awaitable<http_response> handle_terminate(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto ends = day_field(body, "ends_on");
    auto reason = body.required_string("reason", 1, 500, body_reader::lines::multi);
    body.finish();
    auto ended = co_await s.centres.terminate(who.user_id, id_param(request, "centre_id", "centre"), ends, std::move(reason));
    co_return http_response::json(200, json::object{{"centre", centre_json(unwrap(ended))}});
}

asio::awaitable<http_response> handle_mine(const api_services& s, http_request&, const caller& who) {
    auto got = co_await s.centres.mine(who.user_id);
    json::array items;
    for (const auto& c : unwrap(got)) items.push_back(centre_json(c));
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/shares/config", route_access::staff, handle_config},
    {"PUT", "/api/v1/platform/shares/config", route_access::staff, handle_set_config},
    {"GET", "/api/v1/platform/centres", route_access::staff, handle_list},
    {"POST", "/api/v1/platform/centres", route_access::staff, handle_appoint},
    {"GET", "/api/v1/platform/centres/{centre_id}", route_access::staff, handle_get},
    {"POST", "/api/v1/platform/centres/{centre_id}/terminate", route_access::staff, handle_terminate},
    {"GET", "/api/v1/me/centres", route_access::staff, handle_mine},
};

}  // namespace

std::span<const route> centre_routes() { return table; }

}  // namespace sharedstore
