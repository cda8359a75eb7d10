#include "server/handlers/order_handlers.hpp"

#include "common/dependency_error.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/order_json.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/wechat_pay_answer.hpp"
#include "server/http/body_reader.hpp"
#include "server/http/request_params.hpp"
#include "server/services/order_service.hpp"
#include "server/services/pos_service.hpp"
#include "wechat/pay/pay_notification.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t max_amount_fen = 10'000'000'000LL;  // 100 million yuan: a sanity bound

// The POS's ids: 1-64 of [A-Za-z0-9_-].
std::string pos_id(body_reader& body, std::string_view name) {
    auto value = body.required_string(name, 1, 64);
    if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
        throw api_error(400, "invalid_field", body.field(name) + " holds letters, digits, '-' and '_'");
    return value;
}

// `card_redemption_id` (optional): the card the desk redeemed for this order (docs/api.md, "The customer's cards").
std::optional<std::uint64_t> card_redemption_param(body_reader& body) {
    auto text = body.optional_string("card_redemption_id", 1, 20);
    if (!text) return std::nullopt;
    auto id = parse_decimal_id(*text);
    if (!id) throw api_error(400, "invalid_field", "card_redemption_id must be an id (a decimal string)");
    return id;
}

asio::awaitable<http_response> handle_create_order(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    order_request order;
    const auto merchant = parse_decimal_id(body.required_string("merchant_id", 1, 20));
    if (!merchant) throw api_error(400, "invalid_field", "merchant_id must be an id (a decimal string)");
    order.merchant_id = *merchant;
    const auto kind = parse_order_kind(body.optional_string("kind", 1, 16).value_or("purchase"));
    if (!kind) throw api_error(400, "invalid_field", "kind is purchase, buy_in, top_up or membership");
    order.kind = *kind;
    // A top-up package or membership product is priced by the store: the order names it instead.
    const bool offer_priced = order.kind == order_kind::top_up || order.kind == order_kind::membership;
    if (offer_priced) {
        if (body.optional_int("amount_fen", 1, max_amount_fen)) throw api_error(400, "invalid_field", "a top_up or membership order names offer_id, not amount_fen");
        const auto offer = parse_decimal_id(body.required_string("offer_id", 1, 20));
        if (!offer) throw api_error(400, "invalid_field", "offer_id must be an id (a decimal string)");
        order.offer_id = *offer;
    } else {
        order.amount_fen = body.required_int("amount_fen", 1, max_amount_fen);
    }
    order.description = body.required_string("description", 1, 127);
    order.points = body.optional_int("points", 1, 10'000'000).value_or(0);
    const auto pay_with = body.required_string("pay_with", 1, 16);
    order.card_redemption_id = card_redemption_param(body);
    order.voucher_fen = body.optional_int("voucher_fen", 1, max_amount_fen).value_or(0);
    body.finish();
    // The API's words: "wechat" (WeChat Pay), "stored_value" (a partner's tier stored value) or
    // "prepaid" (a member's pre-stored value from top-up packages).
    if (pay_with == "wechat") order.pay_with = payment_source::wechat_pay;
    else if (pay_with == "stored_value") order.pay_with = payment_source::stored_value;
    else if (pay_with == "prepaid") order.pay_with = payment_source::prepaid;
    else throw api_error(400, "invalid_field", "pay_with is wechat, stored_value or prepaid");
    // Stored value is spent, never bought with itself; nor is pre-stored value.
    if ((order.kind == order_kind::buy_in || order.kind == order_kind::top_up) && order.pay_with != payment_source::wechat_pay)
        throw api_error(400, "invalid_field", "a buy_in or top_up is paid with wechat");
    if (order.points > 0 && order.kind != order_kind::purchase) throw api_error(400, "invalid_field", "points are spent on purchases");
    // A card discounts a purchase; a buy-in is the partner's own stored value.
    if (order.kind != order_kind::purchase && order.card_redemption_id) throw api_error(400, "invalid_field", "only a purchase takes a card_redemption_id");
    if (order.kind != order_kind::purchase && order.voucher_fen > 0) throw api_error(400, "invalid_field", "vouchers pay purchases only");
    auto created = co_await s.orders.create(who.user_id, std::move(order));
    auto& c = unwrap(created);
    json::object out{{"order", order_json(c.order)}};
    if (c.payment)
        out["payment"] = json::object{{"timeStamp", c.payment->time_stamp}, {"nonceStr", c.payment->nonce_str}, {"package", c.payment->package},
                                      {"signType", c.payment->sign_type},   {"paySign", c.payment->pay_sign}};
    co_return http_response::json(201, out);
}

asio::awaitable<http_response> handle_my_order(const api_services& s, http_request& request, const caller& who) {
    auto order = co_await s.orders.my_order(who.user_id, id_param(request, "order_id", "order"));
    co_return http_response::json(200, json::object{{"order", order_json(unwrap(order))}});
}

// The buyer gives up an unpaid WeChat Pay order (docs/api.md): its held points and card come back.
asio::awaitable<http_response> handle_close_my_order(const api_services& s, http_request& request, const caller& who) {
    auto order = co_await s.orders.close_my_order(who.user_id, id_param(request, "order_id", "order"));
    co_return http_response::json(200, json::object{{"order", order_json(unwrap(order))}});
}

// WeChat Pay's notifications. The pipeline checked the signature and its timestamp; nothing is
// written unless the resource decrypts too, and every failure answers WeChat's {"code":"FAIL"}
// with a status it acts on.
asio::awaitable<http_response> handle_wechat_pay_notification(const api_services& s, http_request& request, const caller&) {
    auto opened = s.pay_verifier->decrypt_notification(request.body);
    if (!opened) {
        s.log.warn("wechat_notification_rejected", {{"request_id", request.request_id}, {"reason", to_string(opened.error())}});
        co_return wechat_pay_answer(400, std::string(to_string(opened.error())));
    }
    notification_result result{notification_outcome::retry_later, ""};
    std::string error;
    try {
        auto notification = std::move(opened.value());
        result = co_await s.orders.apply_notification(std::move(notification));
    } catch (const dependency_unavailable& e) {
        error = "the database cannot take it now";
    } catch (const std::exception& e) {
        s.log.error("wechat_notification_failed", {{"request_id", request.request_id}, {"error", e.what()}});
        error = "internal error";
    }
    if (!error.empty()) co_return wechat_pay_answer(503, error);  // WeChat Pay retries
    switch (result.outcome) {
    case notification_outcome::applied:
    case notification_outcome::already_applied:
    case notification_outcome::ignored: co_return wechat_pay_answer(204, "");
    case notification_outcome::refused: co_return wechat_pay_answer(400, result.message);
    case notification_outcome::retry_later: co_return wechat_pay_answer(503, result.message);
    }
    co_return wechat_pay_answer(500, "unknown outcome");
}

asio::awaitable<http_response> handle_pos_order(const api_services& s, http_request& request, const caller& who) {
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
    input.card_redemption_id = card_redemption_param(body);
    // Vouchers reserved for this sale (POST /api/v1/pos/voucher-reservations): both or neither.
    if (auto reservation = body.optional_string("voucher_reservation_id", 1, 20)) {
        input.voucher_reservation_id = parse_decimal_id(*reservation);
        if (!input.voucher_reservation_id) throw api_error(400, "invalid_field", "voucher_reservation_id must be an id (a decimal string)");
    }
    input.voucher_fen = body.optional_int("voucher_fen", 1, max_amount_fen).value_or(0);
    if (input.voucher_reservation_id.has_value() != (input.voucher_fen > 0))
        throw api_error(400, "invalid_field", "voucher_reservation_id and voucher_fen come together");
    body.finish();
    auto recorded = co_await s.pos.record_order(who.merchant_id, std::move(input));
    auto& r = unwrap(recorded);
    json::object out{{"order", order_json(r.order)}, {"replayed", r.replayed}};
    out["dividend"] = r.dividend ? json::value(json::object{{"id", std::to_string(r.dividend->id)},
                                                            {"partner_id", std::to_string(r.dividend->partner_id)},
                                                            {"amount_fen", r.dividend->amount_fen}})
                                 : json::value(nullptr);
    co_return http_response::json(r.replayed ? 200 : 201, out);
}

asio::awaitable<http_response> handle_pos_refund(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    auto order_id = pos_id(body, "merchant_order_id");
    auto refund_id = pos_id(body, "merchant_refund_id");
    const auto amount = body.required_int("amount_fen", 1, max_amount_fen);
    body.finish();
    auto refunded = co_await s.pos.record_refund(who.merchant_id, std::move(order_id), std::move(refund_id), amount);
    auto& r = unwrap(refunded);
    co_return http_response::json(r.replayed ? 200 : 201,
                                  json::object{{"order", order_json(r.order)}, {"reversed_fen", r.reversed_fen}, {"replayed", r.replayed}});
}

json::object reservation_json(const voucher_reservation& r) {
    return json::object{{"id", std::to_string(r.id)},
                        {"merchant_order_id", r.merchant_order_id},
                        {"user_id", std::to_string(r.user_id)},
                        {"state", r.state},
                        {"order_total_fen", r.order_total_fen},
                        {"voucher_fen", r.voucher_fen},
                        {"pay_fen", r.order_total_fen - r.voucher_fen},
                        {"order_id", r.order_id ? json::value(std::to_string(*r.order_id)) : json::value(nullptr)},
                        {"released_by", r.released_by.empty() ? json::value(nullptr) : json::value(r.released_by)},
                        {"expires_at", format_rfc3339_seconds(r.expires_at)}};
}

// Step one of vouchers at the desk (docs/alliance.md, "At the desk"): the customer's code, the
// sale's id and amounts; the vouchers are held until the order callback names the reservation.
asio::awaitable<http_response> handle_pos_voucher_reservation(const api_services& s, http_request& request, const caller& who) {
    body_reader body(request);
    voucher_reservation_input input;
    input.merchant_order_id = pos_id(body, "merchant_order_id");
    const auto code = parse_voucher_code(body.required_string("code", 1, 40));
    input.order_total_fen = body.required_int("order_total_fen", 2, max_amount_fen);
    input.voucher_fen = body.required_int("voucher_fen", 1, max_amount_fen);
    body.finish();
    if (!code) throw api_error(400, "invalid_field", "code is the customer's 12-digit voucher code or its QR payload");
    input.code_digits = *code;
    if (input.voucher_fen >= input.order_total_fen) throw api_error(409, "vouchers_leave_nothing_to_pay", "vouchers may not pay the whole order: at least 1 fen is paid in money");
    auto reserved = co_await s.pos.reserve_vouchers(who.merchant_id, std::move(input));
    auto& r = unwrap(reserved);
    co_return http_response::json(r.replayed ? 200 : 201, json::object{{"reservation", reservation_json(r.reservation)}, {"replayed", r.replayed}});
}

asio::awaitable<http_response> handle_pos_voucher_cancel(const api_services& s, http_request& request, const caller& who) {
    auto cancelled = co_await s.pos.cancel_voucher_reservation(who.merchant_id, id_param(request, "reservation_id", "voucher_reservation"));
    auto& r = unwrap(cancelled);
    co_return http_response::json(200, json::object{{"reservation", reservation_json(r.reservation)}, {"replayed", r.replayed}});
}

constexpr route table[] = {
    {"POST", "/api/v1/orders",                route_access::user_session,         handle_create_order},
    {"GET",  "/api/v1/me/orders/{order_id}",  route_access::user_session,         handle_my_order},
    {"POST", "/api/v1/me/orders/{order_id}/close", route_access::user_session,    handle_close_my_order},
    {"POST", "/api/v1/wechat/pay/notify",     route_access::wechat_pay_signature, handle_wechat_pay_notification},
    {"POST", "/api/v1/pos/orders",            route_access::pos_signature,        handle_pos_order},
    {"POST", "/api/v1/pos/refunds",           route_access::pos_signature,        handle_pos_refund},
    {"POST", "/api/v1/pos/voucher-reservations", route_access::pos_signature,     handle_pos_voucher_reservation},
    {"POST", "/api/v1/pos/voucher-reservations/{reservation_id}/cancel", route_access::pos_signature, handle_pos_voucher_cancel},
};

}  // namespace

std::span<const route> order_routes() { return table; }

}  // namespace sharedstore
