#include "server/handlers/share_handlers.hpp"

#include "server/handlers/auth_handlers.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/request_params.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object card_json(const share_context& c) {
    json::object card{{"kind", c.kind},        {"title", c.title},          {"benefit", c.benefit},
                      {"valid_from", c.valid_from}, {"valid_until", c.valid_until}};
    card["cover_url"] = c.cover_url.empty() ? json::value(nullptr) : json::value(c.cover_url);
    return card;
}

json::object merchant_json(const share_context& c) {
    return json::object{{"id", std::to_string(c.share.merchant_id)}, {"name", c.merchant_name}};
}

}  // namespace

void add_share_routes(router& routes, share_service& shares, session_store& sessions, std::string public_base_url) {
    routes.add("POST", "/api/v1/partners/me/cards/{card_id}/shares",
               [&shares, &sessions, public_base_url](http_request& request) -> asio::awaitable<http_response> {
                   auto caller = co_await authenticate(sessions, request);
                   auto created = co_await shares.create(caller.user_id, id_param(request, "card_id", "card_pack"));
                   auto& share = unwrap(created);
                   co_return http_response::json(
                       201, json::object{{"share_code", share.code},
                                         {"card_pack_id", std::to_string(share.card_pack_id)},
                                         {"path", share.path},
                                         {"qr_scene", share.qr_scene},
                                         {"qr_url", public_base_url + "/api/v1/shares/" + share.code + "/qr.png"}});
               });

    routes.add("DELETE", "/api/v1/partners/me/shares/{code}", [&](http_request& request) -> asio::awaitable<http_response> {
        auto caller = co_await authenticate(sessions, request);
        auto code = request.path_params.at("code");
        auto revoked = co_await shares.revoke(caller.user_id, code);
        unwrap(revoked);
        co_return http_response::json(200, json::object{{"share_code", code}, {"revoked", true}});
    });

    // Public: what a customer sees before logging in. No partner data at all.
    routes.add("GET", "/api/v1/shares/{code}", [&](http_request& request) -> asio::awaitable<http_response> {
        auto code = request.path_params.at("code");
        auto viewed = co_await shares.view(std::move(code));
        auto& v = unwrap(viewed);
        co_return http_response::json(200, json::object{{"share_code", v.context.share.code},
                                                        {"merchant", merchant_json(v.context)},
                                                        {"card", card_json(v.context)},
                                                        {"state", v.state},
                                                        {"claimable", v.state == "open"}});
    });

    routes.add("GET", "/api/v1/shares/{code}/qr.png", [&](http_request& request) -> asio::awaitable<http_response> {
        auto code = request.path_params.at("code");
        auto image = co_await shares.qr_code(std::move(code));
        if (!image) throw to_api_error(image.error());
        auto response = http_response::text(200, std::move(image.value().png), "image/png");
        // The image of a share never changes; revocation is checked on every fetch, so only a day.
        response.set_header("Cache-Control", "public, max-age=86400");
        co_return response;
    });

    routes.add("POST", "/api/v1/shares/{code}/claim", [&](http_request& request) -> asio::awaitable<http_response> {
        auto caller = co_await authenticate(sessions, request);
        auto code = request.path_params.at("code");
        auto claimed = co_await shares.claim(caller.user_id, std::move(code));
        auto& c = unwrap(claimed);
        json::object out{{"outcome", to_string(c.outcome)}, {"merchant", merchant_json(c.context)}, {"holds_card", c.holds_card}};
        out["card"] = c.holds_card ? json::value(card_json(c.context)) : json::value(nullptr);
        co_return http_response::json(200, out);
    });
}

}  // namespace sharedstore
