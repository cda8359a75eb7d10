#include "server/handlers/pos_key_handlers.hpp"

#include "common/utf8.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/request_params.hpp"
#include "server/services/pos_key_service.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t max_label_characters = 64;

// Never the secret: it is in the creation answer only, beside this object.
json::object pos_key_json(const pos_key_record& k) {
    json::object out{{"id", k.key_id},
                     {"label", k.label},
                     {"created_at", format_rfc3339_seconds(k.created_at)},
                     {"created_by_user_id", std::to_string(k.created_by_user_id)}};
    out["revoked_at"] = k.revoked_at ? json::value(format_rfc3339_seconds(*k.revoked_at)) : json::value(nullptr);
    return out;
}

asio::awaitable<http_response> handle_create_api_key(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto label = body.required_string("label", 1, max_label_characters * 4);  // bytes: at most 4 a character
    body.finish();
    if (utf8_length(label) > max_label_characters)
        throw api_error(400, "invalid_field", "label must be 1 to " + std::to_string(max_label_characters) + " characters long");
    const auto merchant_id = id_param(request, "merchant_id", "merchant");  // outside the co_await: docs/coroutines.md
    auto created = co_await s.pos_keys.create(who.user_id, merchant_id, std::move(label));
    auto& c = unwrap(created);
    co_return http_response::json(201, json::object{{"api_key", pos_key_json(c.key)}, {"secret", c.secret}});
}

asio::awaitable<http_response> handle_list_api_keys(const api_services& s, http_request& request, const caller& who) {
    const auto merchant_id = id_param(request, "merchant_id", "merchant");  // outside the co_await: docs/coroutines.md
    auto listed = co_await s.pos_keys.list(who.user_id, merchant_id);
    json::array items;
    for (const auto& k : unwrap(listed)) items.push_back(pos_key_json(k));
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<http_response> handle_revoke_api_key(const api_services& s, http_request& request, const caller& who) {
    const auto merchant_id = id_param(request, "merchant_id", "merchant");  // outside the co_await: docs/coroutines.md
    auto key_id = request.path_params.at("key_id");
    auto revoked = co_await s.pos_keys.revoke(who.user_id, merchant_id, std::move(key_id));
    co_return http_response::json(200, json::object{{"api_key", pos_key_json(unwrap(revoked))}});
}

constexpr route table[] = {
    {"POST",   "/api/v1/merchants/{merchant_id}/api-keys",          route_access::staff, handle_create_api_key},
    {"GET",    "/api/v1/merchants/{merchant_id}/api-keys",          route_access::staff, handle_list_api_keys},
    {"DELETE", "/api/v1/merchants/{merchant_id}/api-keys/{key_id}", route_access::staff, handle_revoke_api_key},
};

}  // namespace

std::span<const route> pos_key_routes() { return table; }

}  // namespace sharedstore
