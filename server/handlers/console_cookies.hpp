#pragma once
// The console's two cookies (docs/console-login.md). With `secure` (https, production) their names
// carry the __Host- and __Secure- prefixes, which browsers accept only from a secure origin, so a
// sibling domain cannot plant them.
#include "server/http/cookies.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace sharedstore {

struct console_cookies {
    bool secure = true;

    // The session: Path=/, Max-Age = the session's absolute lifetime.
    std::string_view session_name() const { return secure ? "__Host-sharedstore_console" : "sharedstore_console"; }
    // The login page's proof that it made the ticket it waits on: only the ticket routes see it.
    std::string_view ticket_name() const { return secure ? "__Secure-sharedstore_ticket" : "sharedstore_ticket"; }
    static constexpr std::string_view ticket_path = "/api/v1/console/tickets";

    std::string session(std::string_view token, std::chrono::seconds max_age) const { return set_cookie(session_name(), token, "/", max_age, secure); }
    std::string clear_session() const { return set_cookie(session_name(), "", "/", std::chrono::seconds(0), secure); }
    std::string ticket(std::string_view secret, std::chrono::seconds max_age) const {
        return set_cookie(ticket_name(), secret, ticket_path, max_age, secure);
    }
};

}  // namespace sharedstore
