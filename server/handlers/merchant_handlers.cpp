#include "server/handlers/merchant_handlers.hpp"

#include "server/domain/masking.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/card_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/tier_preview_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::object merchant_json(const merchant_record& m) {
    json::object out{{"id", std::to_string(m.id)},
                     {"name", m.name},
                     {"owner_user_id", std::to_string(m.owner_user_id)},
                     {"time_zone", m.time_zone},
                     {"allow_existing_customers", m.allow_existing_customers},
                     {"cards_for_owned_customers", m.cards_for_owned_customers},
                     {"created_at", format_rfc3339_seconds(m.created_at)},
                     {"settlement_delay_days", m.settlement_delay_days}};
    out["protection_days"] = m.protection_days ? json::value(*m.protection_days) : json::value(nullptr);
    return out;
}

json::object staff_json(const std::vector<staff_member>& staff) {
    json::array items;
    for (const auto& s : staff)
        items.push_back(json::object{{"user_id", std::to_string(s.user_id)}, {"role", to_string(s.role)},
                                     {"added_by_user_id", std::to_string(s.added_by_user_id)}, {"created_at", format_rfc3339_seconds(s.created_at)}});
    return json::object{{"items", std::move(items)}};
}

json::object tier_version_json(const tier_version_record& v) {
    json::array tiers;
    for (const auto& t : v.tiers) tiers.push_back(json::object{{"name", t.name}, {"buy_in_fen", t.buy_in_fen}, {"ratio_bp", t.ratio_bp}});
    json::object margins;
    for (const auto& [category, bp] : v.category_margins_bp) margins[category] = bp;
    return json::object{{"version", v.version},         {"tiers", std::move(tiers)},
                        {"profit_margin_bp", v.profit_margin_bp}, {"category_margins", std::move(margins)},
                        {"created_by_user_id", std::to_string(v.created_by_user_id)}, {"created_at", format_rfc3339_seconds(v.created_at)}};
}

json::object tiers_json(const std::vector<tier_version_record>& versions) {
    json::array history;
    for (const auto& v : versions) history.push_back(tier_version_json(v));
    json::object out;
    out["current"] = versions.empty() ? json::value(nullptr) : json::value(tier_version_json(versions.front()));
    out["history"] = std::move(history);
    return out;
}

// The table's fields, as PUT tiers and its what-if both take them (the caller finishes the body).
tier_change read_tier_fields(body_reader& body) {
    tier_change change;
    const auto& tiers = body.required_array("tiers", max_tiers);
    for (std::size_t i = 0; i < tiers.size(); ++i) {
        body_reader tier(tiers[i].as_object(), "tiers[" + std::to_string(i) + "].");
        // Ranges here only keep numbers sane; the business rules check the rest, all at once.
        share_tier t;
        t.name = tier.required_string("name", 0, 128);
        t.buy_in_fen = tier.required_int("buy_in_fen", -1'000'000'000'000LL, 1'000'000'000'000LL);
        t.ratio_bp = static_cast<std::int32_t>(tier.required_int("ratio_bp", -1'000'000, 1'000'000));
        tier.finish();
        change.tiers.push_back(std::move(t));
    }
    change.profit_margin_bp = static_cast<std::int32_t>(body.required_int("profit_margin_bp", -1'000'000, 1'000'000));
    if (const auto* categories = body.optional_object("category_margins")) {
        if (categories->size() > 100) throw api_error(400, "invalid_field", "category_margins holds at most 100 categories");
        body_reader margins(*categories, "category_margins.");
        for (const auto& [category, value] : *categories) {
            if (category.empty() || category.size() > 64) throw api_error(400, "invalid_field", "a category name has 1 to 64 bytes");
            change.category_margins_bp[std::string(category)] =
                static_cast<std::int32_t>(margins.required_int(category, -1'000'000, 1'000'000));
        }
    }
    return change;
}

tier_change read_tier_change(const http_request& request) {
    body_reader body(request);
    auto change = read_tier_fields(body);
    body.finish();
    return change;
}

json::value tier_json_or_null(const std::optional<share_tier>& t) {
    if (!t) return nullptr;
    return json::object{{"name", t->name}, {"buy_in_fen", t->buy_in_fen}, {"ratio_bp", t->ratio_bp}};
}

json::object scenario_json(const scenario_totals& s) {
    const auto share = s.share_of_profit_bp();
    return json::object{{"profit_fen", s.profit_fen},
                        {"dividends_fen", s.dividends_fen},
                        {"share_of_profit_bp", share ? json::value(*share) : json::value(nullptr)}};
}

// The answer lists this many partners at most (the totals count them all).
constexpr std::size_t max_preview_lines = 500;

json::object tier_preview_json(const tier_preview_answer& a) {
    const auto& f = a.figures;
    json::array partners;
    for (const auto& line : f.partners) {
        if (partners.size() == max_preview_lines) break;
        const auto& p = a.partners.at(line.partner_id);
        partners.push_back(json::object{
            {"partner_id", std::to_string(line.partner_id)},
            {"user_id", std::to_string(p.facts.user_id)},
            {"phone", p.phone.empty() ? json::value(nullptr) : json::value(mask_phone(p.phone))},
            {"status", to_string(p.status)},
            {"total_buy_in_fen", p.facts.total_buy_in_fen},
            {"orders", line.orders},
            {"current", json::object{{"tier", tier_json_or_null(line.current_tier)}, {"dividends_fen", line.current_dividends_fen}}},
            {"proposed", json::object{{"tier", tier_json_or_null(line.proposed_tier)}, {"dividends_fen", line.proposed_dividends_fen}}},
            {"tier_changes", line.tier_changes()}});
    }
    return json::object{{"from", format_rfc3339_seconds(a.from)},
                        {"to", format_rfc3339_seconds(a.to)},
                        {"orders", f.orders},
                        {"recorded_dividends_fen", f.recorded_dividends_fen},
                        {"current", scenario_json(f.current)},
                        {"proposed", scenario_json(f.proposed)},
                        {"tier_changes", f.tier_changes},
                        {"partners_total", static_cast<std::int64_t>(f.partners.size())},
                        {"partners", std::move(partners)}};
}

// `from`, `to`: RFC 3339 with a zone; default the 90 days before now; `to` after `from`, at most 366 days.
json::object card_template_json(const card_template_record& c) {
    json::object out{{"id", std::to_string(c.id)},         {"merchant_id", std::to_string(c.merchant_id)}, {"kind", c.kind},
                     {"title", c.title},                    {"benefit", c.benefit},                         {"valid_from", format_rfc3339_seconds(c.valid_from)},
                     {"valid_until", format_rfc3339_seconds(c.valid_until)}, {"created_at", format_rfc3339_seconds(c.created_at)}};
    out["cover_url"] = c.cover_url.empty() ? json::value(nullptr) : json::value(c.cover_url);
    out["offer"] = card_offer_json(c.offer);
    out["valid_days"] = c.valid_days ? json::value(*c.valid_days) : json::value(nullptr);
    return out;
}

// `offer` (optional): what the card takes off the bill; absent: the benefit text alone.
card_offer_input read_card_offer(body_reader& body) {
    card_offer_input offer;
    const auto* given = body.optional_object("offer");
    if (!given) return offer;
    body_reader o(*given, "offer.");
    offer.kind = o.required_string("kind", 1, 16);
    offer.amount_off_fen = o.optional_int("amount_off_fen", -max_offer_fen, 10 * max_offer_fen);
    offer.percent_off_bp = o.optional_int("percent_off_bp", -100'000, 100'000);
    offer.cap_fen = o.optional_int("cap_fen", -max_offer_fen, 10 * max_offer_fen);
    offer.min_spend_fen = o.optional_int("min_spend_fen", -10'000'000'000LL, 100'000'000'000LL);
    offer.free_item = o.optional_string("free_item", 0, 512);
    o.finish();
    return offer;
}

asio::awaitable<http_response> handle_create_merchant(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto name = body.required_string("name", 1, 64);
    body.finish();
    // Calendar figures use the store's zone; China's stores all use Asia/Shanghai for now.
    std::string zone = "Asia/Shanghai";  // named: docs/coroutines.md
    auto merchant = co_await s.merchants.create(who.user_id, std::move(name), std::move(zone));
    co_return http_response::json(201, json::object{{"merchant", merchant_json(merchant)}, {"role", "owner"}});
}

asio::awaitable<http_response> handle_get_merchant(const api_services& s, http_request& request, const caller& who) {
    auto view = co_await s.merchants.view(who.user_id, id_param(request, "merchant_id", "merchant"));
    auto& v = unwrap(view);
    co_return http_response::json(200, json::object{{"merchant", merchant_json(v.merchant)}, {"role", to_string(v.caller_role)}});
}

asio::awaitable<http_response> handle_change_settings(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    settings_change change;
    change.allow_existing_customers = body.optional_bool("allow_existing_customers");
    change.cards_for_owned_customers = body.optional_bool("cards_for_owned_customers");
    // Days a dividend stays pending (refundable) before it is settled; 0 settles at once.
    if (auto delay = body.optional_int("settlement_delay_days", 0, 90)) change.settlement_delay_days = static_cast<int>(*delay);
    // null clears the protection period; a number sets it (days without a purchase before a lead lapses).
    auto days = body.optional_int("protection_days", 1, 3650);  // an explicit null reads as absent here
    const auto& object = require_json_object(request);
    const auto given = object.find("protection_days");
    change.clear_protection = given != object.end() && given->value().is_null();
    if (days) change.protection_days = static_cast<int>(*days);
    body.finish();
    auto view = co_await s.merchants.change_settings(who.user_id, id_param(request, "merchant_id", "merchant"), change);
    auto& v = unwrap(view);
    co_return http_response::json(200, json::object{{"merchant", merchant_json(v.merchant)}, {"role", to_string(v.caller_role)}});
}

asio::awaitable<http_response> handle_create_card_template(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    card_template_input input;
    input.kind = body.required_string("kind", 1, 16);
    input.title = body.required_string("title", 0, 512);
    input.benefit = body.required_string("benefit", 0, 2048, body_reader::lines::multi);
    input.valid_from = body.required_string("valid_from", 1, 64);
    input.valid_until = body.required_string("valid_until", 1, 64);
    input.cover_url = body.optional_string("cover_url", 0, 2048).value_or("");
    input.offer = read_card_offer(body);
    input.valid_days = body.optional_int("valid_days", -100'000, 100'000);
    body.finish();
    auto created = co_await s.merchants.create_card_template(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(input));
    co_return http_response::json(201, json::object{{"card_template", card_template_json(unwrap(created))}});
}

asio::awaitable<http_response> handle_list_card_templates(const api_services& s, http_request& request, const caller& who) {
    const auto page = read_list_query(request);
    // One more than asked tells whether a next page exists.
    auto listed = co_await s.merchants.card_templates(who.user_id, id_param(request, "merchant_id", "merchant"), page.before_id, page.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), page.limit, card_template_json));
}

asio::awaitable<http_response> handle_list_staff(const api_services& s, http_request& request, const caller& who) {
    auto staff = co_await s.merchants.staff(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, staff_json(unwrap(staff)));
}

asio::awaitable<http_response> handle_set_staff(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto role = parse_staff_role(body.required_string("role", 1, 16));
    body.finish();
    if (!role) throw api_error(400, "invalid_field", "role must be manager or cashier");
    auto staff = co_await s.merchants.set_staff(who.user_id, id_param(request, "merchant_id", "merchant"),
                                              id_param(request, "user_id", "user"), *role);
    co_return http_response::json(200, staff_json(unwrap(staff)));
}

asio::awaitable<http_response> handle_remove_staff(const api_services& s, http_request& request, const caller& who) {
    auto staff = co_await s.merchants.remove_staff(who.user_id, id_param(request, "merchant_id", "merchant"),
                                                 id_param(request, "user_id", "user"));
    co_return http_response::json(200, staff_json(unwrap(staff)));
}

asio::awaitable<http_response> handle_change_tiers(const api_services& s, http_request& request, const caller& who) {
    auto change = read_tier_change(request);
    auto versions = co_await s.merchants.change_tiers(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(change));
    co_return http_response::json(200, tiers_json(unwrap(versions)));
}

// The what-if of a proposed table: the PUT's body with an optional window; nothing is written.
asio::awaitable<http_response> handle_preview_tiers(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto table = read_tier_fields(body);
    const auto [from, to] = read_window(body, default_preview_window, max_preview_window);
    tier_preview_request preview{.table = std::move(table), .from = from, .to = to};
    body.finish();
    auto answer = co_await s.tier_previews.preview(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(preview));
    co_return http_response::json(200, tier_preview_json(unwrap(answer)));
}

asio::awaitable<http_response> handle_tier_history(const api_services& s, http_request& request, const caller& who) {
    auto versions = co_await s.merchants.tier_history(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, tiers_json(unwrap(versions)));
}

constexpr route table[] = {
    {"POST",   "/api/v1/merchants",                               route_access::staff, handle_create_merchant},
    {"GET",    "/api/v1/merchants/{merchant_id}",                 route_access::staff, handle_get_merchant},
    {"PATCH",  "/api/v1/merchants/{merchant_id}/settings",        route_access::staff, handle_change_settings},
    {"POST",   "/api/v1/merchants/{merchant_id}/card-templates",  route_access::staff, handle_create_card_template},
    {"GET",    "/api/v1/merchants/{merchant_id}/card-templates",  route_access::staff, handle_list_card_templates},
    {"GET",    "/api/v1/merchants/{merchant_id}/staff",           route_access::staff, handle_list_staff},
    {"PUT",    "/api/v1/merchants/{merchant_id}/staff/{user_id}", route_access::staff, handle_set_staff},
    {"DELETE", "/api/v1/merchants/{merchant_id}/staff/{user_id}", route_access::staff, handle_remove_staff},
    {"PUT",    "/api/v1/merchants/{merchant_id}/tiers",           route_access::staff, handle_change_tiers},
    {"GET",    "/api/v1/merchants/{merchant_id}/tiers",           route_access::staff, handle_tier_history},
    {"POST",   "/api/v1/merchants/{merchant_id}/tier-versions/preview", route_access::staff, handle_preview_tiers},
};

}  // namespace

std::span<const route> merchant_routes() { return table; }

}  // namespace sharedstore
