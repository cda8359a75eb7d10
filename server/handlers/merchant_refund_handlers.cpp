#include "server/handlers/merchant_refund_handlers.hpp"

#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/merchant_refund_service.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t max_amount_fen = 10'000'000'000LL;  // 100 million yuan: a sanity bound

json::object refund_json(const merchant_refund_record& r) {
    auto optional_text = [](const std::string& t) { return t.empty() ? json::value(nullptr) : json::value(t); };
    return json::object{{"id", std::to_string(r.id)},
                        {"order_id", std::to_string(r.order_id)},
                        {"request_id", r.request_id},
                        {"out_refund_no", r.out_refund_no},
                        {"amount_fen", r.amount_fen},
                        {"reason", optional_text(r.reason)},
                        {"status", to_string(r.status)},
                        {"wechat_refund_id", optional_text(r.wechat_refund_id)},
                        {"failure_code", optional_text(r.failure_code)},
                        {"requested_by_user_id", std::to_string(r.requested_by_user_id)},
                        {"created_at", format_rfc3339_seconds(r.created_at)}};
}

asio::awaitable<http_response> handle_refund_order(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    merchant_refund_request in;
    in.merchant_id = id_param(request, "merchant_id", "merchant");
    in.order_id = id_param(request, "order_id", "order");
    in.caller = who.user_id;
    in.request_id = body.required_string("request_id", 8, 64);
    if (!std::all_of(in.request_id.begin(), in.request_id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        throw api_error(400, "invalid_field", "request_id holds letters, digits, '-' and '_'");
    in.amount_fen = body.required_int("amount_fen", 1, max_amount_fen);
    // WeChat Pay shows the reason to the payer: at most 80 characters (we count bytes, stricter).
    in.reason = body.optional_string("reason", 1, 80).value_or("");
    body.finish();
    auto outcome = co_await s.merchant_refunds.refund(std::move(in));
    const auto& done = unwrap(outcome);
    co_return http_response::json(done.replayed ? 200 : 201, json::object{{"refund", refund_json(done.refund)}, {"replayed", done.replayed}});
}

constexpr route table[] = {
    {"POST", "/api/v1/merchants/{merchant_id}/orders/{order_id}/refunds", route_access::staff, handle_refund_order},
};

}  // namespace

std::span<const route> merchant_refund_routes() { return table; }

}  // namespace sharedstore
