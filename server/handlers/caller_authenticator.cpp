#include "server/handlers/caller_authenticator.hpp"

#include "server/handlers/service_errors.hpp"
#include "server/handlers/wechat_pay_answer.hpp"
#include "server/http/api_error.hpp"

#include "common/sha256.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

std::string header_or_empty(const http_request& request, std::string_view name) { return std::string(request.header(name).value_or("")); }

}  // namespace

std::optional<std::string> bearer_token(const http_request& request) {
    auto header = request.header("authorization");
    if (!header) return std::nullopt;
    std::string_view value = *header;
    if (value.size() < 7 || (value.substr(0, 7) != "Bearer " && value.substr(0, 7) != "bearer ")) return std::nullopt;
    return std::string(value.substr(7));
}

bool is_write_method(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

wechat_pay::signed_headers wechat_pay_headers(const http_request& request) {
    return {header_or_empty(request, "wechatpay-serial"), header_or_empty(request, "wechatpay-signature"),
            header_or_empty(request, "wechatpay-timestamp"), header_or_empty(request, "wechatpay-nonce")};
}

asio::awaitable<authentication> caller_authenticator::authenticate(route_access required, const http_request& request) const {
    switch (required) {
    case route_access::none: co_return caller{};
    case route_access::user_session: co_return co_await user_session(request);
    case route_access::pos_signature: co_return co_await pos_signature(request);
    case route_access::wechat_pay_signature: co_return wechat_pay_signature(request);
    case route_access::console_session: co_return co_await console_session(request);
    case route_access::staff: co_return co_await staff(request);
    }
    co_return error_response(500, "internal_error", "internal error", request.request_id);
}

asio::awaitable<authentication> caller_authenticator::user_session(const http_request& request) const {
    auto token = bearer_token(request);
    if (!token) {
        // Two messages, one code: a client fixes both the same way.
        const bool absent = !request.header("authorization");
        co_return error_response(401, "unauthenticated",
                                 absent ? "sign in first: send Authorization: Bearer TOKEN" : "the Authorization header must be: Bearer TOKEN",
                                 request.request_id);
    }
    auto session = co_await sessions_.find(std::move(*token));
    if (!session)
        co_return error_response(401, "invalid_session", "the session is unknown, expired or signed out; sign in again", request.request_id);
    co_return caller{.user_id = session->user_id, .session_id = session->session_id};
}

asio::awaitable<authentication> caller_authenticator::console_session(const http_request& request) const {
    auto token = cookie_value(request, cookies_.session_name());
    if (!token || token->empty())
        co_return error_response(401, "unauthenticated", "sign in to the console first: scan its QR code with the mini-program", request.request_id);
    auto session = co_await console_sessions_.find(std::move(*token));
    if (!session)
        co_return error_response(401, "invalid_session", "the console session is unknown, expired or signed out; scan the QR code again",
                                 request.request_id);
    // SameSite=Strict keeps the cookie off other sites' requests; the token, which only the
    // console's own pages can read (GET /api/v1/console/me), is the second lock.
    if (is_write_method(request.method)) {
        const auto sent = request.header("x-csrf-token").value_or("");
        if (sent.empty() || !constant_time_equal(sent, session->csrf_token))
            co_return error_response(to_api_error(failure(service_failure::csrf_token_invalid)), request.request_id);
    }
    co_return caller{.user_id = session->user_id, .session_id = session->session_id, .merchant_id = 0, .console = true};
}

asio::awaitable<authentication> caller_authenticator::staff(const http_request& request) const {
    if (request.header("authorization")) co_return co_await user_session(request);
    if (cookie_value(request, cookies_.session_name())) co_return co_await console_session(request);
    co_return error_response(401, "unauthenticated", "sign in first: send Authorization: Bearer TOKEN, or the console's session cookie",
                             request.request_id);
}

asio::awaitable<authentication> caller_authenticator::pos_signature(const http_request& request) const {
    pos_signed_request signed_request{header_or_empty(request, "x-api-key"), header_or_empty(request, "x-timestamp"),
                                      header_or_empty(request, "x-nonce"),   header_or_empty(request, "x-signature"),
                                      request.method,                       request.path,
                                      request.body};
    auto merchant = co_await pos_.authenticate(std::move(signed_request));
    if (!merchant) co_return error_response(to_api_error(merchant.error()), request.request_id);
    caller store;
    store.merchant_id = merchant.value();
    co_return store;
}

// Only the signature and its timestamp: decrypting the resource is the handler's (a body that
// does not open is a 400, not a 401).
authentication caller_authenticator::wechat_pay_signature(const http_request& request) const {
    if (!pay_verifier_) return wechat_pay_answer(503, "WeChat Pay is not configured on this server");
    if (auto failure = pay_verifier_->verify(wechat_pay_headers(request), request.body, std::chrono::system_clock::now())) {
        log_.warn("wechat_notification_rejected", {{"request_id", request.request_id}, {"reason", to_string(*failure)}});
        return wechat_pay_answer(401, std::string(to_string(*failure)));
    }
    return caller{};
}

}  // namespace sharedstore
