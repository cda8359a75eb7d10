#include "server/services/console_auth_service.hpp"

#include "common/random_token.hpp"
#include "server/domain/console_tickets.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/centre_repository.hpp"
#include "server/storage/promoter_repository.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

namespace asio = boost::asio;
using namespace std::chrono_literals;

console_auth_service::console_auth_service(mysql_pool& database, console_ticket_store& tickets, console_session_store& sessions,
                                           console_ticket_wakeups* wakeups, wechat_client* wechat, rate_limiter& limiter,
                                           console_login_settings settings, logger& log)
    : database_(database),
      tickets_(tickets),
      sessions_(sessions),
      wakeups_(wakeups),
      wechat_(wechat),
      limiter_(limiter),
      settings_(std::move(settings)),
      log_(log) {}

asio::awaitable<service_result<console_ticket>> console_auth_service::create_ticket(std::string client_address, std::string waiter_secret) {
    using result = service_result<console_ticket>;
    // Before calling WeChat: one address cannot make us burn WeChat's quota.
    std::string address_key = "console_ticket:ip:" + client_address;  // named: docs/coroutines.md
    auto by_address = co_await limiter_.hit(std::move(address_key), settings_.tickets_per_ip_minute, 60s);
    if (!by_address.allowed)
        co_return result(service_error{.kind = service_failure::login_rate_limited, .problems = {}, .retry_after = by_address.retry_after, .detail = {}});
    if (!wechat_) co_return result(failure(service_failure::qr_unavailable));

    console_ticket ticket;
    ticket.ticket = random_url_token(console_ticket_random_bytes);
    ticket.waiter_secret = well_formed_session_token(waiter_secret) ? std::move(waiter_secret) : random_hex(32);
    wxacode_request request;
    request.scene = console_ticket_scene(ticket.ticket);
    request.page = settings_.login_page;
    request.env_version = settings_.qr_env_version;
    // WeChat only checks the page against the released version; trial and develop builds skip it.
    request.check_path = settings_.qr_env_version == "release";
    auto image = co_await wechat_->get_wxacode_unlimit(std::move(request));
    if (!image) {
        log_.warn("console_ticket_qr_failed", {{"errcode", image.error().errcode}, {"unreachable", image.error().unreachable}});
        co_return result(failure(service_failure::qr_unavailable));
    }
    ticket.qr_image = std::move(image.value());
    ticket.expires_at = std::chrono::system_clock::now() + settings_.ticket_ttl;
    co_await tickets_.create(ticket.ticket, ticket.waiter_secret, ticket.expires_at);
    // The ticket is a credential until it is used: logged only where the dev helper needs it.
    if (settings_.log_tickets) log_.info("console_ticket_created", {{"ticket", ticket.ticket}, {"note", "development only"}});
    else log_.info("console_ticket_created", {});
    co_return ticket;
}

asio::awaitable<std::vector<staff_store>> console_auth_service::stores_of(std::uint64_t user_id) {
    auto lookup = [user_id](mysql_connection& db) { return list_staff_stores(db, user_id); };
    co_return co_await database_.run(std::move(lookup));
}

asio::awaitable<console_auth_service::platform_roles> console_auth_service::platform_roles_of(std::uint64_t user_id) {
    auto lookup = [user_id](mysql_connection& db) {
        return platform_roles{.platform_operator = is_platform_operator(db, user_id),
                              .promoter = find_promoter_by_user(db, user_id).has_value(),
                              .centre_contact = !centres_of_contact(db, user_id).empty()};
    };
    co_return co_await database_.run(std::move(lookup));
}

asio::awaitable<service_result<std::vector<staff_store>>> console_auth_service::confirm(std::uint64_t user_id, std::string ticket) {
    using result = service_result<std::vector<staff_store>>;
    if (!is_console_ticket(ticket)) co_return result(failure(service_failure::console_ticket_not_found));
    auto stores = co_await stores_of(user_id);
    if (stores.empty() && !(co_await platform_roles_of(user_id)).any()) co_return result(failure(service_failure::console_not_staff));
    auto confirmed = co_await tickets_.confirm(std::move(ticket), user_id);
    switch (confirmed) {
    case ticket_confirmation::not_found: co_return result(failure(service_failure::console_ticket_not_found));
    case ticket_confirmation::taken: co_return result(failure(service_failure::console_ticket_taken));
    case ticket_confirmation::confirmed: log_.info("console_ticket_confirmed", {{"user_id", user_id}}); break;
    case ticket_confirmation::replayed: break;
    }
    co_return stores;
}

asio::awaitable<service_result<ticket_wait_outcome>> console_auth_service::outcome_of(const ticket_claim& claim, bool final_look) {
    using result = service_result<ticket_wait_outcome>;
    switch (claim.state) {
    case ticket_claim_state::other_browser: co_return result(failure(service_failure::console_ticket_other_browser));
    case ticket_claim_state::gone: co_return ticket_wait_outcome{.status = ticket_wait_status::expired, .login = std::nullopt};
    case ticket_claim_state::pending: {
        const bool over = final_look && std::chrono::system_clock::now() >= claim.expires_at;
        co_return ticket_wait_outcome{.status = over ? ticket_wait_status::expired : ticket_wait_status::pending, .login = std::nullopt};
    }
    case ticket_claim_state::claimed: break;
    }
    // Roles may have gone since the confirmation: no store (and no platform role), no console.
    auto stores = co_await stores_of(claim.user_id);
    if (stores.empty() && !(co_await platform_roles_of(claim.user_id)).any()) co_return result(failure(service_failure::console_not_staff));
    auto created = co_await sessions_.create(claim.user_id);
    log_.info("console_login", {{"user_id", claim.user_id}, {"stores", stores.size()}});
    co_return ticket_wait_outcome{.status = ticket_wait_status::confirmed,
                                  .login = console_login{.token = std::move(created.token), .session = std::move(created.record), .stores = std::move(stores)}};
}

asio::awaitable<service_result<ticket_wait_outcome>> console_auth_service::wait(std::string ticket, std::string waiter_secret,
                                                                                asio::any_io_executor executor) {
    using result = service_result<ticket_wait_outcome>;
    if (!is_console_ticket(ticket)) co_return ticket_wait_outcome{.status = ticket_wait_status::expired, .login = std::nullopt};
    // Watching first: a confirmation between the look below and the wait still wakes this page.
    std::unique_ptr<console_ticket_wakeups::watch_handle> watch;
    if (wakeups_) {
        watch = wakeups_->watch(console_ticket_id(ticket), executor);
        if (!watch)
            co_return result(service_error{.kind = service_failure::login_rate_limited, .problems = {}, .retry_after = 2s, .detail = "too many pages wait on this ticket"});
    }
    auto first = co_await tickets_.claim(ticket, waiter_secret);
    if (first.state != ticket_claim_state::pending || !watch) co_return co_await outcome_of(first, !watch);
    // Until the confirmation, the long-poll limit or the ticket's end, whichever is first; then
    // one more look (the announcement may have been lost with a Redis connection).
    const auto until_expiry = std::chrono::duration_cast<std::chrono::steady_clock::duration>(first.expires_at - std::chrono::system_clock::now());
    const auto wait_for = std::min<std::chrono::steady_clock::duration>(settings_.long_poll, std::max(until_expiry, std::chrono::steady_clock::duration::zero()));
    co_await watch->wait_until(std::chrono::steady_clock::now() + wait_for);
    auto second = co_await tickets_.claim(std::move(ticket), std::move(waiter_secret));
    co_return co_await outcome_of(second, true);
}

asio::awaitable<std::optional<console_session_record>> console_auth_service::session(std::string token) {
    co_return co_await sessions_.find(std::move(token));
}

asio::awaitable<void> console_auth_service::logout(std::uint64_t user_id, std::string session_id) {
    co_await sessions_.revoke(user_id, std::move(session_id));
    log_.info("console_logout", {{"user_id", user_id}});
}

asio::awaitable<int> console_auth_service::revoke_all(std::uint64_t user_id) {
    const int revoked = co_await sessions_.revoke_all(user_id);
    log_.info("console_sessions_revoked", {{"user_id", user_id}, {"revoked", revoked}});
    co_return revoked;
}

}  // namespace sharedstore
