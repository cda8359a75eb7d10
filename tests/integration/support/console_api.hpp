#pragma once
// The merchant console's login as tests drive it (docs/console-login.md): a login page's ticket
// with the browser's ticket cookie, a staff member's confirmation with their Bearer token, the
// page's long-poll, and calls made as the console makes them (cookie, X-CSRF-Token on writes).
#include "tests/integration/support/http_client.hpp"

#include <chrono>
#include <string>

namespace sharedstore::test_support {

// "name=value" of a Set-Cookie line (what a browser sends back in Cookie).
std::string cookie_pair(const std::string& set_cookie_line);
// The reply's Set-Cookie line for the cookie `name` (empty when none).
std::string set_cookie_named(const http_reply& reply, const std::string& name);

struct console_ticket {
    std::string id;
    std::string browser_cookie;  // "sharedstore_ticket=..." (or its __Secure- name)
    http_reply reply;
};

// POST /api/v1/console/tickets, as a browser holding `browser_cookie` (empty: a new browser).
console_ticket create_console_ticket(int port, const std::string& browser_cookie = "");
http_reply confirm_console_ticket(int port, const std::string& ticket, const std::string& bearer_token);
// GET /api/v1/console/tickets/{ticket} as the browser that made it (or `cookie` instead).
http_reply wait_console_ticket(int port, const console_ticket& ticket, std::chrono::milliseconds timeout = std::chrono::seconds(60));

struct console_session {
    std::string cookie;  // "sharedstore_console=..." (or its __Host- name)
    std::string csrf_token;
    std::string user_id;
    http_reply login_reply;  // the long-poll's answer that set the cookie
};

// Ticket, confirmation by the user of `bearer_token`, long-poll: a console session. Throws with
// the failing reply when a step does not answer as it should.
console_session console_login(int port, const std::string& bearer_token);

// A request as the console makes it: the session cookie, and X-CSRF-Token unless `with_csrf` is false.
http_reply console_call(int port, const std::string& method, const std::string& path, const console_session& session,
                        const std::string& body = "", bool with_csrf = true);

}  // namespace sharedstore::test_support
