#include "server/handlers/order_handlers.hpp"

#include "common/dependency_error.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/auth_handlers.hpp"
#include "server/handlers/order_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t max_amount_fen = 10'000'000'000LL;  // 100 million yuan: a sanity bound

// WeChat Pay reads only the status; the body is its documented {"code","message"}.
http_response wechat_answer(int status, const std::string& message) {
    if (status == 204) return http_response{204, "application/json", {}, ""};
    return http_response::json(status, json::object{{"code", "FAIL"}, {"message", message}});
}

std::string header_or_empty(const http_request& request, std::string_view name) { return std::string(request.header(name).value_or("")); }

// The POS's ids: 1-64 of [A-Za-z0-9_-].
std::string pos_id(body_reader& body, std::string_view name) {
    auto value = body.required_string(name, 1, 64);
    if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        throw api_error(400, "invalid_field", body.field(name) + " holds letters, digits, '-' and '_'");
    return value;
}

asio::awaitable<std::uint64_t> authenticate_pos(pos_service& pos, const http_request& request) {
    pos_signed_request signed_request{header_or_empty(request, "x-api-key"), header_or_empty(request, "x-timestamp"),
                                      header_or_empty(request, "x-nonce"),   header_or_empty(request, "x-signature"),
                                      request.method,                       request.path,
                                      request.body};
    auto merchant = co_await pos.authenticate(std::move(signed_request));
    if (!merchant) throw to_api_error(merchant.error());
    co_return merchant.value();
}

}  // namespace

void add_order_routes(router& routes, order_service& orders, pos_service& pos, session_store& sessions,
                      const wechat_pay::signature_verifier* verifier, logger& log) {
    routes.add("POST", "/api/v1/orders", [&](http_request& request) -> asio::awaitable<http_response> {
        auto caller = co_await authenticate(sessions, request);
        body_reader body(request);
        order_request order;
        const auto merchant = parse_decimal_id(body.required_string("merchant_id", 1, 20));
        if (!merchant) throw api_error(400, "invalid_field", "merchant_id must be an id (a decimal string)");
        order.merchant_id = *merchant;
        order.amount_fen = body.required_int("amount_fen", 1, max_amount_fen);
        order.description = body.required_string("description", 1, 127);
        order.kind = body.optional_string("kind", 1, 16).value_or("purchase");
        order.pay_with = body.required_string("pay_with", 1, 16);
        body.finish();
        if (order.kind != "purchase" && order.kind != "buy_in") throw api_error(400, "invalid_field", "kind is purchase or buy_in");
        if (order.pay_with != "wechat" && order.pay_with != "stored_value") throw api_error(400, "invalid_field", "pay_with is wechat or stored_value");
        // Stored value is spent, never bought with itself.
        if (order.kind == "buy_in" && order.pay_with != "wechat") throw api_error(400, "invalid_field", "a buy_in is paid with wechat");
        auto created = co_await orders.create(caller.user_id, std::move(order));
        auto& c = unwrap(created);
        json::object out{{"order", order_json(c.order)}};
        if (c.payment)
            out["payment"] = json::object{{"timeStamp", c.payment->time_stamp}, {"nonceStr", c.payment->nonce_str}, {"package", c.payment->package},
                                          {"signType", c.payment->sign_type},   {"paySign", c.payment->pay_sign}};
        co_return http_response::json(201, out);
    });

    routes.add("GET", "/api/v1/me/orders/{order_id}", [&](http_request& request) -> asio::awaitable<http_response> {
        auto caller = co_await authenticate(sessions, request);
        auto order = co_await orders.my_order(caller.user_id, id_param(request, "order_id", "order"));
        co_return http_response::json(200, json::object{{"order", order_json(unwrap(order))}});
    });

    // WeChat Pay's notifications. Nothing is written unless the signature, the timestamp and the
    // decryption all pass; every failure answers WeChat's {"code":"FAIL"} with a status it acts on.
    routes.add("POST", "/api/v1/wechat/pay/notify", [&orders, verifier, &log](http_request& request) -> asio::awaitable<http_response> {
        if (!verifier) co_return wechat_answer(503, "WeChat Pay is not configured on this server");
        wechat_pay::signed_headers headers{header_or_empty(request, "wechatpay-serial"), header_or_empty(request, "wechatpay-signature"),
                                           header_or_empty(request, "wechatpay-timestamp"), header_or_empty(request, "wechatpay-nonce")};
        auto opened = verifier->open_notification(headers, request.body, std::chrono::system_clock::now());
        if (!opened) {
            const auto failure = opened.error();
            log.warn("wechat_notification_rejected", {{"request_id", request.request_id}, {"reason", to_string(failure)}});
            const bool unauthentic = failure == wechat_pay::open_failure::missing_header || failure == wechat_pay::open_failure::stale_timestamp ||
                                     failure == wechat_pay::open_failure::unknown_serial || failure == wechat_pay::open_failure::bad_signature;
            co_return wechat_answer(unauthentic ? 401 : 400, std::string(to_string(failure)));
        }
        notification_result result{notification_outcome::retry_later, ""};
        std::string error;
        try {
            auto notification = std::move(opened.value());
            result = co_await orders.apply_notification(std::move(notification));
        } catch (const dependency_unavailable& e) {
            error = "the database cannot take it now";
        } catch (const std::exception& e) {
            log.error("wechat_notification_failed", {{"request_id", request.request_id}, {"error", e.what()}});
            error = "internal error";
        }
        if (!error.empty()) co_return wechat_answer(503, error);  // WeChat Pay retries
        switch (result.outcome) {
        case notification_outcome::applied:
        case notification_outcome::already_applied:
        case notification_outcome::ignored: co_return wechat_answer(204, "");
        case notification_outcome::refused: co_return wechat_answer(400, result.message);
        case notification_outcome::retry_later: co_return wechat_answer(503, result.message);
        }
        co_return wechat_answer(500, "unknown outcome");
    });

    routes.add("POST", "/api/v1/pos/orders", [&](http_request& request) -> asio::awaitable<http_response> {
        const auto merchant_id = co_await authenticate_pos(pos, request);
        body_reader body(request);
        pos_order_input input;
        input.merchant_order_id = pos_id(body, "merchant_order_id");
        if (auto user = body.optional_string("user_id", 1, 20)) {
            input.user_id = parse_decimal_id(*user);
            if (!input.user_id) throw api_error(400, "invalid_field", "user_id must be an id (a decimal string)");
        }
        input.openid = body.optional_string("openid", 1, 64).value_or("");
        input.phone = body.optional_string("phone", 1, 20).value_or("");
        if ((input.user_id ? 1 : 0) + !input.openid.empty() + !input.phone.empty() > 1)
            throw api_error(400, "invalid_field", "name the customer by one of user_id, openid or phone");
        input.amount_fen = body.required_int("amount_fen", 1, max_amount_fen);
        input.profit_fen = body.optional_int("profit_fen", 0, max_amount_fen);
        if (input.profit_fen && *input.profit_fen > input.amount_fen) throw api_error(400, "invalid_field", "profit_fen cannot exceed amount_fen");
        input.paid_at_text = body.required_string("paid_at", 1, 40);
        const auto paid_at = parse_rfc3339(input.paid_at_text);
        if (!paid_at) throw api_error(400, "invalid_field", "paid_at must be RFC 3339 with a zone");
        if (*paid_at > std::chrono::system_clock::now() + std::chrono::minutes(5)) throw api_error(400, "invalid_field", "paid_at is in the future");
        input.paid_at = *paid_at;
        input.category = body.optional_string("category", 1, 64).value_or("");
        body.finish();
        auto recorded = co_await pos.record_order(merchant_id, std::move(input));
        auto& r = unwrap(recorded);
        json::object out{{"order", order_json(r.order)}, {"replayed", r.replayed}};
        out["dividend"] = r.dividend ? json::value(json::object{{"id", std::to_string(r.dividend->id)},
                                                                {"partner_id", std::to_string(r.dividend->partner_id)},
                                                                {"amount_fen", r.dividend->amount_fen}})
                                     : json::value(nullptr);
        co_return http_response::json(r.replayed ? 200 : 201, out);
    });

    routes.add("POST", "/api/v1/pos/refunds", [&](http_request& request) -> asio::awaitable<http_response> {
        const auto merchant_id = co_await authenticate_pos(pos, request);
        body_reader body(request);
        auto order_id = pos_id(body, "merchant_order_id");
        auto refund_id = pos_id(body, "merchant_refund_id");
        const auto amount = body.required_int("amount_fen", 1, max_amount_fen);
        body.finish();
        auto refunded = co_await pos.record_refund(merchant_id, std::move(order_id), std::move(refund_id), amount);
        auto& r = unwrap(refunded);
        co_return http_response::json(r.replayed ? 200 : 201,
                                      json::object{{"order", order_json(r.order)}, {"reversed_fen", r.reversed_fen}, {"replayed", r.replayed}});
    });
}

}  // namespace sharedstore
