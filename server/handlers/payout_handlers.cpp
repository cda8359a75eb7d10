#include "server/handlers/payout_handlers.hpp"

#include "common/clock.hpp"
#include "common/dependency_error.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/wechat_pay_answer.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/payout_service.hpp"
#include "server/services/wechat_transfer_gateway.hpp"
#include "wechat/pay/pay_notification.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t max_amount_fen = 10'000'000'000LL;  // 100 million yuan: a sanity bound

json::value optional_text(const std::string& t) { return t.empty() ? json::value(nullptr) : json::value(t); }
json::value optional_time(const std::optional<wall_time>& t) { return t ? json::value(format_rfc3339_utc(*t)) : json::value(nullptr); }

// What wx.requestMerchantTransfer needs while the bill waits for the partner; null otherwise.
json::value confirm_json(const api_services& s, const payout_record& p) {
    if (p.state != payout_state::wait_user_confirm || p.package_info.empty() || !s.payouts.gateway()) return nullptr;
    const auto ids = s.payouts.gateway()->confirm_ids();
    return json::object{{"mch_id", ids.mch_id}, {"app_id", ids.app_id}, {"package", p.package_info}};
}

json::object payout_json(const api_services& s, const payout_record& p) {
    return json::object{{"id", std::to_string(p.id)},
                        {"merchant", json::object{{"id", std::to_string(p.merchant_id)}, {"name", p.merchant_name}}},
                        {"partner_id", std::to_string(p.partner_id)},
                        {"request_id", p.request_id},
                        {"amount_fen", p.amount_fen},
                        {"state", to_string(p.state)},
                        {"out_bill_no", p.out_bill_no},
                        {"transfer_bill_no", optional_text(p.transfer_bill_no)},
                        {"wechat_state", optional_text(p.wechat_state)},
                        {"fail_reason", optional_text(p.fail_reason)},
                        {"decision_reason", optional_text(p.decision_reason)},
                        {"confirm", confirm_json(s, p)},
                        {"created_at", format_rfc3339_utc(p.created_at)},
                        {"finished_at", optional_time(p.finished_at)}};
}

json::object balance_json(const partner_payout_balance& b) {
    return json::object{{"merchant", json::object{{"id", std::to_string(b.merchant_id)}, {"name", b.merchant_name}}},
                        {"partner_id", std::to_string(b.partner_id)},
                        {"partner_user_id", std::to_string(b.partner_user_id)},
                        {"pending_fen", b.pending_fen},
                        {"withdrawable_fen", b.withdrawable_fen},
                        {"in_flight_fen", b.in_flight_fen},
                        {"debt_fen", b.debt_fen},
                        {"paid_out_fen", b.paid_out_fen}};
}

json::object limits_json(const payout_limits& l) {
    return json::object{{"payout_min_fen", l.min_fen},
                        {"payout_max_fen", l.max_fen},
                        {"payout_daily_max_fen", l.daily_max_fen},
                        {"payout_max_pending", l.max_pending},
                        {"payout_approval_above_fen", l.approval_above_fen ? json::value(*l.approval_above_fen) : json::value(nullptr)}};
}

std::string request_id_of(body_reader& body) {
    auto id = body.required_string("request_id", 8, 64);
    if (!std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        throw api_error(400, "invalid_field", "request_id holds letters, digits, '-' and '_'");
    return id;
}

asio::awaitable<http_response> handle_withdraw(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    withdrawal_request in;
    in.user_id = who.user_id;
    const auto merchant = body.required_string("merchant_id", 1, 20);
    const auto merchant_id = parse_decimal_id(merchant);
    if (!merchant_id) throw api_error(400, "invalid_field", "merchant_id must be an id (a decimal string)");
    in.merchant_id = *merchant_id;
    in.amount_fen = body.required_int("amount_fen", 1, max_amount_fen);
    in.request_id = request_id_of(body);
    body.finish();
    auto outcome = co_await s.payouts.withdraw(std::move(in));
    const auto& done = unwrap(outcome);
    co_return http_response::json(done.replayed ? 200 : 201, json::object{{"payout", payout_json(s, done.payout)}, {"replayed", done.replayed}});
}

asio::awaitable<http_response> handle_my_withdrawals(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id"});
    auto listed = co_await s.payouts.my_payouts(who.user_id, query.id_filter("merchant_id").value_or(0), query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, [&s](const payout_record& p) { return payout_json(s, p); },
                                                 [](const payout_record& p) { return p.id; }));
}

asio::awaitable<http_response> handle_my_withdrawal(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.payouts.my_payout(who.user_id, id_param(request, "payout_id", "payout"));
    co_return http_response::json(200, json::object{{"payout", payout_json(s, unwrap(found))}});
}

asio::awaitable<http_response> handle_cancel_withdrawal(const api_services& s, http_request& request, const caller& who) {
    auto cancelled = co_await s.payouts.cancel(who.user_id, id_param(request, "payout_id", "payout"));
    co_return http_response::json(200, json::object{{"payout", payout_json(s, unwrap(cancelled))}});
}

asio::awaitable<http_response> handle_my_payout_balances(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"merchant_id"});
    auto balances = co_await s.payouts.my_balances(who.user_id, query.id_filter("merchant_id").value_or(0));
    json::array items;
    for (const auto& b : unwrap(balances)) items.push_back(balance_json(b));
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<http_response> handle_set_real_name(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    // 2 to 40 characters (the service counts them): at most 4 bytes each.
    auto name = body.required_string("real_name", 2, 160);
    body.finish();
    auto set = co_await s.payouts.set_real_name(who.user_id, std::move(name));
    unwrap(set);
    co_return http_response::json(200, json::object{{"real_name_on_file", true}});
}

asio::awaitable<http_response> handle_store_payouts(const api_services& s, http_request& request, const caller& who) {
    const auto query = read_list_query(request, {"state"});
    std::optional<payout_state> state;
    if (auto word = query.choice_filter("state", {"awaiting_approval", "creating", "wait_user_confirm", "transferring", "cancelling", "succeeded",
                                                  "failed", "cancelled", "rejected"}))
        state = parse_payout_state(*word);
    auto listed = co_await s.payouts.store_payouts(who.user_id, id_param(request, "merchant_id", "merchant"), state, query.before_id, query.limit + 1);
    co_return http_response::json(200, page_json(unwrap(listed), query.limit, [&s](const payout_record& p) { return payout_json(s, p); },
                                                 [](const payout_record& p) { return p.id; }));
}

// No body, like the other actions named by their path (cancel, claim).
asio::awaitable<http_response> handle_approve_payout(const api_services& s, http_request& request, const caller& who) {
    auto approved = co_await s.payouts.approve(who.user_id, id_param(request, "merchant_id", "merchant"), id_param(request, "payout_id", "payout"));
    co_return http_response::json(200, json::object{{"payout", payout_json(s, unwrap(approved))}});
}

asio::awaitable<http_response> handle_reject_payout(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto reason = body.required_string("reason", 1, 200);
    body.finish();
    auto rejected = co_await s.payouts.reject(who.user_id, id_param(request, "merchant_id", "merchant"), id_param(request, "payout_id", "payout"),
                                              std::move(reason));
    co_return http_response::json(200, json::object{{"payout", payout_json(s, unwrap(rejected))}});
}

asio::awaitable<http_response> handle_store_payout_balances(const api_services& s, http_request& request, const caller& who) {
    auto balances = co_await s.payouts.store_balances(who.user_id, id_param(request, "merchant_id", "merchant"));
    json::array items;
    for (const auto& b : unwrap(balances)) items.push_back(balance_json(b));
    co_return http_response::json(200, json::object{{"items", std::move(items)}});
}

asio::awaitable<http_response> handle_payout_reconciliation(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.payouts.reconciliation(who.user_id, id_param(request, "merchant_id", "merchant"));
    const auto& r = unwrap(found);
    auto check = [](const char* name, std::int64_t payouts, std::int64_t ledger) {
        return json::object{{"name", name}, {"payouts_fen", payouts}, {"ledger_fen", ledger}, {"balanced", payouts == ledger}};
    };
    json::array disagreeing;
    for (auto id : r.disagreeing) disagreeing.push_back(json::value(std::to_string(id)));
    const bool balanced = r.succeeded_fen == r.succeeded_ledger_fen && r.unfinished_fen == r.in_flight_ledger_fen &&
                          r.returned_fen == r.returned_ledger_fen && r.disagreeing.empty();
    co_return http_response::json(200, json::object{{"checks", json::array{check("paid_out", r.succeeded_fen, r.succeeded_ledger_fen),
                                                                           check("in_flight", r.unfinished_fen, r.in_flight_ledger_fen),
                                                                           check("returned", r.returned_fen, r.returned_ledger_fen)}},
                                                    {"wechat_disagrees", std::move(disagreeing)},
                                                    {"balanced", balanced}});
}

asio::awaitable<http_response> handle_payout_limits(const api_services& s, http_request& request, const caller& who) {
    auto found = co_await s.payouts.limits(who.user_id, id_param(request, "merchant_id", "merchant"));
    co_return http_response::json(200, json::object{{"limits", limits_json(unwrap(found))}});
}

asio::awaitable<http_response> handle_change_payout_limits(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    payout_limits l;
    l.min_fen = body.required_int("payout_min_fen", 0, max_amount_fen);
    l.max_fen = body.required_int("payout_max_fen", 0, max_amount_fen);
    l.daily_max_fen = body.required_int("payout_daily_max_fen", 0, max_amount_fen);
    l.max_pending = static_cast<int>(body.required_int("payout_max_pending", 0, 1000));
    // Required, null for "no approval": a PUT names the whole setting.
    const auto& object = require_json_object(request);
    const auto approval = object.find("payout_approval_above_fen");
    if (approval == object.end()) throw api_error(400, "missing_field", "payout_approval_above_fen is required (null: no approval)");
    if (!approval->value().is_null()) l.approval_above_fen = body.optional_int("payout_approval_above_fen", 0, max_amount_fen);
    else body.optional_int("payout_approval_above_fen", 0, max_amount_fen);
    body.finish();
    auto changed = co_await s.payouts.change_limits(who.user_id, id_param(request, "merchant_id", "merchant"), l);
    co_return http_response::json(200, json::object{{"limits", limits_json(unwrap(changed))}});
}

// MCHTRANSFER.BILL.FINISHED. The pipeline checked the signature and its timestamp; the resource
// must decrypt too. Answered in WeChat Pay's {"code":"FAIL"} form; a failure makes it retry.
asio::awaitable<http_response> handle_transfer_notification(const api_services& s, http_request& request, const caller&) {
    auto opened = s.pay_verifier->decrypt_transfer_notification(request.body);
    if (!opened) {
        s.log.warn("wechat_transfer_notification_rejected", {{"request_id", request.request_id}, {"reason", to_string(opened.error())}});
        co_return wechat_pay_answer(400, std::string(to_string(opened.error())));
    }
    std::string error;
    bill_applied applied = bill_applied::unchanged;
    try {
        auto bill = bill_of(opened.value().bill);
        applied = co_await s.payouts.apply_notification(std::move(bill));
    } catch (const dependency_unavailable&) {
        error = "the database cannot take it now";
    } catch (const std::exception& e) {
        s.log.error("wechat_transfer_notification_failed", {{"request_id", request.request_id}, {"error", e.what()}});
        error = "internal error";
    }
    if (!error.empty()) co_return wechat_pay_answer(503, error);
    if (applied == bill_applied::unknown_bill)
        // Not ours (another system on the same merchant account, or a bill older than our data):
        // accepted, so WeChat Pay stops, and logged for the operator.
        s.log.warn("wechat_transfer_notification_unknown_bill", {{"request_id", request.request_id}, {"out_bill_no", opened.value().bill.out_bill_no}});
    co_return wechat_pay_answer(204, "");
}

constexpr route table[] = {
    {"POST", "/api/v1/me/withdrawals",                                        route_access::user_session, handle_withdraw},
    {"GET",  "/api/v1/me/withdrawals",                                        route_access::user_session, handle_my_withdrawals},
    {"GET",  "/api/v1/me/withdrawals/{payout_id}",                            route_access::user_session, handle_my_withdrawal},
    {"POST", "/api/v1/me/withdrawals/{payout_id}/cancel",                     route_access::user_session, handle_cancel_withdrawal},
    {"GET",  "/api/v1/me/payout-balances",                                    route_access::user_session, handle_my_payout_balances},
    {"PUT",  "/api/v1/me/real-name",                                          route_access::user_session, handle_set_real_name},
    {"GET",  "/api/v1/merchants/{merchant_id}/payouts",                       route_access::staff,        handle_store_payouts},
    {"POST", "/api/v1/merchants/{merchant_id}/payouts/{payout_id}/approve",   route_access::staff,        handle_approve_payout},
    {"POST", "/api/v1/merchants/{merchant_id}/payouts/{payout_id}/reject",    route_access::staff,        handle_reject_payout},
    {"GET",  "/api/v1/merchants/{merchant_id}/payout-balances",               route_access::staff,        handle_store_payout_balances},
    {"GET",  "/api/v1/merchants/{merchant_id}/payout-reconciliation",         route_access::staff,        handle_payout_reconciliation},
    {"GET",  "/api/v1/merchants/{merchant_id}/payout-limits",                 route_access::staff,        handle_payout_limits},
    {"PUT",  "/api/v1/merchants/{merchant_id}/payout-limits",                 route_access::staff,        handle_change_payout_limits},
    {"POST", "/api/v1/wechat/pay/transfer-notify",                            route_access::wechat_pay_signature, handle_transfer_notification},
};

}  // namespace

std::span<const route> payout_routes() { return table; }

}  // namespace sharedstore
