#include "server/handlers/bonus_handlers.hpp"

#include "server/domain/masking.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/bonus_service.hpp"
#include "server/storage/bonus_config_codec.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t max_awards = 20;
constexpr std::int64_t max_fen = 1'000'000'000'000LL;
constexpr std::int64_t max_bp = 1'000'000;  // sane numbers only: the validator names what is out of range

template <class T, class Parse>
T enum_field(body_reader& body, std::string_view name, T fallback, Parse parse) {
    auto text = body.optional_string(name, 1, 64);
    if (!text) return fallback;
    auto parsed = parse(*text);
    if (!parsed) throw api_error(400, "invalid_field", body.field(name) + " is not one of its values (docs/bonus.md)");
    return *parsed;
}

std::chrono::system_clock::time_point time_field(body_reader& body, std::string_view name) {
    auto text = body.required_string(name, 1, 40);
    auto at = parse_rfc3339(text);
    if (!at) throw api_error(400, "invalid_field", body.field(name) + " must be RFC 3339 with a zone");
    return *at;
}

project_campaign read_campaign(const json::object& o, const std::string& prefix) {
    body_reader c(o, prefix);
    project_campaign campaign;
    campaign.name = c.required_string("name", 0, 200);
    campaign.starts_at = time_field(c, "starts_at");
    campaign.ends_at = time_field(c, "ends_at");
    campaign.goal = enum_field(c, "goal", project_goal::new_paying_customers, parse_project_goal);
    campaign.goal_count = c.required_int("goal_count", -max_fen, max_fen);
    campaign.min_order_fen = c.optional_int("min_order_fen", -max_fen, max_fen).value_or(0);
    campaign.product = c.optional_string("product", 0, 200).value_or("");
    campaign.reward = enum_field(c, "reward", project_reward::fixed, parse_project_reward);
    campaign.award_fen = c.optional_int("award_fen", -max_fen, max_fen).value_or(0);
    campaign.award_bp = static_cast<std::int32_t>(c.optional_int("award_bp", -max_bp, max_bp).value_or(0));
    campaign.budget_fen = c.required_int("budget_fen", -max_fen, max_fen);
    campaign.winner_limit = static_cast<std::int32_t>(c.required_int("winner_limit", -max_bp, max_bp));
    c.finish();
    return campaign;
}

top_dealer_bonus read_top_dealer(const json::object& o, const std::string& prefix) {
    body_reader t(o, prefix);
    top_dealer_bonus bonus;
    bonus.pool_bp = static_cast<std::int32_t>(t.required_int("pool_bp", -max_bp, max_bp));
    bonus.threshold_fen = t.required_int("threshold_fen", -max_fen, max_fen);
    bonus.period = enum_field(t, "period", bonus_period::quarter, parse_bonus_period);
    t.finish();
    return bonus;
}

// A proposal as the console (or an import of another system's plan) describes it: each award with
// whatever shape the plan gives it, so the validator can name every unlawful part.
bonus_proposal read_proposal(body_reader& body) {
    bonus_proposal proposal;
    std::vector<bool> medium_named;
    const auto& awards = body.required_array("awards", max_awards);
    for (std::size_t i = 0; i < awards.size(); ++i) {
        const auto prefix = "awards[" + std::to_string(i) + "].";
        body_reader a(awards[i].as_object(), prefix);
        proposed_award award;
        award.type = parse_proposed_award_type(a.required_string("type", 1, 64))
                         .value_or(proposed_award_type::other);  // a type this system has no word for: refused by the validator
        award.label = a.optional_string("label", 0, 200).value_or("");
        award.base = enum_field(a, "base", award_base::consumer_sales, parse_award_base);
        const bool two_levels = award.type == proposed_award_type::level_difference || award.type == proposed_award_type::flat_push;
        award.depth = static_cast<std::int32_t>(a.optional_int("depth", -max_bp, max_bp).value_or(two_levels ? 2 : 1));
        for (auto rate : a.optional_int_array("level_rates_bp", 20, -max_bp, max_bp)) award.level_rates_bp.push_back(static_cast<std::int32_t>(rate));
        award.flat_bp = static_cast<std::int32_t>(a.optional_int("flat_bp", -max_bp, max_bp).value_or(0));
        if (const auto* campaign = a.optional_object("campaign")) award.campaign = read_campaign(*campaign, prefix + "campaign.");
        if (const auto* top = a.optional_object("top_dealer")) award.top_dealer = read_top_dealer(*top, prefix + "top_dealer.");
        award.min_people_recruited = static_cast<std::int32_t>(a.optional_int("min_people_recruited", -max_bp, max_bp).value_or(0));
        award.counts_team_sales = a.optional_bool("counts_team_sales").value_or(false);
        award.recipient = enum_field(a, "recipient", award_recipient::partner, parse_award_recipient);
        medium_named.push_back(a.optional_string("medium", 1, 64).has_value());
        award.medium = enum_field(a, "medium", award_medium::cash, parse_award_medium);
        a.finish();
        proposal.awards.push_back(std::move(award));
    }
    proposal.order_cap_bp = static_cast<std::int32_t>(body.optional_int("order_cap_bp", -max_bp, max_bp).value_or(default_order_cap_bp));
    proposal.level2_cash = body.optional_bool("level2_cash").value_or(false);
    // An award to A2 that names no medium is paid as the store pays A2: points, or cash with level2_cash.
    for (std::size_t i = 0; i < proposal.awards.size(); ++i)
        if (!medium_named[i] && proposal.awards[i].depth == 2) proposal.awards[i].medium = proposal.level2_cash ? award_medium::cash : award_medium::points;
    if (const auto* entry = body.optional_object("partner_entry")) {
        body_reader e(*entry, "partner_entry.");
        partner_entry_terms terms;
        terms.fee_fen = e.optional_int("fee_fen", -max_fen, max_fen).value_or(0);
        terms.required_purchase_fen = e.optional_int("required_purchase_fen", -max_fen, max_fen).value_or(0);
        terms.purchase_returnable = e.optional_bool("purchase_returnable").value_or(true);
        terms.purchase_unlocks_rewards = e.optional_bool("purchase_unlocks_rewards").value_or(false);
        e.finish();
        proposal.partner_entry = terms;
    }
    return proposal;
}

json::object version_json(const bonus_config_version& v) {
    return json::object{{"version", v.version},
                        {"config", bonus_config_to_json(v.config)},
                        {"created_by_user_id", std::to_string(v.created_by_user_id)},
                        {"created_at", format_rfc3339_seconds(v.created_at)}};
}

json::object view_json(const bonus_config_view& view) {
    json::array history;
    for (const auto& v : view.versions) history.push_back(version_json(v));
    json::object out;
    out["current"] = view.versions.empty() ? json::value(nullptr) : json::value(version_json(view.versions.front()));
    out["history"] = std::move(history);
    out["level2_cash_sign_off"] = view.sign_off ? json::value(json::object{{"operator_user_id", std::to_string(view.sign_off->operator_user_id)},
                                                                           {"signed_at", format_rfc3339_seconds(view.sign_off->signed_at)},
                                                                           {"reference", view.sign_off->reference}})
                                                : json::value(nullptr);
    return out;
}

asio::awaitable<http_response> handle_bonus_config(const api_services& s, http_request& request, const caller& who) {
    auto view = co_await s.bonuses.config(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_propose_bonus_config(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto proposal = read_proposal(body);
    body.finish();
    auto view = co_await s.bonuses.propose(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(proposal));
    co_return http_response::json(200, view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_bonus_what_if(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto proposal = read_proposal(body);
    const auto window = read_window(body, std::chrono::hours(24 * 90), std::chrono::hours(24 * 366));
    body.finish();
    auto answer = co_await s.bonuses.what_if(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(proposal), window.first, window.second);
    const auto& w = unwrap(answer);
    json::array partners;
    for (const auto& p : w.partners)
        partners.push_back(json::object{{"partner_id", std::to_string(p.partner_id)},
                                        {"phone", p.phone.empty() ? json::value(nullptr) : json::value(mask_phone(p.phone))},
                                        {"tier_fen", p.tier_fen},
                                        {"cash_fen", p.cash_fen},
                                        {"points", p.points}});
    const auto total = w.cash_fen + w.points;
    json::value largest = nullptr;
    if (w.largest_order_id)
        largest = json::object{{"order_id", std::to_string(*w.largest_order_id)}, {"payout_fen", w.largest_payout_fen}, {"profit_fen", w.largest_profit_fen}};
    co_return http_response::json(200, json::object{{"from", format_rfc3339_seconds(w.from)},
                                                    {"to", format_rfc3339_seconds(w.to)},
                                                    {"orders", w.orders},
                                                    {"profit_fen", w.profit_fen},
                                                    {"tier_fen", w.tier_fen},
                                                    {"level_difference_fen", w.level_difference_fen},
                                                    {"flat_push_fen", w.flat_push_fen},
                                                    {"cash_fen", w.cash_fen},
                                                    {"points", w.points},
                                                    {"total_fen", total},
                                                    // floor: a share is never shown above what it is
                                                    {"share_of_profit_bp", w.profit_fen > 0 ? total * 10000 / w.profit_fen : 0},
                                                    {"trimmed_by_cap_fen", w.trimmed_fen},
                                                    {"largest", std::move(largest)},
                                                    {"partners", std::move(partners)}});
}

json::object total_json(const award_total& t, bool with_store) {
    json::object out{{"kind", to_string(t.kind)},
                     {"medium", to_string(t.medium)},
                     {"count", t.count},
                     {"amount_fen", t.amount_fen},
                     {"reversed_fen", t.reversed_fen},
                     {"net_fen", t.amount_fen - t.reversed_fen}};
    if (with_store) out["merchant"] = json::object{{"id", std::to_string(t.merchant_id)}, {"name", t.merchant_name}};
    else out["month"] = t.month;
    return out;
}

asio::awaitable<http_response> handle_my_awards(const api_services& s, http_request&, const caller& who) {
    auto totals = co_await s.bonuses.my_awards(who.user_id);
    json::array items;
    for (const auto& t : totals) items.push_back(total_json(t, true));
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<http_response> handle_award_report(const api_services& s, http_request& request, const caller& who) {
    auto [from, to] = read_period(read_list_query(request, {"from", "to"}));
    auto report = co_await s.bonuses.award_report(who.user_id, id_param(request, "merchant_id", "merchant"), std::move(from), std::move(to));
    const auto& r = unwrap(report);
    json::array rows;
    std::int64_t cash = 0, points = 0;
    for (const auto& t : r.totals) {
        rows.push_back(total_json(t, false));
        (t.medium == award_medium::cash ? cash : points) += t.amount_fen - t.reversed_fen;
    }
    co_return http_response::json(200, json::object{{"rows", std::move(rows)},
                                                    {"cash_net_fen", cash},
                                                    {"points_net", points},
                                                    {"profit_fen", r.profit_fen},
                                                    {"time_zone", "Asia/Shanghai"}});
}

constexpr route table[] = {
    {"GET", "/api/v1/partners/me/awards", route_access::user_session, handle_my_awards},
    {"GET", "/api/v1/merchants/{merchant_id}/bonus-report", route_access::staff, handle_award_report},
    {"POST", "/api/v1/merchants/{merchant_id}/bonus-config/preview", route_access::staff, handle_bonus_what_if},
    {"GET", "/api/v1/merchants/{merchant_id}/bonus-config", route_access::staff, handle_bonus_config},
    {"PUT", "/api/v1/merchants/{merchant_id}/bonus-config", route_access::staff, handle_propose_bonus_config},
};

}  // namespace

std::span<const route> bonus_routes() { return table; }

}  // namespace sharedstore
