#pragma once
// The server's proofs of who is calling, one per declared access (server/http/access.hpp):
// a session token, a console session cookie (with its CSRF token on writes), a POS API key's
// HMAC, WeChat Pay's signature. Each refusal is the 401 (or 403) of docs/errors.md.
#include "common/log.hpp"
#include "server/handlers/console_cookies.hpp"
#include "server/http/access.hpp"
#include "server/services/pos_service.hpp"
#include "server/storage/console_session_store.hpp"
#include "server/storage/session_store.hpp"
#include "wechat/pay/pay_notification.hpp"

#include <optional>
#include <string>

namespace sharedstore {

class caller_authenticator : public authenticator {
public:
    // `pay_verifier` null: WeChat Pay is off, and its routes answer 503.
    caller_authenticator(session_store& sessions, console_session_store& console_sessions, console_cookies cookies, pos_service& pos,
                         const wechat_pay::signature_verifier* pay_verifier, logger& log)
        : sessions_(sessions), console_sessions_(console_sessions), cookies_(cookies), pos_(pos), pay_verifier_(pay_verifier), log_(log) {}

    boost::asio::awaitable<authentication> authenticate(route_access required, const http_request& request) const override;

private:
    boost::asio::awaitable<authentication> user_session(const http_request& request) const;
    boost::asio::awaitable<authentication> console_session(const http_request& request) const;
    // A Bearer token when the request has an Authorization header, the console cookie otherwise.
    boost::asio::awaitable<authentication> staff(const http_request& request) const;
    boost::asio::awaitable<authentication> pos_signature(const http_request& request) const;
    authentication wechat_pay_signature(const http_request& request) const;

    session_store& sessions_;
    console_session_store& console_sessions_;
    console_cookies cookies_;
    pos_service& pos_;
    const wechat_pay::signature_verifier* pay_verifier_;
    logger& log_;
};

// The token of `Authorization: Bearer TOKEN`, nullopt when the header is absent or not that form.
std::optional<std::string> bearer_token(const http_request& request);

// True for a method that may change something (anything but GET, HEAD, OPTIONS): what needs the
// console's CSRF token.
bool is_write_method(std::string_view method);

// The Wechatpay-* headers of a request (empty when absent).
wechat_pay::signed_headers wechat_pay_headers(const http_request& request);

}  // namespace sharedstore
