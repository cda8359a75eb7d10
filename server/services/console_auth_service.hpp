#pragma once
// The merchant console's login by scanning with the mini-program, and its sessions
// (docs/console-login.md): a login page gets a one-time ticket and its QR code; a staff member's
// mini-program confirms the ticket with their own session; the page, waiting on the ticket, takes
// the confirmation once and becomes a console session. Expected failures are values.
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/result.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/console_repository.hpp"
#include "server/storage/console_session_store.hpp"
#include "server/storage/console_ticket_store.hpp"
#include "server/storage/console_ticket_wakeups.hpp"
#include "server/storage/rate_limiter.hpp"
#include "wechat/wechat_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct console_login_settings {
    std::chrono::seconds ticket_ttl{120};
    std::chrono::seconds long_poll{25};
    std::string login_page = "pages/console-login/index";
    std::string qr_env_version = "release";
    int tickets_per_ip_minute = 30;  // as many as logins (auth.login_limit_per_ip)
    // Development only: the ticket is logged, so that `sharedstore console-confirm` can be given it.
    bool log_tickets = false;
};

struct console_ticket {
    std::string ticket;         // the ticket id: in the QR code's scene and the waiting page's URL
    std::string waiter_secret;  // the creating browser's proof (a cookie), needed to take the session
    std::string qr_image;       // getwxacodeunlimit's image bytes
    std::chrono::system_clock::time_point expires_at;
};

// A console session as the browser gets it, with whom it belongs to.
struct console_login {
    std::string token;  // empty when the session already existed (GET /me)
    console_session_record session;
    std::vector<staff_store> stores;
};

enum class ticket_wait_status { pending, confirmed, expired };

struct ticket_wait_outcome {
    ticket_wait_status status = ticket_wait_status::pending;
    std::optional<console_login> login;  // confirmed
};

class console_auth_service {
public:
    // `wechat` null: no QR codes (create_ticket fails with qr_unavailable); `wakeups` null: a wait
    // looks at the ticket once and answers (console-confirm, which never waits).
    console_auth_service(mysql_pool& database, console_ticket_store& tickets, console_session_store& sessions, console_ticket_wakeups* wakeups,
                         wechat_client* wechat, rate_limiter& limiter, console_login_settings settings, logger& log);

    // `waiter_secret`: the browser's proof from an earlier ticket, reused when well formed (two
    // tabs of one browser share it); otherwise a new one.
    boost::asio::awaitable<service_result<console_ticket>> create_ticket(std::string client_address, std::string waiter_secret);
    // By a signed-in user who is staff of at least one store; confirming again is a replay.
    boost::asio::awaitable<service_result<std::vector<staff_store>>> confirm(std::uint64_t user_id, std::string ticket);
    // Waits (on `executor`, the caller's) up to the long-poll limit for the confirmation; the
    // first waiting page to see it takes the session, every other one then sees `expired`.
    boost::asio::awaitable<service_result<ticket_wait_outcome>> wait(std::string ticket, std::string waiter_secret,
                                                                     boost::asio::any_io_executor executor);
    // The console session of a cookie's token (nullopt: unknown, idle, expired, revoked).
    boost::asio::awaitable<std::optional<console_session_record>> session(std::string token);
    // The stores a console session's user is staff of now (roles change while a session lives).
    boost::asio::awaitable<std::vector<staff_store>> stores_of(std::uint64_t user_id);
    // The platform's people use the console without a store of their own: an operator
    // (docs/alliance.md), a promoter and a service centre's contact (docs/promoters-and-centres.md,
    // their read-only pages).
    struct platform_roles {
        bool platform_operator = false, promoter = false, centre_contact = false;
        bool any() const { return platform_operator || promoter || centre_contact; }
    };
    boost::asio::awaitable<platform_roles> platform_roles_of(std::uint64_t user_id);
    boost::asio::awaitable<void> logout(std::uint64_t user_id, std::string session_id);
    boost::asio::awaitable<int> revoke_all(std::uint64_t user_id);

    const console_session_limits& session_limits() const { return sessions_.limits(); }
    std::chrono::seconds ticket_ttl() const { return settings_.ticket_ttl; }

private:
    boost::asio::awaitable<service_result<ticket_wait_outcome>> outcome_of(const ticket_claim& claim, bool final_look);

    mysql_pool& database_;
    console_ticket_store& tickets_;
    console_session_store& sessions_;
    console_ticket_wakeups* wakeups_;
    wechat_client* wechat_;
    rate_limiter& limiter_;
    console_login_settings settings_;
    logger& log_;
};

}  // namespace sharedstore
