#include "wechat/pay/pay_client.hpp"

#include "common/random_token.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sharedstore::wechat_pay {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string unix_seconds() {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A refund answer or query answer; nullopt when a documented field is missing or mistyped.
std::optional<refund_state> decode_refund_state(const std::string& body) {
    boost::system::error_code ec;
    auto value = json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto& o = value.as_object();
    auto text = [&](std::string_view key) -> const json::string* {
        auto it = o.find(key);
        return it != o.end() && it->value().is_string() ? &it->value().as_string() : nullptr;
    };
    auto amount = o.find("amount");
    if (!text("refund_id") || !text("out_refund_no") || !text("out_trade_no") || !text("status") || amount == o.end() ||
        !amount->value().is_object())
        return std::nullopt;
    const auto& a = amount->value().as_object();
    auto refund = a.find("refund"), total = a.find("total");
    if (refund == a.end() || !refund->value().is_int64() || total == a.end() || !total->value().is_int64()) return std::nullopt;
    refund_state r;
    r.refund_id = *text("refund_id");
    r.out_refund_no = *text("out_refund_no");
    r.out_trade_no = *text("out_trade_no");
    r.status = *text("status");
    if (auto t = text("transaction_id")) r.transaction_id = *t;
    if (auto t = text("success_time")) r.success_time = *t;
    r.refund_fen = refund->value().as_int64();
    r.total_fen = total->value().as_int64();
    return r;
}

}  // namespace

pay_client::pay_client(https_client& http, pay_client_config config, private_key merchant_key, const signature_verifier& answers, logger& log)
    : config_(std::move(config)),
      transport_(http,
                 v3_transport_config{.base_url = config_.base_url,
                                     .mchid = config_.mchid,
                                     .merchant_serial = config_.merchant_serial,
                                     .wechatpay_serial = config_.wechatpay_serial,
                                     .max_attempts = config_.max_attempts,
                                     .retry_backoff = config_.retry_backoff},
                 std::move(merchant_key), answers, log) {}

asio::awaitable<pay_result<std::string>> pay_client::jsapi_prepay(jsapi_order order) {
    json::object body{{"appid", config_.appid},
                      {"mchid", config_.mchid},
                      {"description", order.description},
                      {"out_trade_no", order.out_trade_no},
                      {"notify_url", config_.notify_url},
                      {"amount", json::object{{"total", order.total_fen}, {"currency", "CNY"}}},
                      {"payer", json::object{{"openid", order.payer_openid}}}};
    if (!order.attach.empty()) body["attach"] = order.attach;
    std::string method = "POST", path = "/v3/pay/transactions/jsapi";
    auto text = json::serialize(body);
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(text));
    if (!response) co_return response.error();
    if (response.value().status != 200) co_return error_of(response.value());
    boost::system::error_code ec;
    auto answer = json::parse(response.value().body, ec);
    if (ec || !answer.is_object() || !answer.as_object().contains("prepay_id") || !answer.as_object().at("prepay_id").is_string())
        co_return pay_error{200, "bad_answer", "prepay answer without prepay_id"};
    co_return std::string(answer.as_object().at("prepay_id").as_string());
}

asio::awaitable<pay_result<std::optional<transaction_info>>> pay_client::query_by_out_trade_no(std::string out_trade_no) {
    std::string method = "GET", path = "/v3/pay/transactions/out-trade-no/" + out_trade_no + "?mchid=" + config_.mchid, body;
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(body));
    if (!response) co_return response.error();
    const auto& r = response.value();
    if (r.status == 404) {
        auto e = error_of(r);
        if (e.code == "ORDER_NOT_EXIST") co_return std::optional<transaction_info>{};
        co_return e;
    }
    if (r.status != 200) co_return error_of(r);
    boost::system::error_code ec;
    auto answer = json::parse(r.body, ec);
    std::optional<transaction_info> t;
    if (!ec && answer.is_object()) t = decode_transaction(answer.as_object());
    if (!t) co_return pay_error{200, "bad_answer", "query answer is not a transaction"};
    co_return t;
}

asio::awaitable<pay_result<bool>> pay_client::close_order(std::string out_trade_no) {
    std::string method = "POST", path = "/v3/pay/transactions/out-trade-no/" + out_trade_no + "/close";
    auto text = json::serialize(json::object{{"mchid", config_.mchid}});
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(text));
    if (!response) co_return response.error();
    const auto& r = response.value();
    if (r.status == 204 || r.status == 200) co_return true;
    auto e = error_of(r);
    if (r.status == 404 && e.code == "ORDER_NOT_EXIST") co_return false;
    co_return e;
}

asio::awaitable<pay_result<refund_state>> pay_client::create_refund(refund_request refund) {
    json::object body{{"out_trade_no", refund.out_trade_no},
                      {"out_refund_no", refund.out_refund_no},
                      {"notify_url", config_.notify_url},
                      {"amount", json::object{{"refund", refund.refund_fen}, {"total", refund.total_fen}, {"currency", "CNY"}}}};
    if (!refund.reason.empty()) body["reason"] = refund.reason;
    std::string method = "POST", path = "/v3/refund/domestic/refunds";
    auto text = json::serialize(body);
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(text));
    if (!response) co_return response.error();
    if (response.value().status != 200) co_return error_of(response.value());
    auto state = decode_refund_state(response.value().body);
    if (!state || state->out_refund_no != refund.out_refund_no) co_return pay_error{200, "bad_answer", "refund answer is not our refund"};
    co_return *state;
}

asio::awaitable<pay_result<std::optional<refund_state>>> pay_client::query_refund(std::string out_refund_no) {
    std::string method = "GET", path = "/v3/refund/domestic/refunds/" + out_refund_no, body;
    auto response = co_await transport_.send(std::move(method), std::move(path), std::move(body));
    if (!response) co_return response.error();
    const auto& r = response.value();
    if (r.status == 404) {
        auto e = error_of(r);
        if (e.code == "RESOURCE_NOT_EXISTS") co_return std::optional<refund_state>{};
        co_return e;
    }
    if (r.status != 200) co_return error_of(r);
    auto state = decode_refund_state(r.body);
    if (!state || state->out_refund_no != out_refund_no) co_return pay_error{200, "bad_answer", "refund query answer is not our refund"};
    co_return std::optional<refund_state>(std::move(*state));
}

js_payment_params pay_client::payment_params(const std::string& prepay_id) const {
    js_payment_params p{unix_seconds(), random_hex(16), "prepay_id=" + prepay_id, "RSA", ""};
    p.pay_sign = transport_.sign(js_payment_message(config_.appid, p.time_stamp, p.nonce_str, p.package));
    return p;
}

}  // namespace sharedstore::wechat_pay
