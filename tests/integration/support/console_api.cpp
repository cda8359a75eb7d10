#include "tests/integration/support/console_api.hpp"

#include <stdexcept>

namespace sharedstore::test_support {

std::string cookie_pair(const std::string& set_cookie_line) { return set_cookie_line.substr(0, set_cookie_line.find(';')); }

std::string set_cookie_named(const http_reply& reply, const std::string& name) {
    for (const auto& line : reply.headers_named("set-cookie"))
        if (line.rfind(name + "=", 0) == 0) return line;
    return {};
}

console_ticket create_console_ticket(int port, const std::string& browser_cookie) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!browser_cookie.empty()) headers.emplace_back("Cookie", browser_cookie);
    console_ticket ticket;
    ticket.reply = http_call(port, "POST", "/api/v1/console/tickets", "", headers);
    if (ticket.reply.status != 201) return ticket;
    ticket.id = std::string(ticket.reply.json().at("ticket_id").as_string());
    for (const auto& line : ticket.reply.headers_named("set-cookie"))
        if (line.find("sharedstore_ticket=") != std::string::npos) ticket.browser_cookie = cookie_pair(line);
    return ticket;
}

http_reply confirm_console_ticket(int port, const std::string& ticket, const std::string& bearer_token) {
    return http_call(port, "POST", "/api/v1/console/tickets/" + ticket + "/confirm", "", {{"Authorization", "Bearer " + bearer_token}});
}

http_reply wait_console_ticket(int port, const console_ticket& ticket, std::chrono::milliseconds timeout) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!ticket.browser_cookie.empty()) headers.emplace_back("Cookie", ticket.browser_cookie);
    return http_call(port, "GET", "/api/v1/console/tickets/" + ticket.id, "", headers, timeout);
}

console_session console_login(int port, const std::string& bearer_token) {
    auto ticket = create_console_ticket(port);
    if (ticket.reply.status != 201) throw std::runtime_error("console ticket: " + ticket.reply.body);
    auto confirmed = confirm_console_ticket(port, ticket.id, bearer_token);
    if (confirmed.status != 200) throw std::runtime_error("console confirmation: " + confirmed.body);
    console_session session;
    session.login_reply = wait_console_ticket(port, ticket);
    const auto& reply = session.login_reply;
    if (reply.status != 200 || reply.json().at("status").as_string() != "confirmed") throw std::runtime_error("console long-poll: " + reply.body);
    for (const auto& line : reply.headers_named("set-cookie"))
        if (line.find("sharedstore_console=") != std::string::npos) session.cookie = cookie_pair(line);
    if (session.cookie.empty()) throw std::runtime_error("console long-poll set no session cookie");
    session.csrf_token = std::string(reply.json().at("csrf_token").as_string());
    session.user_id = std::string(reply.json().at("user").at("id").as_string());
    return session;
}

http_reply console_call(int port, const std::string& method, const std::string& path, const console_session& session, const std::string& body,
                        bool with_csrf) {
    std::vector<std::pair<std::string, std::string>> headers{{"Cookie", session.cookie}};
    if (with_csrf) headers.emplace_back("X-CSRF-Token", session.csrf_token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_call(port, method, path, body, headers);
}

}  // namespace sharedstore::test_support
