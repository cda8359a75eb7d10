#include "server/handlers/member_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/member_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? json::value(format_rfc3339_seconds(*t)) : json::value(nullptr);
}

json::value level_json(const std::optional<member_level>& l) {
    if (!l) return nullptr;
    return json::object{{"level_no", l->level_no},
                        {"name", l->name},
                        {"threshold_growth", l->threshold_growth},
                        {"discount_bp", l->discount_bp},
                        {"points_multiplier_bp", l->points_multiplier_bp},
                        {"retention_growth_12m", l->retention_growth_12m}};
}

json::object stage_json(const member_profile& p) {
    return json::object{{"stage", to_string(p.stage)},
                        {"fan_at", time_or_null(p.fan_at)},
                        {"customer_at", time_or_null(p.customer_at)},
                        {"member_at", time_or_null(p.member_at)},
                        {"partner_at", time_or_null(p.partner_at)},
                        {"member_qualified_at", time_or_null(p.member_qualified_at)},
                        {"member_qualified_by", p.member_qualified_by.empty() ? json::value(nullptr) : json::value(p.member_qualified_by)},
                        {"terms_version", p.terms_version.empty() ? json::value(nullptr) : json::value(p.terms_version)},
                        {"terms_accepted_at", time_or_null(p.terms_accepted_at)},
                        {"growth", p.growth},
                        {"level_no", p.level_no ? json::value(*p.level_no) : json::value(nullptr)},
                        {"level_since", time_or_null(p.level_since)}};
}

json::object prepaid_json(const prepaid_buckets& b) {
    // Refunding the unused balance returns the principal only (docs/members.md).
    return json::object{{"principal_fen", b.principal_fen}, {"bonus_fen", b.bonus_fen}, {"total_fen", b.total()}, {"refundable_fen", b.principal_fen}};
}

json::object program_json(const member_program_record& p) {
    return json::object{{"points_per_yuan", p.points.points_per_yuan},
                        {"point_value_fen", p.points.point_value_fen},
                        {"max_points_per_order", p.points.max_points_per_order},
                        {"points_validity_months", p.points.validity_months},
                        {"task_spend_fen", p.task_spend_fen ? json::value(*p.task_spend_fen) : json::value(nullptr)},
                        {"task_days", p.task_days ? json::value(*p.task_days) : json::value(nullptr)},
                        {"task_topup_fen", p.task_topup_fen ? json::value(*p.task_topup_fen) : json::value(nullptr)},
                        {"terms_version", p.terms_version},
                        {"terms_text", p.terms_text},
                        {"partner_requires_member", p.partner_requires_member},
                        {"updated_by_user_id", std::to_string(p.updated_by_user_id)},
                        {"updated_at", format_rfc3339_seconds(p.updated_at)}};
}

json::object offer_json(const offer_record& o) {
    json::object out{{"id", std::to_string(o.id)}, {"kind", to_string(o.kind)}, {"name", o.name}, {"active", o.active},
                     {"created_at", format_rfc3339_seconds(o.created_at)}};
    switch (o.kind) {
    case member_offer_kind::topup_package:
        out["pay_fen"] = o.price_fen;
        out["bonus_fen"] = o.bonus_fen;
        break;
    case member_offer_kind::membership_product: out["price_fen"] = o.price_fen; break;
    case member_offer_kind::points_item: out["points_price"] = o.points_price; break;
    }
    return out;
}

json::object offers_json(const std::vector<offer_record>& offers) {
    json::array items;
    for (const auto& o : offers) items.push_back(offer_json(o));
    return json::object{{"items", std::move(items)}};
}

json::object levels_json(const std::vector<member_level>& levels) {
    json::array items;
    for (const auto& l : levels) items.push_back(level_json(l));
    return json::object{{"items", std::move(items)}};
}

member_offer_kind kind_query(const http_request& request) {
    const auto query = read_list_query(request, {"kind"});
    const auto kind = query.choice_filter("kind", {"topup_package", "membership_product", "points_item"});
    if (!kind) throw api_error(400, "invalid_query", "kind is topup_package, membership_product or points_item");
    return *parse_member_offer_kind(*kind);
}

std::uint64_t store_param(const http_request& request) { return id_param(request, "merchant_id", "merchant"); }

// ---- the mini-program

asio::awaitable<http_response> handle_my_membership(const api_services& s, http_request& request, const caller& who) {
    auto summary = co_await s.members.my_membership(who.user_id, store_param(request));
    const auto& m = unwrap(summary);
    json::array expiring;
    for (const auto& lot : m.points_expiring)
        expiring.push_back(json::object{{"points", lot.remaining}, {"expires_at", time_or_null(lot.expires_at)}});
    json::object out{{"merchant", json::object{{"id", std::to_string(m.merchant_id)}, {"name", m.merchant_name}}},
                     {"stage", stage_json(m.profile)},
                     {"level", level_json(m.level)},
                     {"next_level", level_json(m.next_level)},
                     {"points", json::object{{"spendable", m.points_spendable}, {"pending", m.points_pending}, {"expiring_within_30_days", std::move(expiring)}}},
                     {"prepaid", prepaid_json(m.prepaid)}};
    out["program"] = m.program ? json::value(program_json(*m.program)) : json::value(nullptr);
    co_return http_response::json(200, out);
}

asio::awaitable<http_response> handle_record_visit(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto source = body.required_string("source", 1, 8);
    body.finish();
    if (source != "page" && source != "qr") throw api_error(400, "invalid_field", "source is page or qr");
    auto visited = co_await s.members.record_visit(who.user_id, store_param(request), std::move(source));
    co_return http_response::json(200, json::object{{"stage", stage_json(unwrap(visited))}});
}

asio::awaitable<http_response> handle_accept_terms(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto version = body.required_string("terms_version", 1, 32);
    body.finish();
    auto accepted = co_await s.members.accept_terms(who.user_id, store_param(request), std::move(version));
    co_return http_response::json(200, json::object{{"stage", stage_json(unwrap(accepted))}});
}

asio::awaitable<http_response> handle_points_history(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto moves = co_await s.members.points_history(who.user_id, store_param(request), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(moves), query.limit, [](const point_move_record& m) {
        return json::object{{"id", std::to_string(m.id)},
                            {"kind", m.kind},
                            {"points", m.points},
                            {"order_id", m.order_id ? json::value(std::to_string(*m.order_id)) : json::value(nullptr)},
                            {"item_id", m.item_id ? json::value(std::to_string(*m.item_id)) : json::value(nullptr)},
                            {"at", format_rfc3339_seconds(m.at)}};
    }));
}

asio::awaitable<http_response> handle_store_offers(const api_services& s, http_request& request, const caller&) {
    const auto kind = kind_query(request);
    auto offers = co_await s.members.store_offers(store_param(request), kind);
    co_return http_response::json(200, offers_json(unwrap(offers)));
}

asio::awaitable<http_response> handle_exchange_points(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto item = parse_decimal_id(body.required_string("item_id", 1, 20));
    auto request_id = body.required_string("request_id", 8, 64);
    body.finish();
    if (!item) throw api_error(400, "invalid_field", "item_id must be an id (a decimal string)");
    auto exchanged = co_await s.members.exchange_points(who.user_id, store_param(request), *item, std::move(request_id));
    const auto& e = unwrap(exchanged);
    co_return http_response::json(e.replayed ? 200 : 201, json::object{{"item_id", std::to_string(e.item_id)},
                                                                       {"points", e.points},
                                                                       {"points_spendable", e.balance_after},
                                                                       {"replayed", e.replayed}});
}

asio::awaitable<http_response> handle_my_referrer(const api_services& s, http_request&, const caller& who) {
    auto referral = co_await s.members.my_referrer(who.user_id);
    // The referrer is a person: the caller learns that they have one and since when, not who.
    if (!referral) co_return http_response::json(200, json::object{{"referrer", nullptr}});
    co_return http_response::json(200, json::object{{"referrer", json::object{{"source", referral->source},
                                                                              {"merchant_id", referral->merchant_id ? json::value(std::to_string(*referral->merchant_id)) : json::value(nullptr)},
                                                                              {"since", format_rfc3339_seconds(referral->created_at)}}}});
}

// ---- the store

member_program_input read_program(const http_request& request) {
    body_reader body(request);
    member_program_input in;
    in.points.points_per_yuan = static_cast<std::int32_t>(body.required_int("points_per_yuan", -1'000'000, 1'000'000));
    in.points.point_value_fen = body.required_int("point_value_fen", -1'000'000, 1'000'000);
    in.points.max_points_per_order = body.required_int("max_points_per_order", -1'000'000'000, 1'000'000'000);
    in.points.validity_months = static_cast<std::int32_t>(body.required_int("points_validity_months", -1'000'000, 1'000'000));
    in.task_spend_fen = body.optional_int("task_spend_fen", -1'000'000'000'000LL, 1'000'000'000'000LL);
    if (auto days = body.optional_int("task_days", -1'000'000, 1'000'000)) in.task_days = static_cast<std::int32_t>(*days);
    in.task_topup_fen = body.optional_int("task_topup_fen", -1'000'000'000'000LL, 1'000'000'000'000LL);
    in.terms_version = body.required_string("terms_version", 0, 64);
    in.terms_text = body.required_string("terms_text", 0, 40'000);
    in.partner_requires_member = body.optional_bool("partner_requires_member").value_or(true);
    body.finish();
    return in;
}

asio::awaitable<http_response> handle_get_program(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.members.program(who.user_id, store_param(request));
    const auto& program = unwrap(found);
    co_return http_response::json(200, json::object{{"program", program ? json::value(program_json(*program)) : json::value(nullptr)}});
}

asio::awaitable<http_response> handle_set_program(const api_services& s, http_request& request, const caller& who) {
    auto in = read_program(request);
    auto saved = co_await s.members.set_program(who.user_id, store_param(request), std::move(in));
    co_return http_response::json(200, json::object{{"program", program_json(unwrap(saved))}});
}

asio::awaitable<http_response> handle_get_levels(const api_services& s, http_request& request, const caller& who) {
    auto levels = co_await s.members.levels(who.user_id, store_param(request));
    co_return http_response::json(200, levels_json(unwrap(levels)));
}

asio::awaitable<http_response> handle_set_levels(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto& items = body.required_array("levels", max_member_levels + 1);
    std::vector<member_level> levels;
    for (std::size_t i = 0; i < items.size(); ++i) {
        body_reader level(items[i].as_object(), "levels[" + std::to_string(i) + "].");
        // Ranges keep numbers sane; the rules check the rest, every problem at once.
        member_level l;
        l.level_no = static_cast<std::int32_t>(i + 1);
        l.name = level.required_string("name", 0, 128);
        l.threshold_growth = level.required_int("threshold_growth", -1'000'000'000'000LL, 1'000'000'000'000LL);
        l.discount_bp = static_cast<std::int32_t>(level.required_int("discount_bp", -1'000'000, 1'000'000));
        l.points_multiplier_bp = static_cast<std::int32_t>(level.required_int("points_multiplier_bp", -1'000'000, 1'000'000));
        l.retention_growth_12m = level.optional_int("retention_growth_12m", -1'000'000'000'000LL, 1'000'000'000'000LL).value_or(0);
        level.finish();
        levels.push_back(std::move(l));
    }
    body.finish();
    auto saved = co_await s.members.set_levels(who.user_id, store_param(request), std::move(levels));
    co_return http_response::json(200, levels_json(unwrap(saved)));
}

asio::awaitable<http_response> handle_list_offers(const api_services& s, http_request& request, const caller& who) {
    const auto kind = kind_query(request);
    auto offers = co_await s.members.offers(who.user_id, store_param(request), kind);
    co_return http_response::json(200, offers_json(unwrap(offers)));
}

asio::awaitable<http_response> handle_add_offer(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    offer_record offer;
    const auto kind = parse_member_offer_kind(body.required_string("kind", 1, 32));
    if (!kind) throw api_error(400, "invalid_field", "kind is topup_package, membership_product or points_item");
    offer.kind = *kind;
    offer.name = body.required_string("name", 0, 128);
    constexpr std::int64_t bound = 1'000'000'000'000LL;
    switch (offer.kind) {
    case member_offer_kind::topup_package:
        offer.price_fen = body.required_int("pay_fen", -bound, bound);
        offer.bonus_fen = body.optional_int("bonus_fen", -bound, bound).value_or(0);
        break;
    case member_offer_kind::membership_product: offer.price_fen = body.required_int("price_fen", -bound, bound); break;
    case member_offer_kind::points_item: offer.points_price = body.required_int("points_price", -bound, bound); break;
    }
    body.finish();
    auto added = co_await s.members.add_offer(who.user_id, store_param(request), std::move(offer));
    co_return http_response::json(201, json::object{{"offer", offer_json(unwrap(added))}});
}

asio::awaitable<http_response> handle_change_offer(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto active = body.optional_bool("active");
    body.finish();
    if (!active) throw api_error(400, "missing_field", "active is required");
    auto changed = co_await s.members.set_offer_active(who.user_id, store_param(request), id_param(request, "offer_id", "member_offer"), *active);
    co_return http_response::json(200, json::object{{"offer", offer_json(unwrap(changed))}});
}

json::object step_json(const funnel_step& s) {
    return json::object{{"reached", s.reached},
                        {"conversion_bp", s.conversion_bp},
                        {"median_seconds", s.median_seconds ? json::value(*s.median_seconds) : json::value(nullptr)}};
}

asio::awaitable<http_response> handle_funnel(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"weeks"});
    int weeks = 12;
    if (auto w = query.choice_filter("weeks", {"4", "8", "12", "26", "52"})) weeks = std::stoi(*w);
    auto built = co_await s.members.funnel(who.user_id, store_param(request), weeks);
    const auto& f = unwrap(built);
    json::array cohorts;
    for (const auto& w : f.weeks)
        cohorts.push_back(json::object{{"week_start", w.week_start},
                                       {"fans", w.fans},
                                       {"customers", step_json(w.customers)},
                                       {"members", step_json(w.members)},
                                       {"partners", step_json(w.partners)}});
    co_return http_response::json(200, json::object{{"time_zone", "Asia/Shanghai"},
                                                    {"stages", json::object{{"passer_by", f.passer_by},
                                                                            {"fan", f.fan},
                                                                            {"customer", f.customer},
                                                                            {"member", f.member},
                                                                            {"partner", f.partner}}},
                                                    {"weeks", std::move(cohorts)}});
}

asio::awaitable<http_response> handle_member_detail(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.members.member(who.user_id, store_param(request), id_param(request, "user_id", "user"));
    const auto& d = unwrap(found);
    json::array events;
    for (const auto& e : d.events)
        events.push_back(json::object{{"kind", e.kind},
                                      {"from", e.from.empty() ? json::value(nullptr) : json::value(e.from)},
                                      {"to", e.to},
                                      {"reason", e.reason},
                                      {"order_id", e.order_id ? json::value(std::to_string(*e.order_id)) : json::value(nullptr)},
                                      {"at", format_rfc3339_seconds(e.at)}});
    co_return http_response::json(200, json::object{{"user_id", std::to_string(d.profile.user_id)},
                                                    {"stage", stage_json(d.profile)},
                                                    {"points", json::object{{"spendable", d.points_spendable}, {"pending", d.points_pending}}},
                                                    {"prepaid", prepaid_json(d.prepaid)},
                                                    {"events", std::move(events)}});
}

constexpr route member_table[] = {
    {"GET",   "/api/v1/me/stores/{merchant_id}/membership",        route_access::user_session, handle_my_membership},
    {"POST",  "/api/v1/me/stores/{merchant_id}/visits",            route_access::user_session, handle_record_visit},
    {"POST",  "/api/v1/me/stores/{merchant_id}/member-terms",      route_access::user_session, handle_accept_terms},
    {"GET",   "/api/v1/me/stores/{merchant_id}/points",            route_access::user_session, handle_points_history},
    {"GET",   "/api/v1/me/stores/{merchant_id}/offers",            route_access::user_session, handle_store_offers},
    {"POST",  "/api/v1/me/stores/{merchant_id}/points-exchanges",  route_access::user_session, handle_exchange_points},
    {"GET",   "/api/v1/me/referrer",                               route_access::user_session, handle_my_referrer},
    {"GET",   "/api/v1/merchants/{merchant_id}/member-program",    route_access::staff, handle_get_program},
    {"PUT",   "/api/v1/merchants/{merchant_id}/member-program",    route_access::staff, handle_set_program},
    {"GET",   "/api/v1/merchants/{merchant_id}/member-levels",     route_access::staff, handle_get_levels},
    {"PUT",   "/api/v1/merchants/{merchant_id}/member-levels",     route_access::staff, handle_set_levels},
    {"GET",   "/api/v1/merchants/{merchant_id}/member-offers",     route_access::staff, handle_list_offers},
    {"POST",  "/api/v1/merchants/{merchant_id}/member-offers",     route_access::staff, handle_add_offer},
    {"PATCH", "/api/v1/merchants/{merchant_id}/member-offers/{offer_id}", route_access::staff, handle_change_offer},
    {"GET",   "/api/v1/merchants/{merchant_id}/member-funnel",     route_access::staff, handle_funnel},
    {"GET",   "/api/v1/merchants/{merchant_id}/members/{user_id}", route_access::staff, handle_member_detail},
};

}  // namespace

std::span<const route> member_routes() { return member_table; }

}  // namespace sharedstore
