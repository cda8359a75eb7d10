#include "server/handlers/alliance_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/api_error.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/alliance_service.hpp"

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Sane numbers only: the validator names what is out of its range.
constexpr std::int64_t max_number = 1'000'000'000'000LL;

// The configuration's whole-number fields, by their JSON names (initial_value_cp, 64-bit, apart).
struct int_field {
    std::string_view name;
    int alliance_pool_config::*member;
};
constexpr int_field int_fields[] = {
    {"min_holders", &alliance_pool_config::min_holders},
    {"growth_bp", &alliance_pool_config::growth_bp},
    {"first_rate_bp", &alliance_pool_config::first_rate_bp},
    {"rate_step_bp", &alliance_pool_config::rate_step_bp},
    {"rate_cap_bp", &alliance_pool_config::rate_cap_bp},
    {"fund_share_bp", &alliance_pool_config::fund_share_bp},
    {"quota_bp", &alliance_pool_config::quota_bp},
    {"advance_periods", &alliance_pool_config::advance_periods},
    {"advance_budget_bp", &alliance_pool_config::advance_budget_bp},
    {"lock_bp", &alliance_pool_config::lock_bp},
    {"voucher_validity_days", &alliance_pool_config::voucher_validity_days},
    {"vest_days", &alliance_pool_config::vest_days},
    {"supply_voucher_max_bp", &alliance_pool_config::supply_voucher_max_bp},
};

json::object config_json(const alliance_pool_config& c) {
    json::object out{{"initial_value_cp", c.initial_value_cp}};
    for (const auto& f : int_fields) out[f.name] = c.*f.member;
    return out;
}

// Every field, each required: a PUT replaces the whole configuration.
alliance_pool_config read_config(body_reader& body) {
    alliance_pool_config c;
    c.initial_value_cp = body.required_int("initial_value_cp", -max_number, max_number);
    for (const auto& f : int_fields) c.*f.member = static_cast<int>(body.required_int(f.name, -1'000'000'000, 1'000'000'000));
    return c;
}

json::value version_json(const pool_config_version& v) {
    return json::object{{"version", v.version},
                        {"config", config_json(v.config)},
                        {"created_by_user_id", v.version == 0 ? json::value(nullptr) : json::value(std::to_string(v.created_by_user_id))},
                        {"created_at", v.version == 0 ? json::value(nullptr) : json::value(format_rfc3339_seconds(v.created_at))}};
}

json::object pool_view_json(const pool_config_view& view) {
    json::array history;
    for (const auto& v : view.history) history.push_back(version_json(v));
    return json::object{{"current", version_json(view.current)},
                        {"history", std::move(history)},
                        {"lowest_concession_bp", view.lowest_concession_bp ? json::value(*view.lowest_concession_bp) : json::value(nullptr)},
                        {"bounds", json::object{{"rate_cap_bp_max", view.max_rate_cap_bp},
                                                {"quota_bp_max", view.max_quota_bp},
                                                {"lock_bp_max", view.max_lock_bp},
                                                {"concession_bp_min", min_concession_bp},
                                                {"concession_bp_max", max_concession_bp}}}};
}

json::value concession_json(const concession_version& c) {
    return json::object{{"version", c.version},
                        {"concession_bp", c.concession_bp},
                        {"voucher_max_bp", c.voucher_max_bp},
                        {"effective_from", format_rfc3339_seconds(c.effective_from)},
                        {"created_by_user_id", std::to_string(c.created_by_user_id)}};
}

json::object member_json(const alliance_member& m) {
    return json::object{{"merchant", json::object{{"id", std::to_string(m.merchant_id)}, {"name", m.merchant_name}}},
                        {"admitted_by_user_id", std::to_string(m.admitted_by_user_id)},
                        {"admitted_at", format_rfc3339_seconds(m.admitted_at)},
                        {"concession", m.concession ? concession_json(*m.concession) : json::value(nullptr)}};
}

json::object store_view_json(const store_alliance_view& view) {
    json::array history;
    for (const auto& c : view.history) history.push_back(concession_json(c));
    return json::object{{"admitted", view.member.has_value()},
                        {"admitted_at", view.member ? json::value(format_rfc3339_seconds(view.member->admitted_at)) : json::value(nullptr)},
                        {"concession", view.history.empty() ? json::value(nullptr) : concession_json(view.history.front())},
                        {"history", std::move(history)},
                        {"pool", json::object{{"lock_bp", view.lock_bp}, {"fund_share_bp", view.fund_share_bp}}},
                        {"bounds", json::object{{"concession_bp_min", min_concession_bp}, {"concession_bp_max", max_concession_bp}}},
                        {"books", view.member ? json::value(json::object{{"points_pending_cp", view.books.points_pending_cp},
                                                                          {"points_cp", view.books.points_cp},
                                                                          {"vouchers_fen", view.books.vouchers_fen},
                                                                          {"vouchers_earned_fen", view.books.vouchers_earned_fen},
                                                                          {"vouchers_accepted_fen", view.books.vouchers_accepted_fen},
                                                                          {"concession_owed_fen", view.books.concession_owed_fen},
                                                                          {"reimbursement_due_fen", view.books.reimbursement_due_fen},
                                                                          {"fans", view.books.fans}})
                                              : json::value(nullptr)}};
}

json::value lock_json(const std::optional<fan_lock>& lock, const std::string& merchant_name) {
    if (!lock) return nullptr;
    return json::object{{"merchant", json::object{{"id", std::to_string(lock->merchant_id)}, {"name", merchant_name}}},
                        {"source", lock->source},
                        {"locked_at", format_rfc3339_seconds(lock->locked_at)}};
}

json::object fan_view_json(const fan_view& view) {
    json::array changes;
    for (const auto& c : view.changes)
        changes.push_back(json::object{
            {"from_merchant_id", c.from_merchant_id ? json::value(std::to_string(*c.from_merchant_id)) : json::value(nullptr)},
            {"to_merchant_id", std::to_string(c.to_merchant_id)},
            {"source", c.source},
            {"reason", c.reason},
            {"changed_by_user_id", c.changed_by_user_id ? json::value(std::to_string(*c.changed_by_user_id)) : json::value(nullptr)},
            {"changed_at", format_rfc3339_seconds(c.changed_at)}});
    return json::object{{"user_id", std::to_string(view.user_id)}, {"lock", lock_json(view.lock, view.merchant_name)}, {"changes", std::move(changes)}};
}

asio::awaitable<http_response> handle_pool_config(const api_services& s, http_request&, const caller& who) {
    auto view = co_await s.alliance.pool_config(who.user_id);
    co_return http_response::json(200, pool_view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_set_pool_config(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto config = read_config(body);
    body.finish();
    auto view = co_await s.alliance.set_pool_config(who.user_id, config);
    co_return http_response::json(200, pool_view_json(unwrap(view)));
}

// A member in the operator's list: with what is unsettled either way (the statements settle it).
json::object member_row_json(const member_with_books& m) {
    auto out = member_json(m.member);
    out["books"] = json::object{{"concession_owed_fen", m.concession_owed_fen},
                                {"supply_owed_fen", m.supply_owed_fen},
                                {"reimbursement_due_fen", m.reimbursement_due_fen},
                                {"net_owed_fen", m.concession_owed_fen + m.supply_owed_fen - m.reimbursement_due_fen},
                                {"vouchers_fen", m.vouchers_fen}};
    return out;
}

asio::awaitable<http_response> handle_members(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    auto members = co_await s.alliance.members(who.user_id, query.before_id, query.limit + 1);
    co_return http_response::json(
        200, page_json(unwrap(members), query.limit, member_row_json, [](const member_with_books& m) { return m.member.merchant_id; }));
}

asio::awaitable<http_response> handle_admit(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto merchant = body.required_id("merchant_id");
    body.finish();
    auto admitted = co_await s.alliance.admit(who.user_id, merchant);
    const auto& a = unwrap(admitted);
    // 201 when this call admitted it; 200 for a store that was a member already (a retry).
    co_return http_response::json(a.second ? 201 : 200, json::object{{"member", member_json(a.first)}});
}

asio::awaitable<http_response> handle_store_alliance(const api_services& s, http_request& request, const caller& who) {
    auto view = co_await s.alliance.store_alliance(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, store_view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_set_concession(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto concession = static_cast<int>(body.required_int("concession_bp", -1'000'000, 1'000'000));
    const auto voucher_max = static_cast<int>(body.required_int("voucher_max_bp", -1'000'000, 1'000'000));
    body.finish();
    auto view = co_await s.alliance.set_concession(who.user_id, id_param(request, "merchant_id", "merchant"), concession, voucher_max);
    co_return http_response::json(200, store_view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_fan(const api_services& s, http_request& request, const caller& who) {
    auto view = co_await s.alliance.fan(who.user_id, id_param(request, "user_id", "user"));
    co_return http_response::json(200, fan_view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_reassign_fan(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    const auto merchant = body.required_id("merchant_id");
    // Why the fan moves is the audit's point: required.
    auto reason = body.required_string("reason", 1, 500);
    body.finish();
    auto view = co_await s.alliance.reassign_fan(who.user_id, id_param(request, "user_id", "user"), merchant, std::move(reason));
    co_return http_response::json(200, fan_view_json(unwrap(view)));
}

asio::awaitable<http_response> handle_my_alliance(const api_services& s, http_request&, const caller& who) {
    auto view = co_await s.alliance.consumer(who.user_id);
    const auto& v = unwrap(view);
    json::array credits;
    for (const auto& c : v.credits)
        credits.push_back(json::object{{"reason", c.reason},
                                       {"dividend_number", c.dividend_number ? json::value(*c.dividend_number) : json::value(nullptr)},
                                       {"amount_fen", c.amount_fen},
                                       {"remaining_fen", c.remaining_fen},
                                       {"expires_at", format_rfc3339_seconds(c.expires_at)},
                                       {"credited_at", format_rfc3339_seconds(c.created_at)}});
    co_return http_response::json(200, json::object{{"lock", lock_json(v.lock, v.merchant_name)},
                                                    {"points", json::object{{"pending_cp", v.points_pending_cp}, {"vested_cp", v.points_cp}}},
                                                    {"vouchers", json::object{{"balance_fen", v.vouchers_fen},
                                                                              {"held_fen", v.vouchers_held_fen},
                                                                              {"debt_fen", v.voucher_debt_fen},
                                                                              {"advance", json::object{{"limit_fen", v.advance.limit_fen},
                                                                                                       {"outstanding_fen", v.advance.outstanding_fen},
                                                                                                       {"available_fen", v.advance.available_fen}}},
                                                                              {"credits", std::move(credits)}}}});
}

// A desk code for the caller's vouchers (docs/alliance.md, "At the desk"): shown as digits or QR.
asio::awaitable<http_response> handle_my_voucher_code(const api_services& s, http_request&, const caller& who) {
    auto made = co_await s.alliance.voucher_code(who.user_id);
    const auto& c = unwrap(made);
    co_return http_response::json(201, json::object{{"code", c.digits},
                                                    {"qr_payload", c.qr_payload},
                                                    {"expires_at", format_rfc3339_seconds(c.expires_at)},
                                                    {"spendable_fen", c.spendable_fen}});
}

json::object dividend_json(const alliance_dividend& d) {
    return json::object{{"number", d.number},
                        {"state", d.state},
                        {"phase", d.phase},
                        {"pool_config_version", d.pool_config_version},
                        {"rate_bp", d.rate_bp},
                        {"pool_cp", d.pool_cp},
                        {"consumer_holders", d.consumer_holders},
                        {"lots", d.lots},
                        {"wanted_fen", d.wanted_fen},
                        {"fund_free_fen", d.fund_free_fen},
                        {"available_fen", d.available_fen},
                        {"scaled", d.available_fen < d.wanted_fen},
                        {"released_fen", d.released_fen},
                        {"holders_credited", d.holders_credited},
                        {"chunks", d.chunks},
                        {"started_at", format_rfc3339_seconds(d.started_at)},
                        {"finished_at", d.finished_at ? json::value(format_rfc3339_seconds(*d.finished_at)) : json::value(nullptr)}};
}

asio::awaitable<http_response> handle_dividends(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request);
    const std::optional<int> before = query.before_id ? std::optional(static_cast<int>(std::min<std::uint64_t>(query.before_id, 2'000'000'000))) : std::nullopt;
    auto view = co_await s.alliance.dividends(who.user_id, before, query.limit + 1);
    const auto& v = unwrap(view);
    auto page = page_json(v.items, query.limit, dividend_json, [](const alliance_dividend& d) { return static_cast<std::uint64_t>(d.number); });
    page["pool"] = json::object{{"pool_cp", v.pool.pool_cp},
                                {"consumer_holders", v.pool.consumer_holders},
                                {"lots", v.pool.lots},
                                {"next_number", v.next_number},
                                {"threshold_cp", v.threshold_cp},
                                {"min_holders", v.min_holders},
                                {"fund_free_fen", v.fund_free_fen},
                                {"books", json::object{{"fund_reserved_fen", v.fund_reserved_fen},
                                                       {"vouchers_outstanding_fen", v.vouchers_outstanding_fen},
                                                       {"advances_outstanding_fen", v.advances_outstanding_fen},
                                                       {"voucher_debt_fen", v.voucher_debt_fen},
                                                       {"reimbursements_owed_fen", v.reimbursements_owed_fen},
                                                       {"concessions_receivable_fen", v.concessions_receivable_fen}}},
                                {"running", v.running ? json::value(*v.running) : json::value(nullptr)}};
    co_return http_response::json(200, std::move(page));
}

constexpr route table[] = {
    {"GET", "/api/v1/platform/alliance/config", route_access::staff, handle_pool_config},
    {"PUT", "/api/v1/platform/alliance/config", route_access::staff, handle_set_pool_config},
    {"GET", "/api/v1/platform/alliance/merchants", route_access::staff, handle_members},
    {"POST", "/api/v1/platform/alliance/merchants", route_access::staff, handle_admit},
    {"GET", "/api/v1/merchants/{merchant_id}/alliance", route_access::staff, handle_store_alliance},
    {"PUT", "/api/v1/merchants/{merchant_id}/alliance", route_access::staff, handle_set_concession},
    {"GET", "/api/v1/platform/alliance/fans/{user_id}", route_access::staff, handle_fan},
    {"PUT", "/api/v1/platform/alliance/fans/{user_id}", route_access::staff, handle_reassign_fan},
    {"GET", "/api/v1/platform/alliance/dividends", route_access::staff, handle_dividends},
    {"GET", "/api/v1/me/alliance", route_access::user_session, handle_my_alliance},
    {"POST", "/api/v1/me/alliance/voucher-code", route_access::user_session, handle_my_voucher_code},
};

}  // namespace

std::span<const route> alliance_routes() { return table; }

}  // namespace sharedstore
