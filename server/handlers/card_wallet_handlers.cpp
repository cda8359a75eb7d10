#include "server/handlers/card_wallet_handlers.hpp"

#include "server/domain/masking.hpp"
#include "server/domain/redemption_codes.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/card_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/card_wallet_service.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t max_bill_fen = 10'000'000'000LL;  // as an order's amount

asio::awaitable<http_response> handle_my_cards(const api_services& s, http_request& request, const caller& who) {
    const auto page = read_list_query(request);
    auto listed = co_await s.cards.my_cards(who.user_id, page.before_id, page.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), page.limit, held_card_json, [](const held_card_view& v) { return v.card.id; }));
}

asio::awaitable<http_response> handle_make_card_code(const api_services& s, http_request& request, const caller& who) {
    auto made = co_await s.cards.make_code(who.user_id, id_param(request, "card_id", "held_card"));
    auto& m = unwrap(made);
    co_return http_response::json(201, json::object{{"card_id", std::to_string(m.card_id)},
                                                    {"code", m.code.digits},
                                                    {"qr_payload", m.code.qr_payload},
                                                    {"expires_at", format_rfc3339_seconds(m.code.expires_at)},
                                                    {"expires_in_s", redemption_code_lifetime.count()}});
}

// {code, request_id, bill_fen?}: the same for the desk and the POS.
redemption_request read_redemption(http_request& request, std::uint64_t merchant_id, std::optional<std::uint64_t> staff) {
    body_reader body(request);
    redemption_request r;
    r.merchant_id = merchant_id;
    r.staff_user_id = staff;
    const auto presented = body.required_string("code", 1, 64);  // the digits or the QR payload
    r.request_id = body.required_string("request_id", 8, 64);
    if (!std::all_of(r.request_id.begin(), r.request_id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        throw api_error(400, "invalid_field", "request_id holds letters, digits, '-' and '_'");
    r.bill_fen = body.optional_int("bill_fen", 1, max_bill_fen);
    body.finish();
    r.code = presented;
    return r;
}

asio::awaitable<http_response> answer(const api_services& s, redemption_request r) {
    auto redeemed = co_await s.cards.redeem(std::move(r));
    auto& v = unwrap(redeemed);
    co_return http_response::json(v.replayed ? 200 : 201, json::object{{"redemption", card_redemption_json(v.redemption, v.card)}, {"replayed", v.replayed}});
}

asio::awaitable<http_response> handle_desk_redemption(const api_services& s, http_request& request, const caller& who) {
    auto r = read_redemption(request, id_param(request, "merchant_id", "merchant"), who.user_id);
    co_return co_await answer(s, std::move(r));
}

asio::awaitable<http_response> handle_pos_redemption(const api_services& s, http_request& request, const caller& who) {
    auto r = read_redemption(request, who.merchant_id, std::nullopt);
    co_return co_await answer(s, std::move(r));
}

// ?from=&to= (RFC 3339; default the 90 days before now; to after from, at most 366 days).
std::pair<card_time, card_time> read_report_window(const list_query& query) {
    auto at = [&](std::string_view name) -> std::optional<card_time> {
        auto it = query.filters.find(name);
        if (it == query.filters.end()) return std::nullopt;
        auto t = parse_rfc3339(it->second);
        if (!t) throw api_error(400, "invalid_query", std::string(name) + " must be RFC 3339 with a zone");
        return *t;
    };
    const auto given_from = at("from"), given_to = at("to");
    const auto to = given_to.value_or(std::chrono::time_point_cast<card_time::duration>(std::chrono::system_clock::now()));
    const auto from = given_from.value_or(to - std::chrono::hours(24 * 90));
    if (to <= from || to - from > std::chrono::hours(24 * 366)) throw api_error(400, "invalid_query", "to must be after from, at most 366 days later");
    return {from, to};
}

json::object counts_json(const card_report_counts& c) {
    return json::object{{"claimed", c.claimed},
                        {"redeemed", c.redeemed},
                        {"first_purchases", c.first_purchases},
                        {"repeat_30d", c.repeat_30d},
                        {"repeat_90d", c.repeat_90d}};
}

asio::awaitable<http_response> handle_card_report(const api_services& s, http_request& request, const caller& who) {
    const auto [from, to] = read_report_window(read_list_query(request, {"from", "to"}));
    auto report = co_await s.cards.report(who.user_id, id_param(request, "merchant_id", "merchant"), from, to);
    const auto& r = unwrap(report);
    json::array partners, templates;
    for (const auto& p : r.partners) {
        auto line = counts_json(p.counts);
        line["partner_id"] = std::to_string(p.partner_id);
        line["user_id"] = std::to_string(p.user_id);
        line["phone"] = p.phone.empty() ? json::value(nullptr) : json::value(mask_phone(p.phone));
        partners.push_back(std::move(line));
    }
    for (const auto& t : r.templates) {
        auto line = counts_json(t.counts);
        line["card_template_id"] = std::to_string(t.card_template_id);
        line["title"] = t.title;
        templates.push_back(std::move(line));
    }
    co_return http_response::json(200, json::object{{"from", format_rfc3339_seconds(r.from)},
                                                    {"to", format_rfc3339_seconds(r.to)},
                                                    {"totals", counts_json(r.totals)},
                                                    {"partners", std::move(partners)},
                                                    {"templates", std::move(templates)}});
}

constexpr route table[] = {
    {"GET",  "/api/v1/me/cards",                                   route_access::user_session,  handle_my_cards},
    {"POST", "/api/v1/me/cards/{card_id}/code",                    route_access::user_session,  handle_make_card_code},
    {"POST", "/api/v1/merchants/{merchant_id}/card-redemptions",   route_access::staff,         handle_desk_redemption},
    {"POST", "/api/v1/pos/card-redemptions",                       route_access::pos_signature, handle_pos_redemption},
    {"GET",  "/api/v1/merchants/{merchant_id}/card-report",        route_access::staff,         handle_card_report},
};

}  // namespace

std::span<const route> card_wallet_routes() { return table; }

}  // namespace sharedstore
