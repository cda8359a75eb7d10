#include "server/handlers/share_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/request_params.hpp"
#include "server/services/share_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object card_json(const share_context& c) {
    json::object card{{"kind", c.kind},        {"title", c.title},          {"benefit", c.benefit},
                      {"valid_from", format_rfc3339_seconds(c.valid_from_time)}, {"valid_until", format_rfc3339_seconds(c.valid_until_time)}};
    card["cover_url"] = c.cover_url.empty() ? json::value(nullptr) : json::value(c.cover_url);
    return card;
}

json::object merchant_json(const share_context& c) {
    return json::object{{"id", std::to_string(c.share.merchant_id)}, {"name", c.merchant_name}};
}

asio::awaitable<http_response> handle_create_share(const api_services& s, http_request& request, const caller& who) {
    auto created = co_await s.shares.create(who.user_id, id_param(request, "card_id", "card_pack"));
    auto& share = unwrap(created);
    co_return http_response::json(201, json::object{{"share_code", share.code},
                                                    {"card_pack_id", std::to_string(share.card_pack_id)},
                                                    {"path", share.path},
                                                    {"qr_scene", share.qr_scene},
                                                    {"qr_url", s.public_base_url + "/api/v1/shares/" + share.code + "/qr.png"}});
}

asio::awaitable<http_response> handle_revoke_share(const api_services& s, http_request& request, const caller& who) {
    auto code = request.path_params.at("code");
    auto revoked = co_await s.shares.revoke(who.user_id, code);
    unwrap(revoked);
    co_return http_response::json(200, json::object{{"share_code", code}, {"revoked", true}});
}

// Public: what a customer sees before logging in. No partner data at all.
asio::awaitable<http_response> handle_view_share(const api_services& s, http_request& request, const caller&) {
    auto code = request.path_params.at("code");
    auto viewed = co_await s.shares.view(std::move(code));
    auto& v = unwrap(viewed);
    co_return http_response::json(200, json::object{{"share_code", v.context.share.code},
                                                    {"merchant", merchant_json(v.context)},
                                                    {"card", card_json(v.context)},
                                                    {"state", to_string(v.state)},
                                                    {"claimable", v.state == share_state::open}});
}

asio::awaitable<http_response> handle_share_qr_code(const api_services& s, http_request& request, const caller&) {
    auto code = request.path_params.at("code");
    auto image = co_await s.shares.qr_code(std::move(code));
    if (!image) throw to_api_error(image.error());
    auto response = http_response::text(200, std::move(image.value().png), "image/png");
    // The image of a share never changes; revocation is checked on every fetch, so only a day.
    response.set_header("Cache-Control", "public, max-age=86400");
    co_return response;
}

asio::awaitable<http_response> handle_claim_share(const api_services& s, http_request& request, const caller& who) {
    auto code = request.path_params.at("code");
    auto claimed = co_await s.shares.claim(who.user_id, std::move(code));
    auto& c = unwrap(claimed);
    json::object out{{"outcome", to_string(c.outcome)}, {"merchant", merchant_json(c.context)}, {"holds_card", c.holds_card}};
    out["card"] = c.holds_card ? json::value(card_json(c.context)) : json::value(nullptr);
    co_return http_response::json(200, out);
}

// Share links are public by design: the code is the secret (docs/access-control.md).
constexpr route table[] = {
    {"POST",   "/api/v1/partners/me/cards/{card_id}/shares", route_access::user_session, handle_create_share},
    {"DELETE", "/api/v1/partners/me/shares/{code}",          route_access::user_session, handle_revoke_share},
    {"GET",    "/api/v1/shares/{code}",                      route_access::none,         handle_view_share},
    {"GET",    "/api/v1/shares/{code}/qr.png",               route_access::none,         handle_share_qr_code},
    {"POST",   "/api/v1/shares/{code}/claim",                route_access::user_session, handle_claim_share},
};

}  // namespace

std::span<const route> share_routes() { return table; }

}  // namespace sharedstore
