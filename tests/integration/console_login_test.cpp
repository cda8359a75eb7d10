// The merchant console's login by scanning with the mini-program, and its sessions, against the
// real server, the WeChat simulator, Redis and MariaDB (docs/console-login.md): the ticket, the
// confirmation with the staff member's own session, the long-poll that takes the session once,
// the cookie and its attributes, CSRF on writes, idle and absolute expiry, logout, revoke-all.
#include "common/redis_client.hpp"
#include "common/sha256.hpp"
#include "server/storage/console_session_store.hpp"
#include "tests/integration/support/console_api.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/io_thread.hpp"

#include <future>
#include <regex>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class console_login_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

    static int port() { return server->port(); }
    // A server of the test's own with these settings besides the suite's.
    static std::unique_ptr<server_process> server_with(environment_changes extra) {
        auto env = sim->server_environment();
        env.insert(env.end(), extra.begin(), extra.end());
        return std::make_unique<server_process>(std::move(env));
    }
    static std::string status_of(const http_reply& reply) { return std::string(reply.json().at("status").as_string()); }
    // A login page's long-poll on a thread, as a browser tab would hold it.
    static std::future<http_reply> waiting_page(int on_port, const console_ticket& ticket) {
        return std::async(std::launch::async, [on_port, ticket] { return wait_console_ticket(on_port, ticket); });
    }
    static long long waiting_pages(int on_port) {
        const auto text = http_call(on_port, "GET", "/metrics").body;
        std::smatch m;
        if (!std::regex_search(text, m, std::regex(R"(\nsharedstore_console_waiting_pages (\d+))"))) return -1;
        return std::stoll(m[1]);
    }
};

TEST_F(console_login_test, a_ticket_confirmed_by_staff_becomes_a_console_session_on_the_waiting_page) {
    const auto s = open_store();
    auto ticket = create_console_ticket(port());
    ASSERT_EQ(ticket.reply.status, 201) << ticket.reply.body;
    const auto body = ticket.reply.json();
    EXPECT_EQ(ticket.id.size(), 24u);
    // The QR code is getwxacodeunlimit's image with the ticket as its scene, as a data URL.
    const auto qr = std::string(body.at("qr").as_string());
    EXPECT_EQ(qr.rfind("data:image/png;base64,", 0), 0u) << qr.substr(0, 40);
    EXPECT_GT(qr.size(), 100u);
    EXPECT_FALSE(std::string(body.at("expires_at").as_string()).empty());
    EXPECT_FALSE(ticket.browser_cookie.empty()) << "the page's browser gets its proof";

    // The page waits; the staff member's mini-program confirms with their own session.
    auto page = waiting_page(port(), ticket);
    EXPECT_TRUE(eventually([&] { return waiting_pages(port()) >= 1; }, 10s));
    auto confirmed = confirm_console_ticket(port(), ticket.id, s.owner.token);
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    EXPECT_EQ(status_of(confirmed), "confirmed");

    auto reply = page.get();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(status_of(reply), "confirmed");
    const auto login = reply.json();
    EXPECT_EQ(login.at("user").at("id").as_string(), s.owner.id);
    const auto& stores = login.at("stores").as_array();
    ASSERT_EQ(stores.size(), 1u);
    EXPECT_EQ(stores[0].at("merchant_id").as_string(), s.id);
    EXPECT_EQ(stores[0].at("role").as_string(), "owner");
    const auto csrf = std::string(login.at("csrf_token").as_string());
    EXPECT_EQ(csrf.size(), 64u);
    const auto cookie = set_cookie_named(reply, "sharedstore_console");
    ASSERT_FALSE(cookie.empty()) << reply.body;

    // The cookie is the session: GET /me answers who, the stores and the same CSRF token.
    console_session session{cookie_pair(cookie), csrf, s.owner.id, reply};
    auto me = console_call(port(), "GET", "/api/v1/console/me", session);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json().at("user").at("id").as_string(), s.owner.id);
    EXPECT_EQ(me.json().at("csrf_token").as_string(), csrf);
    EXPECT_EQ(me.json().at("stores").as_array().size(), 1u);
    EXPECT_EQ(me.json().at("idle_timeout_s").as_int64(), 1800);
    // Nothing of it is a Bearer token: the mini-program's routes do not take it.
    auto bearer_only = console_call(port(), "GET", "/api/v1/me", session);
    EXPECT_EQ(bearer_only.status, 401);
}

TEST_F(console_login_test, the_cookies_carry_exactly_their_attributes) {
    const auto s = open_store();
    auto ticket = create_console_ticket(port());
    ASSERT_EQ(ticket.reply.status, 201);
    EXPECT_TRUE(std::regex_match(set_cookie_named(ticket.reply, "sharedstore_ticket"),
                                 std::regex("sharedstore_ticket=[0-9a-f]{64}; Path=/api/v1/console/tickets; Max-Age=120; HttpOnly; SameSite=Strict")))
        << set_cookie_named(ticket.reply, "sharedstore_ticket");
    ASSERT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    auto login = wait_console_ticket(port(), ticket);
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_TRUE(std::regex_match(set_cookie_named(login, "sharedstore_console"),
                                 std::regex("sharedstore_console=[0-9a-f]{64}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict")))
        << set_cookie_named(login, "sharedstore_console");
    EXPECT_EQ(login.header("cache-control"), "no-store");

    // Over https (console.cookie_secure): Secure, and names browsers accept only from a secure origin.
    auto secure = server_with({{"SHAREDSTORE_CONSOLE_COOKIE_SECURE", "true"}, {"SHAREDSTORE_CONSOLE_SESSION_ABSOLUTE_S", "3600"}});
    auto secure_ticket = create_console_ticket(secure->port());
    ASSERT_EQ(secure_ticket.reply.status, 201) << secure_ticket.reply.body;
    EXPECT_TRUE(std::regex_match(set_cookie_named(secure_ticket.reply, "__Secure-sharedstore_ticket"),
                                 std::regex("__Secure-sharedstore_ticket=[0-9a-f]{64}; Path=/api/v1/console/tickets; Max-Age=120; Secure; HttpOnly; "
                                            "SameSite=Strict")))
        << secure_ticket.reply.headers_named("set-cookie").size();
    ASSERT_EQ(confirm_console_ticket(secure->port(), secure_ticket.id, s.owner.token).status, 200);
    auto secure_login = wait_console_ticket(secure->port(), secure_ticket);
    ASSERT_EQ(secure_login.status, 200) << secure_login.body;
    const auto line = set_cookie_named(secure_login, "__Host-sharedstore_console");
    EXPECT_TRUE(std::regex_match(line, std::regex("__Host-sharedstore_console=[0-9a-f]{64}; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict")))
        << line;
    // The unprefixed name means nothing there.
    const auto token = cookie_pair(line).substr(cookie_pair(line).find('=') + 1);
    auto unprefixed = http_call(secure->port(), "GET", "/api/v1/console/me", "", {{"Cookie", "sharedstore_console=" + token}});
    EXPECT_EQ(unprefixed.status, 401);
    auto prefixed = http_call(secure->port(), "GET", "/api/v1/console/me", "", {{"Cookie", cookie_pair(line)}});
    EXPECT_EQ(prefixed.status, 200) << prefixed.body;
}

TEST_F(console_login_test, only_staff_may_confirm_and_only_with_their_session) {
    const auto customer = sign_in();
    auto ticket = create_console_ticket(port());
    ASSERT_EQ(ticket.reply.status, 201);
    auto refused = confirm_console_ticket(port(), ticket.id, customer.token);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(error_code(refused), "console_not_staff");
    auto anonymous = http_call(port(), "POST", "/api/v1/console/tickets/" + ticket.id + "/confirm");
    EXPECT_EQ(anonymous.status, 401);
    // Nothing was confirmed: the page is still waiting (a short server of its own answers sooner).
    auto quick = server_with({{"SHAREDSTORE_CONSOLE_LONG_POLL_S", "1"}});
    auto pending = wait_console_ticket(quick->port(), ticket);
    ASSERT_EQ(pending.status, 200) << pending.body;
    EXPECT_EQ(status_of(pending), "pending");
    EXPECT_TRUE(pending.headers_named("set-cookie").empty());

    // A cashier is staff: confirmed. Staff of another store are staff too (they see only their stores).
    const auto s = open_store();
    const auto cashier = sign_in();
    ASSERT_EQ(call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}).status, 200);
    auto by_cashier = confirm_console_ticket(port(), ticket.id, cashier.token);
    EXPECT_EQ(by_cashier.status, 200) << by_cashier.body;
    auto login = wait_console_ticket(port(), ticket);
    ASSERT_EQ(status_of(login), "confirmed") << login.body;
    EXPECT_EQ(login.json().at("stores").as_array().at(0).at("role").as_string(), "cashier");
}

TEST_F(console_login_test, a_ticket_is_taken_once_and_confirmed_by_one_person) {
    const auto s = open_store();
    const auto manager = sign_in();
    ASSERT_EQ(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}).status, 200);
    auto ticket = create_console_ticket(port());
    ASSERT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    // The same person again (a retried call): the same answer. Someone else: taken.
    EXPECT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    auto other = confirm_console_ticket(port(), ticket.id, manager.token);
    EXPECT_EQ(other.status, 409) << other.body;
    EXPECT_EQ(error_code(other), "console_ticket_taken");

    auto first = wait_console_ticket(port(), ticket);
    ASSERT_EQ(status_of(first), "confirmed") << first.body;
    EXPECT_EQ(first.json().at("user").at("id").as_string(), s.owner.id);
    // Used: a second look gets no session.
    auto second = wait_console_ticket(port(), ticket);
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(status_of(second), "expired");
    EXPECT_TRUE(second.headers_named("set-cookie").empty());
}

TEST_F(console_login_test, of_concurrent_waiting_pages_one_gets_the_session) {
    const auto s = open_store();
    auto ticket = create_console_ticket(port());
    std::vector<std::future<http_reply>> pages;
    for (int i = 0; i < 3; ++i) pages.push_back(waiting_page(port(), ticket));
    // All three wait (on one Redis read of the instance's, not three) before the confirmation.
    ASSERT_TRUE(eventually([&] { return waiting_pages(port()) >= 3; }, 10s)) << waiting_pages(port());
    ASSERT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    int confirmed = 0, expired = 0;
    for (auto& page : pages) {
        auto reply = page.get();
        ASSERT_EQ(reply.status, 200) << reply.body;
        if (status_of(reply) == "confirmed") {
            ++confirmed;
            EXPECT_FALSE(set_cookie_named(reply, "sharedstore_console").empty());
        } else {
            EXPECT_EQ(status_of(reply), "expired");
            EXPECT_TRUE(set_cookie_named(reply, "sharedstore_console").empty());
            ++expired;
        }
    }
    EXPECT_EQ(confirmed, 1);
    EXPECT_EQ(expired, 2);
}

TEST_F(console_login_test, a_confirmation_on_one_instance_wakes_the_page_waiting_on_another) {
    const auto s = open_store();
    auto other = server_with({});
    auto ticket = create_console_ticket(port());
    auto page = waiting_page(other->port(), ticket);
    ASSERT_TRUE(eventually([&] { return waiting_pages(other->port()) >= 1; }, 10s));
    ASSERT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    auto reply = page.get();
    EXPECT_EQ(status_of(reply), "confirmed") << reply.body;
}

TEST_F(console_login_test, only_the_browser_that_made_the_ticket_takes_its_session) {
    const auto s = open_store();
    auto ticket = create_console_ticket(port());
    ASSERT_EQ(confirm_console_ticket(port(), ticket.id, s.owner.token).status, 200);
    // Someone who read the QR code over the shoulder has the ticket, not the browser's cookie.
    auto stranger = ticket;
    stranger.browser_cookie.clear();
    auto refused = wait_console_ticket(port(), stranger);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(error_code(refused), "console_ticket_other_browser");
    stranger.browser_cookie = "sharedstore_ticket=" + random_hex(32);
    EXPECT_EQ(wait_console_ticket(port(), stranger).status, 403);
    // The browser itself still gets it; a second tab of it shares its cookie.
    auto tab = create_console_ticket(port(), ticket.browser_cookie);
    EXPECT_EQ(tab.browser_cookie, ticket.browser_cookie);
    auto login = wait_console_ticket(port(), ticket);
    EXPECT_EQ(status_of(login), "confirmed") << login.body;
}

TEST_F(console_login_test, an_expired_ticket_can_be_neither_confirmed_nor_taken) {
    const auto s = open_store();
    auto short_lived = server_with({{"SHAREDSTORE_CONSOLE_TICKET_TTL_S", "5"}});
    auto ticket = create_console_ticket(short_lived->port());
    ASSERT_EQ(ticket.reply.status, 201);
    // The page waits until the ticket's end, then says so.
    http_reply reply;
    EXPECT_TRUE(eventually(
        [&] {
            reply = wait_console_ticket(short_lived->port(), ticket);
            return reply.status == 200 && status_of(reply) == "expired";
        },
        30s))
        << reply.body;
    auto late = confirm_console_ticket(short_lived->port(), ticket.id, s.owner.token);
    EXPECT_EQ(late.status, 404) << late.body;
    EXPECT_EQ(error_code(late), "console_ticket_not_found");
    // Tickets that never were: the same, and no lookup at all for a malformed one.
    EXPECT_EQ(error_code(confirm_console_ticket(port(), std::string(24, 'A'), s.owner.token)), "console_ticket_not_found");
    EXPECT_EQ(error_code(confirm_console_ticket(port(), "short", s.owner.token)), "console_ticket_not_found");
    console_ticket unknown{std::string(24, 'B'), ticket.browser_cookie, {}};
    EXPECT_EQ(status_of(wait_console_ticket(port(), unknown)), "expired");
}

TEST_F(console_login_test, tickets_are_rate_limited_per_address) {
    // A scratch Redis database keeps this address's counter away from the other tests'.
    auto limited = server_with({{"SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_IP", "2"}, {"SHAREDSTORE_REDIS_DATABASE", "8"}});
    const auto before = sim->calls("getwxacodeunlimit");
    // The fixed window may turn between two tickets; within four, one must be refused.
    int made = 0;
    http_reply refused;
    for (int i = 0; i < 4 && refused.status == 0; ++i) {
        auto ticket = create_console_ticket(limited->port());
        if (ticket.reply.status == 201) ++made;
        else refused = ticket.reply;
    }
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(error_code(refused), "rate_limited");
    EXPECT_FALSE(refused.header("retry-after").empty());
    EXPECT_EQ(sim->calls("getwxacodeunlimit"), before + made) << "a refused address never reaches WeChat";
}

TEST_F(console_login_test, a_console_session_calls_the_merchant_routes_and_writes_need_the_csrf_token) {
    const auto s = open_store();
    auto session = console_login(port(), s.owner.token);
    auto read = console_call(port(), "GET", s.path(), session);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json().at("role").as_string(), "owner");

    const std::string change = R"({"protection_days":30})";
    auto without = console_call(port(), "PATCH", s.path() + "/settings", session, change, false);
    EXPECT_EQ(without.status, 403) << without.body;
    EXPECT_EQ(error_code(without), "csrf_token_invalid");
    auto wrong = http_call(port(), "PATCH", s.path() + "/settings", change,
                           {{"Cookie", session.cookie}, {"X-CSRF-Token", random_hex(32)}, {"Content-Type", "application/json"}});
    EXPECT_EQ(wrong.status, 403);
    EXPECT_EQ(error_code(wrong), "csrf_token_invalid");
    auto with = console_call(port(), "PATCH", s.path() + "/settings", session, change);
    ASSERT_EQ(with.status, 200) << with.body;
    EXPECT_EQ(with.json().at("merchant").at("protection_days").as_int64(), 30);
    // The store's role checks apply unchanged: another store's data is forbidden.
    const auto other = open_store();
    auto foreign = console_call(port(), "GET", other.path(), session);
    EXPECT_EQ(foreign.status, 403);
    EXPECT_EQ(error_code(foreign), "forbidden");
    // A CSRF token alone is nothing.
    auto token_only = http_call(port(), "GET", s.path(), "", {{"X-CSRF-Token", session.csrf_token}});
    EXPECT_EQ(token_only.status, 401);
    // A Bearer token wins over a cookie (the mini-program's way), and needs no CSRF token.
    auto both = http_call(port(), "PATCH", s.path() + "/settings", change,
                          {{"Authorization", "Bearer " + s.owner.token}, {"Cookie", session.cookie}, {"Content-Type", "application/json"}});
    EXPECT_EQ(both.status, 200) << both.body;
}

TEST_F(console_login_test, logout_ends_the_session_and_clears_the_cookie) {
    const auto s = open_store();
    auto session = console_login(port(), s.owner.token);
    auto refused = console_call(port(), "POST", "/api/v1/console/logout", session, "", false);
    EXPECT_EQ(refused.status, 403) << "logout is a write: it needs the token, so no other site can sign a staff member out";
    auto out = console_call(port(), "POST", "/api/v1/console/logout", session);
    ASSERT_EQ(out.status, 204) << out.body;
    EXPECT_EQ(set_cookie_named(out, "sharedstore_console"), "sharedstore_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    auto after = console_call(port(), "GET", "/api/v1/console/me", session);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(error_code(after), "invalid_session");
    EXPECT_EQ(console_call(port(), "GET", s.path(), session).status, 401);
    // The mini-program's session is another thing and lives on.
    EXPECT_EQ(call("GET", s.path(), s.owner).status, 200);
}

TEST_F(console_login_test, revoke_all_ends_every_console_session_of_the_user) {
    const auto s = open_store();
    const auto manager = sign_in();
    ASSERT_EQ(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}).status, 200);
    auto laptop = console_login(port(), s.owner.token);
    auto desktop = console_login(port(), s.owner.token);
    auto colleague = console_login(port(), manager.token);
    auto revoked = console_call(port(), "POST", "/api/v1/console/sessions/revoke-all", laptop);
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_EQ(revoked.json().at("revoked").as_int64(), 2);
    EXPECT_EQ(set_cookie_named(revoked, "sharedstore_console"), "sharedstore_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    EXPECT_EQ(console_call(port(), "GET", "/api/v1/console/me", laptop).status, 401);
    EXPECT_EQ(console_call(port(), "GET", "/api/v1/console/me", desktop).status, 401);
    EXPECT_EQ(console_call(port(), "GET", "/api/v1/console/me", colleague).status, 200) << "another user's session is theirs";

    // From the phone (a Bearer token): the lost laptop's session ends without the laptop.
    auto lost = console_login(port(), s.owner.token);
    auto from_phone = call("POST", "/api/v1/console/sessions/revoke-all", s.owner);
    ASSERT_EQ(from_phone.status, 200) << from_phone.body;
    EXPECT_EQ(from_phone.json().at("revoked").as_int64(), 1);
    EXPECT_TRUE(from_phone.headers_named("set-cookie").empty());
    EXPECT_EQ(console_call(port(), "GET", "/api/v1/console/me", lost).status, 401);
}

TEST_F(console_login_test, an_unused_session_ends_after_the_idle_limit) {
    const auto s = open_store();
    auto idle = server_with({{"SHAREDSTORE_CONSOLE_SESSION_IDLE_S", "2"}});
    auto session = console_login(idle->port(), s.owner.token);
    EXPECT_EQ(console_call(idle->port(), "GET", "/api/v1/console/me", session).status, 200);
    http_reply reply;
    // Looked at less often than the idle limit: each look would start it again.
    EXPECT_TRUE(eventually(
        [&] {
            reply = console_call(idle->port(), "GET", "/api/v1/console/me", session);
            return reply.status == 401;
        },
        60s, 2500ms));
    EXPECT_EQ(error_code(reply), "invalid_session");
}

TEST_F(console_login_test, each_use_starts_the_idle_limit_again_but_never_past_the_absolute_end) {
    const auto s = open_store();
    auto session = console_login(port(), s.owner.token);
    // Redis holds the session under its id with the idle limit as TTL: shorten it, as if the
    // session had not been used for a while, and see a use give it back whole.
    captured_log log;
    io_thread io;
    auto redis = redis_client::create(io.io().get_executor(), test_config().redis, log.log());
    redis->start();
    ASSERT_TRUE(eventually([&] { return redis->connected(); }, 5s));
    auto command = [&](std::vector<std::string> argv) {
        return io.run([](std::shared_ptr<redis_client> client, std::vector<std::string> args) -> boost::asio::awaitable<redis_reply> {
            co_return co_await client->command(std::move(args));
        }(redis, std::move(argv)));
    };
    const auto token = session.cookie.substr(session.cookie.find('=') + 1);
    const auto key = console_session_key(sha256_hex(token));
    EXPECT_EQ(command({"PEXPIRE", key, "30000"}).integer, 1);
    ASSERT_EQ(console_call(port(), "GET", "/api/v1/console/me", session).status, 200);
    const auto ttl = command({"PTTL", key}).integer;
    EXPECT_GT(ttl, 30000) << "used: the idle limit (1800 s) starts again";
    EXPECT_LE(ttl, 1800 * 1000);
    redis->stop();

    // With the absolute end near, use does not keep the session alive.
    auto absolute = server_with({{"SHAREDSTORE_CONSOLE_SESSION_ABSOLUTE_S", "3"}});
    auto brief = console_login(absolute->port(), s.owner.token);
    EXPECT_NE(set_cookie_named(brief.login_reply, "sharedstore_console").find("; Max-Age=3;"), std::string::npos);
    http_reply reply;
    EXPECT_TRUE(eventually(
        [&] {
            reply = console_call(absolute->port(), "GET", "/api/v1/console/me", brief);
            return reply.status == 401;
        },
        60s, 200ms));
    EXPECT_EQ(error_code(reply), "invalid_session");
}

TEST_F(console_login_test, the_development_helper_confirms_a_ticket_and_production_refuses_it) {
    const auto s = open_store();
    auto ticket = create_console_ticket(port());
    // Development: the ticket's answer says so (the login page shows the helper's command), and
    // the ticket is in the server's log for the helper.
    EXPECT_TRUE(ticket.reply.json().at("development").as_bool()) << ticket.reply.body;
    EXPECT_TRUE(eventually([&] { return server->log().find(ticket.id) != std::string::npos; }, 5s));
    auto run = [&](const std::vector<std::string>& args, environment_changes env) {
        std::vector<std::string> argv{SHAREDSTORE_BINARY, "console-confirm", "--config", test_config_path()};
        argv.insert(argv.end(), args.begin(), args.end());
        child_process helper(argv, std::move(env), make_temp_dir("console-confirm") + "/out.log");
        const int status = helper.wait_exit(std::chrono::seconds(30)).value_or(-1);
        return std::pair{status, helper.output()};
    };
    auto [refused_status, refused_text] = run({"--ticket", ticket.id, "--user-id", s.owner.id}, {{"SHAREDSTORE_SERVER_ENVIRONMENT", "production"}});
    EXPECT_EQ(refused_status, 2);
    EXPECT_NE(refused_text.find("development helper"), std::string::npos) << refused_text;
    EXPECT_NE(refused_text.find("server.environment = production"), std::string::npos) << refused_text;

    const auto customer = sign_in();
    auto [customer_status, customer_text] = run({"--ticket", ticket.id, "--user-id", customer.id}, {});
    EXPECT_EQ(customer_status, 1);
    EXPECT_NE(customer_text.find("console_not_staff"), std::string::npos) << customer_text;

    auto [status, text] = run({"--ticket", ticket.id, "--user-id", s.owner.id}, {});
    EXPECT_EQ(status, 0) << text;
    auto login = wait_console_ticket(port(), ticket);
    ASSERT_EQ(status_of(login), "confirmed") << login.body;
    EXPECT_EQ(login.json().at("user").at("id").as_string(), s.owner.id);
    // In production the ticket never reaches the log.
    auto production = server_with({{"SHAREDSTORE_SERVER_ENVIRONMENT", "production"}});
    auto quiet = create_console_ticket(production->port());
    ASSERT_EQ(quiet.reply.status, 201);
    EXPECT_FALSE(quiet.reply.json().at("development").as_bool()) << "production does not offer the helper";
    EXPECT_TRUE(eventually([&] { return production->log().find("console_ticket_created") != std::string::npos; }, 5s));
    EXPECT_EQ(production->log().find(quiet.id), std::string::npos);
}

}  // namespace
