#include "wechat/pay/v3_transport.hpp"

#include "common/random_token.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

namespace sharedstore::wechat_pay {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string unix_seconds() {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

signed_headers answer_headers(const client_response& response) {
    auto get = [&](std::string_view name) { return std::string(response.header(name).value_or("")); };
    return {get("wechatpay-serial"), get("wechatpay-signature"), get("wechatpay-timestamp"), get("wechatpay-nonce")};
}

}  // namespace

pay_error error_of(const client_response& response) {
    pay_error e{response.status, "HTTP_" + std::to_string(response.status), ""};
    boost::system::error_code ec;
    auto value = json::parse(response.body, ec);
    if (!ec && value.is_object()) {
        const auto& o = value.as_object();
        if (auto c = o.find("code"); c != o.end() && c->value().is_string()) e.code = std::string(c->value().as_string());
        if (auto m = o.find("message"); m != o.end() && m->value().is_string()) e.message = std::string(m->value().as_string());
    }
    return e;
}

v3_transport::v3_transport(https_client& http, v3_transport_config config, private_key merchant_key, const signature_verifier& answers,
                           logger& log)
    : http_(http), config_(std::move(config)), merchant_key_(std::move(merchant_key)), answers_(answers), log_(log) {}

asio::awaitable<pay_result<client_response>> v3_transport::send(std::string method, std::string path_and_query, std::string body,
                                                                std::string wechatpay_serial) {
    if (wechatpay_serial.empty()) wechatpay_serial = config_.wechatpay_serial;
    auto backoff = config_.retry_backoff;
    pay_error last{0, "unreachable", "no attempt"};
    for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
        // A fresh nonce and timestamp per attempt: WeChat Pay refuses a replayed signature.
        authorization auth{config_.mchid, random_hex(16), "", unix_seconds(), config_.merchant_serial};
        auth.signature = merchant_key_.sign(request_message(method, path_and_query, auth.timestamp, auth.nonce_str, body));
        client_request request;
        request.method = method;
        request.url = config_.base_url + path_and_query;
        request.headers = {{"Authorization", format_authorization(auth)}, {"Accept", "application/json"}};
        if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
        if (!wechatpay_serial.empty()) request.headers.emplace_back("Wechatpay-Serial", wechatpay_serial);
        request.body = body;
        bool retryable = false;
        try {
            auto response = co_await http_.send(std::move(request));
            // An answer we cannot authenticate is not an answer (it could come from anyone on the path).
            if (auto failure = answers_.verify(answer_headers(response), response.body, std::chrono::system_clock::now())) {
                last = pay_error{response.status, "bad_answer_signature", std::string(to_string(*failure))};
                retryable = response.status >= 500;
            } else if (response.status >= 500) {
                last = error_of(response);
                retryable = true;
            } else {
                co_return response;
            }
        } catch (const transport_error& e) {
            last = pay_error{0, "unreachable", e.what()};
            retryable = true;
        }
        log_.warn("wechat_pay_call_failed", {{"path", path_and_query.substr(0, path_and_query.find('?'))},
                                             {"attempt", attempt},
                                             {"status", last.http_status},
                                             {"code", last.code},
                                             {"will_retry", retryable && attempt < config_.max_attempts}});
        if (!retryable || attempt == config_.max_attempts) break;
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer pause(executor, backoff);
        co_await pause.async_wait(asio::use_awaitable);
        backoff *= 2;
    }
    co_return last;
}

}  // namespace sharedstore::wechat_pay
