#include "server/handlers/partner_handlers.hpp"

#include "server/domain/masking.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/partner_service.hpp"

#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::value optional_text(const std::string& text) { return text.empty() ? json::value(nullptr) : json::value(text); }

json::value tier_json(const std::optional<share_tier>& tier) {
    if (!tier) return nullptr;
    return json::object{{"name", tier->name}, {"buy_in_fen", tier->buy_in_fen}, {"ratio_bp", tier->ratio_bp}};
}

json::object partner_json(const partner_record& p, const std::optional<share_tier>& tier) {
    return json::object{{"id", std::to_string(p.id)},
                        {"merchant", json::object{{"id", std::to_string(p.merchant_id)}, {"name", p.merchant_name}}},
                        {"user_id", std::to_string(p.user_id)},
                        {"phone", optional_text(p.phone.empty() ? "" : mask_phone(p.phone))},
                        {"status", to_string(p.status)},
                        {"status_note", optional_text(p.status_note)},
                        {"inactive_dividends", to_string(p.when_inactive)},
                        {"tier", tier_json(tier)},
                        {"total_buy_in_fen", p.total_buy_in_fen},
                        {"stored_value_fen", p.stored_value_fen},
                        {"lead_count", p.lead_count},
                        {"created_at", format_rfc3339_seconds(p.created_at)}};
}

json::object pack_json(const card_pack_record& k) {
    return json::object{{"id", std::to_string(k.id)},
                        {"merchant", json::object{{"id", std::to_string(k.merchant_id)}, {"name", k.merchant_name}}},
                        {"partner_id", std::to_string(k.partner_id)},
                        {"card", json::object{{"template_id", std::to_string(k.card_template_id)},
                                              {"kind", k.kind},
                                              {"title", k.title},
                                              {"benefit", k.benefit},
                                              {"cover_url", optional_text(k.cover_url)},
                                              {"valid_from", format_rfc3339_seconds(k.valid_from)},
                                              {"valid_until", format_rfc3339_seconds(k.valid_until)}}},
                        {"quota", k.quota},
                        {"claimed", k.claimed},
                        {"quota_left", k.quota - k.claimed},
                        {"created_at", format_rfc3339_seconds(k.created_at)}};
}

json::object detail_json(const partner_detail& d) {
    json::array buy_ins, packs;
    for (const auto& b : d.buy_ins)
        buy_ins.push_back(json::object{{"id", std::to_string(b.id)},
                                       {"amount_fen", b.amount_fen},
                                       {"method", b.method},
                                       {"note", optional_text(b.note)},
                                       {"recorded_by_user_id", b.recorded_by_user_id ? json::value(std::to_string(b.recorded_by_user_id)) : json::value(nullptr)},
                                       {"created_at", format_rfc3339_seconds(b.created_at)}});
    for (const auto& k : d.packs) packs.push_back(pack_json(k));
    auto out = partner_json(d.partner, d.tier);
    out["buy_ins"] = std::move(buy_ins);
    out["card_packs"] = std::move(packs);
    return out;
}

// A lead as the store sees it (customer id, masked phone) or as the partner sees it (the same;
// the partner never gets more than the store).
json::object lead_json(const lead_record& l) {
    return json::object{{"customer", json::object{{"user_id", std::to_string(l.customer_user_id)},
                                                  {"phone", optional_text(l.customer_phone.empty() ? "" : mask_phone(l.customer_phone))}}},
                        {"merchant", json::object{{"id", std::to_string(l.merchant_id)}, {"name", l.merchant_name}}},
                        {"partner_id", std::to_string(l.partner_id)},
                        {"bound_at", format_rfc3339_seconds(l.bound_at)},
                        {"last_purchase_at", l.last_purchase_at ? json::value(format_rfc3339_seconds(*l.last_purchase_at)) : json::value(nullptr)}};
}

json::object change_json(const lead_change_record& c) {
    return json::object{{"id", std::to_string(c.id)},
                        {"customer_user_id", std::to_string(c.customer_user_id)},
                        {"previous_partner_id", c.previous_partner_id ? json::value(std::to_string(*c.previous_partner_id)) : json::value(nullptr)},
                        {"partner_id", std::to_string(c.partner_id)},
                        {"reason", c.reason},
                        {"actor_user_id", std::to_string(c.actor_user_id)},
                        {"note", optional_text(c.note)},
                        {"created_at", format_rfc3339_seconds(c.created_at)}};
}

cash_buy_in read_cash_buy_in(body_reader& body) {
    cash_buy_in payment;
    // Up to 100 million yuan: a sanity bound, far above any tier.
    payment.amount_fen = body.required_int("amount_fen", 1, 10'000'000'000LL);
    payment.note = body.optional_string("note", 0, 200).value_or("");
    payment.request_id = body.optional_string("request_id", 8, 64).value_or("");
    for (char c : payment.request_id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            throw api_error(400, "invalid_field", "request_id holds letters, digits, '-' and '_'");
    return payment;
}

asio::awaitable<http_response> handle_enrol_partner(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto user_id = body.required_id("user_id");
    auto payment = read_cash_buy_in(body);
    body.finish();
    auto enrolled = co_await s.partners.enrol(who.user_id, id_param(request, "merchant_id", "merchant"), user_id, std::move(payment));
    auto& d = unwrap(enrolled);
    co_return http_response::json(d.replayed ? 200 : 201, json::object{{"partner", detail_json(d)}, {"replayed", d.replayed}});
}

asio::awaitable<http_response> handle_list_partners(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"status"});
    auto status = query.choice_filter("status", {"active", "paused", "ended"});
    auto listed = co_await s.partners.partners(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(status),
                                             query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, [](const partner_list_item& i) { return partner_json(i.partner, i.tier); },
                                                 [](const partner_list_item& i) { return i.partner.id; }));
}

asio::awaitable<http_response> handle_get_partner(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.partners.partner(who.user_id, id_param(request, "merchant_id", "merchant"),
                                           id_param(request, "partner_id", "partner"));
    co_return http_response::json(200, json::object{{"partner", detail_json(unwrap(found))}});
}

asio::awaitable<http_response> handle_change_partner_status(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    status_change change;
    const auto status = parse_partner_status(body.required_string("status", 1, 16));
    const auto when_inactive = body.optional_string("inactive_dividends", 1, 16);
    change.note = body.optional_string("note", 0, 200).value_or("");
    body.finish();
    if (!status) throw api_error(400, "invalid_field", "status is active, paused or ended");
    change.status = *status;
    if (when_inactive) {
        change.when_inactive = parse_inactive_dividends(*when_inactive);
        if (!change.when_inactive) throw api_error(400, "invalid_field", "inactive_dividends is keep_paying or stop");
    }
    auto changed = co_await s.partners.change_status(who.user_id, id_param(request, "merchant_id", "merchant"),
                                                   id_param(request, "partner_id", "partner"), std::move(change));
    co_return http_response::json(200, json::object{{"partner", detail_json(unwrap(changed))}});
}

asio::awaitable<http_response> handle_record_buy_in(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto payment = read_cash_buy_in(body);
    body.finish();
    auto topped = co_await s.partners.top_up(who.user_id, id_param(request, "merchant_id", "merchant"),
                                           id_param(request, "partner_id", "partner"), std::move(payment));
    auto& d = unwrap(topped);
    co_return http_response::json(d.replayed ? 200 : 201, json::object{{"partner", detail_json(d)}, {"replayed", d.replayed}});
}

asio::awaitable<http_response> handle_issue_card_pack(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto template_id = body.required_id("card_template_id");
    const auto quota = static_cast<int>(body.optional_int("quota", 1, max_pack_quota).value_or(default_pack_quota));
    body.finish();
    auto issued = co_await s.partners.issue_pack(who.user_id, id_param(request, "merchant_id", "merchant"),
                                               id_param(request, "partner_id", "partner"), template_id, quota);
    co_return http_response::json(201, json::object{{"card_pack", pack_json(unwrap(issued))}});
}

asio::awaitable<http_response> handle_list_leads(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"partner_id", "customer_user_id"});
    lead_filter filter;
    filter.partner_id = query.id_filter("partner_id").value_or(0);
    filter.customer_user_id = query.id_filter("customer_user_id").value_or(0);
    auto listed = co_await s.partners.leads(who.user_id, id_param(request, "merchant_id", "merchant"), filter, query.before_id,
                                          query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, lead_json));
}

asio::awaitable<http_response> handle_reassign_lead(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto partner_id = body.required_id("partner_id");
    auto reason = body.required_string("reason", 1, 200);
    body.finish();
    auto moved = co_await s.partners.reassign(who.user_id, id_param(request, "merchant_id", "merchant"),
                                            id_param(request, "customer_user_id", "user"), partner_id, std::move(reason));
    co_return http_response::json(200, json::object{{"lead", lead_json(unwrap(moved))}});
}

asio::awaitable<http_response> handle_lead_history(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"partner_id", "customer_user_id"});
    auto listed = co_await s.partners.lead_history(who.user_id, id_param(request, "merchant_id", "merchant"),
                                                 query.id_filter("customer_user_id").value_or(0), query.id_filter("partner_id").value_or(0),
                                                 query.before_id, query.limit + 1);
    co_return http_response::json(200,
                                  page_json(unwrap(listed), query.limit, change_json));
}

asio::awaitable<http_response> handle_my_memberships(const api_services& s, http_request&, const caller& who) {
    auto memberships = co_await s.partners.memberships(who.user_id);
    json::array items;
    for (const auto& m : memberships) items.push_back(partner_json(m.partner, m.tier));
    co_return http_response::json(200, json::object{{"memberships", std::move(items)}});
}

asio::awaitable<http_response> handle_my_card_packs(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto packs = co_await s.partners.my_packs(who.user_id, query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(packs, query.limit, pack_json));
}

asio::awaitable<http_response> handle_my_customers(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id"});
    auto leads = co_await s.partners.my_customers(who.user_id, query.id_filter("merchant_id").value_or(0), query.before_id,
                                                query.limit + 1);
    co_return http_response::json(200, page_json(leads, query.limit, lead_json));
}

constexpr route table[] = {
    {"POST",  "/api/v1/merchants/{merchant_id}/partners",                         route_access::staff,        handle_enrol_partner},
    {"GET",   "/api/v1/merchants/{merchant_id}/partners",                         route_access::staff,        handle_list_partners},
    {"GET",   "/api/v1/merchants/{merchant_id}/partners/{partner_id}",            route_access::staff,        handle_get_partner},
    {"PATCH", "/api/v1/merchants/{merchant_id}/partners/{partner_id}",            route_access::staff,        handle_change_partner_status},
    {"POST",  "/api/v1/merchants/{merchant_id}/partners/{partner_id}/buy-ins",    route_access::staff,        handle_record_buy_in},
    {"POST",  "/api/v1/merchants/{merchant_id}/partners/{partner_id}/card-packs", route_access::staff,        handle_issue_card_pack},
    {"GET",   "/api/v1/merchants/{merchant_id}/leads",                            route_access::staff,        handle_list_leads},
    {"PUT",   "/api/v1/merchants/{merchant_id}/leads/{customer_user_id}",         route_access::staff,        handle_reassign_lead},
    {"GET",   "/api/v1/merchants/{merchant_id}/lead-history",                     route_access::staff,        handle_lead_history},
    {"GET",   "/api/v1/partners/me",                                              route_access::user_session, handle_my_memberships},
    {"GET",   "/api/v1/partners/me/cards",                                        route_access::user_session, handle_my_card_packs},
    {"GET",   "/api/v1/partners/me/customers",                                    route_access::user_session, handle_my_customers},
};

}  // namespace

std::span<const route> partner_routes() { return table; }

}  // namespace sharedstore
