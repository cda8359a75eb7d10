// sharedstore: the server binary. Subcommands: serve, migrate, config-get, jobs, run-job, check-ledger, routes.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "server/config.hpp"
#include "server/handlers/api_routes.hpp"
#include "server/handlers/caller_authenticator.hpp"
#include "server/handlers/health_handlers.hpp"
#include "server/handlers/service_errors.hpp"
#include "server/handlers/route_listing.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/merchant_refund_service.hpp"
#include "server/services/order_service.hpp"
#include "server/services/card_wallet_service.hpp"
#include "server/services/pos_service.hpp"
#include "server/services/report_service.hpp"
#include "server/services/dashboard_service.hpp"
#include "server/services/tier_preview_service.hpp"
#include "server/services/share_service.hpp"
#include "server/services/member_journey.hpp"
#include "server/services/alliance_service.hpp"
#include "server/services/alliance_settlement.hpp"
#include "server/services/alliance_supply.hpp"
#include "server/services/centre_service.hpp"
#include "server/services/promoter_service.hpp"
#include "server/services/region_service.hpp"
#include "server/services/share_settlement.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/services/bonus_service.hpp"
#include "server/storage/bonus_repository.hpp"
#include "server/services/member_service.hpp"
#include "server/services/subscription_service.hpp"
#include "server/services/partner_service.hpp"
#include "server/services/payout_service.hpp"
#include "server/services/wechat_transfer_gateway.hpp"
#include "server/storage/ledger_check.hpp"
#include "push/push_runtime.hpp"
#include "wechat/pay/pay_client.hpp"
#include "server/services/auth_service.hpp"
#include "server/services/console_auth_service.hpp"
#include "server/services/pos_key_service.hpp"
#include "server/storage/rate_limiter.hpp"
#include "server/storage/session_store.hpp"
#include "wechat/access_token_provider.hpp"
#include "wechat/https_client.hpp"
#include "wechat/wechat_api.hpp"
#include "wechat/wechat_client.hpp"
#include "common/http/http_server.hpp"
#include "server/http/request_pipeline.hpp"
#include "common/http/router.hpp"
#include "server/storage/migrations.hpp"
#include "server/jobs/job_runner.hpp"
#include "server/jobs/job_set.hpp"

#include <boost/json/serialize.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <charconv>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace sharedstore;

namespace {

constexpr const char* usage =
    "usage:\n"
    "  sharedstore serve --config FILE       run the HTTP server\n"
    "  sharedstore migrate --config FILE     apply pending schema migrations\n"
    "  sharedstore config-get --config FILE KEY   print one resolved config value (for scripts)\n"
    "  sharedstore jobs --config FILE        list the batch jobs and their schedules\n"
    "  sharedstore run-job --config FILE NAME [--max-age-s N]\n"
    "                                        run one job once, print its figures as JSON; exits 1 if it\n"
    "                                        found something wrong (reconcile-payments: a query failed)\n"
    "  sharedstore reconcile-payments --config FILE [--max-age-s N]\n"
    "                                        the same as run-job reconcile-payments: ask WeChat Pay about\n"
    "                                        orders unpaid longer than wechat_pay.reconcile_after_s (and\n"
    "                                        younger than N, default 172800) and apply what it says\n"
    "  sharedstore check-ledger --config FILE   verify the money invariants; exits 1 naming offending ids\n"
    "  sharedstore console-confirm --config FILE --ticket T --user-id N\n"
    "                                        development only: confirm a console login ticket as staff user N,\n"
    "                                        as their mini-program would (the ticket is in the server's log)\n"
    "  sharedstore correct-referral --config FILE --user N --referrer M --operator NAME --reason TEXT\n"
    "                                        an operator's audited correction of a lifetime referral\n"
    "  sharedstore sign-off-level2-cash --config FILE --merchant N --operator-user N --reference TEXT\n"
    "                                        the platform operator's sign-off for cash to A2 (docs/bonus.md)\n"
    "  sharedstore grant-platform-operator --config FILE --user N --by NAME\n"
    "                                        make user N a platform operator (docs/alliance.md); NAME: who grants\n"
    "  sharedstore routes                    print the route table, one JSON object a line (no config needed)\n"
    "Environment variables SHAREDSTORE_<SECTION>_<KEY> override the file (docs/configuration.md).\n";

// Waits for in-flight requests to finish, at most the grace period, then stops the io_context.
asio::awaitable<void> drain_then_stop(asio::io_context& io, http_server& server, std::shared_ptr<redis_client> redis,
                                      std::chrono::milliseconds grace, logger& log) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    asio::steady_timer tick(io);
    while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(asio::use_awaitable);
    }
    if (server.open_connections() > 0)
        log.warn("shutdown_grace_expired", {{"open_connections", server.open_connections()}});
    redis->stop();
    io.stop();
}

// WeChat Pay's verifier (of notifications and answers) and client, when configured.
struct wechat_pay_parts {
    std::unique_ptr<wechat_pay::signature_verifier> verifier;
    std::unique_ptr<wechat_pay::pay_client> client;
    // Merchant transfers (payouts): when payouts.transfer_scene_id is set.
    std::unique_ptr<wechat_pay::transfer_client> transfer_client;
    std::unique_ptr<transfer_gateway> transfers;
};

payout_options payout_options_of(const server_config& config) {
    const auto& p = config.payouts;
    return payout_options{.data_key = config.security.data_key,
                          .transfer_remark = p.transfer_remark,
                          .recheck_after = std::chrono::seconds(p.recheck_after_s),
                          .confirm_check_every = std::chrono::seconds(p.confirm_check_every_s),
                          .unconfirmed_lifetime = std::chrono::seconds(p.unconfirmed_lifetime_s)};
}

wechat_pay_parts make_wechat_pay(const server_config& config, https_client& http, logger& log) {
    const auto& pay = config.wechat_pay;
    if (pay.mchid.empty()) return {};
    std::map<std::string, wechat_pay::public_key> keys;
    // Both modes may be configured during WeChat Pay's switch: it then signs with either.
    if (!pay.platform_certificate_file.empty())
        keys.emplace(wechat_pay::certificate_serial(pay.platform_certificate_file), wechat_pay::public_key::load_pem_file(pay.platform_certificate_file));
    if (!pay.public_key_file.empty()) keys.emplace(pay.public_key_id, wechat_pay::public_key::load_pem_file(pay.public_key_file));
    wechat_pay_parts parts;
    parts.verifier = std::make_unique<wechat_pay::signature_verifier>(std::move(keys), pay.apiv3_key);
    wechat_pay::pay_client_config client_config{.base_url = pay.api_base_url,
                                                .appid = config.wechat.appid,
                                                .mchid = pay.mchid,
                                                .merchant_serial = wechat_pay::certificate_serial(pay.merchant_certificate_file),
                                                .notify_url = pay.notify_url,
                                                .wechatpay_serial = pay.public_key_file.empty() ? std::string() : pay.public_key_id};
    parts.client = std::make_unique<wechat_pay::pay_client>(http, client_config, wechat_pay::private_key::load_pem_file(pay.merchant_private_key_file),
                                                            *parts.verifier, log);
    const auto& payouts = config.payouts;
    if (!payouts.transfer_scene_id.empty()) {
        // The payee's real name is sealed for WeChat Pay's own key: its public key where we hold
        // one (WeChat's recommendation), else the platform certificate.
        std::optional<wechat_pay::sensitive_field_key> sealing;
        if (!pay.public_key_file.empty())
            sealing = wechat_pay::sensitive_field_key{wechat_pay::public_key::load_pem_file(pay.public_key_file), pay.public_key_id};
        else if (!pay.platform_certificate_file.empty())
            sealing = wechat_pay::sensitive_field_key{wechat_pay::public_key::load_pem_file(pay.platform_certificate_file),
                                                      wechat_pay::certificate_serial(pay.platform_certificate_file)};
        wechat_pay::transfer_client_config transfer_config{.base_url = pay.api_base_url,
                                                           .appid = config.wechat.appid,
                                                           .mchid = pay.mchid,
                                                           .merchant_serial = client_config.merchant_serial,
                                                           .notify_url = payouts.notify_url,
                                                           .wechatpay_serial = client_config.wechatpay_serial};
        parts.transfer_client = std::make_unique<wechat_pay::transfer_client>(
            http, transfer_config, wechat_pay::private_key::load_pem_file(pay.merchant_private_key_file), *parts.verifier, std::move(sealing), log);
        parts.transfers = std::make_unique<wechat_transfer_gateway>(
            *parts.transfer_client,
            transfer_scene{payouts.transfer_scene_id, payouts.user_recv_perception, payouts.report_position, payouts.report_description});
    }
    return parts;
}

console_login_settings console_login_settings_of(const server_config& config) {
    return console_login_settings{.ticket_ttl = std::chrono::seconds(config.console.ticket_ttl_s),
                                  .long_poll = std::chrono::seconds(config.console.long_poll_s),
                                  .login_page = config.console.login_page,
                                  .qr_env_version = config.share.qr_env_version,
                                  .tickets_per_ip_minute = config.auth.login_limit_per_ip,
                                  .log_tickets = config.environment == "development"};
}

console_session_limits console_limits_of(const server_config& config) {
    return console_session_limits{.idle = std::chrono::seconds(config.console.session_idle_s),
                                  .absolute = std::chrono::seconds(config.console.session_absolute_s)};
}

// Every connection is a file. The soft open-file limit (often 1024) is only a default: raise it to
// the hard limit here, so the server can hold http.max_connections however it was started
// (scripts/run, a test, a service manager). The hard limit stays the administrator's decision.
// No select() anywhere (Asio uses epoll, the MariaDB client poll), so descriptors above 1024 are fine.
void raise_file_limit(const server_config& config, logger& log) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const auto before = limit.rlim_cur;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
    }
    // Connections, plus the database pools, Redis, the listener, logs and some margin.
    const auto wanted = static_cast<rlim_t>(config.http.max_connections) + 3 * static_cast<rlim_t>(config.mysql.pool_size) + 64;
    const auto in_force = static_cast<std::uint64_t>(limit.rlim_cur);
    if (limit.rlim_cur < wanted)
        log.warn("file_limit_low", {{"limit", in_force},
                                    {"max_connections", config.http.max_connections},
                                    {"hint", "connections past the limit are refused: raise the hard limit (ulimit -Hn, LimitNOFILE=)"}});
    else
        log.info("file_limit", {{"limit", in_force}, {"raised_from", static_cast<std::uint64_t>(before)}});
}

int serve(const server_config& config) {
    logger log(config.log_min_level);
    raise_file_limit(config, log);
    mysql_driver_init();
    // Declared first, destroyed last: every socket and timer below belongs to it (or to one of the
    // other loops). One event loop per io thread, each run by its thread alone: connections are
    // spread over them (http_server::set_connection_loops) and need no strand; `io` is the first
    // and also runs the background parts (relay, jobs, listeners). Other threads still post to
    // every loop (the MariaDB pool's workers, other loops), which a concurrency hint of 1 allows.
    asio::io_context io(1);
    std::vector<std::unique_ptr<asio::io_context>> other_loops;
    for (int i = 1; i < config.io_threads; ++i) other_loops.push_back(std::make_unique<asio::io_context>(1));
    metrics_registry metrics;
    describe_process_metrics(metrics);
    mysql_pool database(config.mysql, log);
    auto redis = redis_client::create(io.get_executor(), config.redis, log);
    redis->start();
    describe_dependency_metrics(metrics, database, redis);

    https_client wechat_http(io.get_executor(), https_client_config{config.wechat.ca_file, true, config.wechat.connect_timeout,
                                                                    config.wechat.request_timeout});
    wechat_api wechat(wechat_http,
                      wechat_api_config{config.wechat.api_base_url, config.wechat.appid, config.wechat.app_secret,
                                        config.wechat.max_attempts, config.wechat.retry_backoff, config.wechat.total_timeout},
                      log);
    access_token_provider access_tokens(wechat, redis, log);
    wechat_client wechat_calls(wechat, access_tokens);
    session_store sessions(redis, config.auth.session_ttl);
    rate_limiter limiter(redis);
    // Real-time reminders: /ws on the same listener, the outbox relay, presence and pokes.
    session_check check_session = [&sessions](std::string token) -> asio::awaitable<std::optional<session_identity>> {
        auto session = co_await sessions.find(std::move(token));
        if (!session) co_return std::nullopt;
        co_return session_identity{.user_id = session->user_id, .session_id = session->session_id, .expires_at = session->expires_at};
    };
    // The relay gets connections of its own: reminders must not queue behind a burst of requests.
    auto relay_mysql = config.mysql;
    relay_mysql.pool_size = 2;
    mysql_pool relay_database(relay_mysql, log);
    push_runtime push(io, *redis, config.redis, relay_database, &wechat_calls, config.push, std::move(check_session), metrics, log);
    // A committed payment wakes the relay: the partner sees the dividend at once.
    outbox_signal outbox_written = [&push] { push.outbox_written(); };
    auth_service auth(wechat, wechat_calls, database, sessions, limiter, config.auth, log);
    merchant_service merchants(database);
    tier_preview_service tier_previews(database);
    partner_service partners(database);
    share_service shares(database, *redis, wechat_calls, share_config{config.share.page, config.share.qr_env_version}, log);
    pos_key_service pos_keys(database, config.security.data_key);
    auto pay = make_wechat_pay(config, wechat_http, log);
    order_service orders(database, pay.client.get(), log, outbox_written);
    merchant_refund_service merchant_refunds(database, orders, pay.client.get(), log);
    pos_service pos(database, *redis, config.security.data_key, config.wechat.appid, log, outbox_written);
    card_wallet_service cards(database, log, outbox_written);
    report_service reports(database);
    dashboard_service dashboard(database);
    subscription_service subscriptions(database);
    member_service members(database);
    bonus_service bonuses(database);
    alliance_service alliance(database);
    alliance_supply_service supply(database);
    alliance_settlement_service settlement(database);
    region_service regions(database);
    promoter_service promoters(database);
    centre_service centres(database);
    share_settlement_service payee_statements(database);
    const system_wall_clock clock;
    payout_service payouts(database, pay.transfers.get(), clock, log, payout_options_of(config));
    // The merchant console: tickets and sessions in Redis, waiting login pages woken through it.
    console_session_store console_sessions(redis, console_limits_of(config));
    console_ticket_store console_tickets(redis);
    console_ticket_wakeups console_wakeups(io, config.redis, log);
    console_auth_service console(database, console_tickets, console_sessions, &console_wakeups, &wechat_calls, limiter,
                                 console_login_settings_of(config), log);
    metrics.describe_gauge("sharedstore_console_waiting_pages", "Console login pages waiting on their ticket here (long-polls).", [&console_wakeups] {
        return std::vector<std::pair<metric_labels, double>>{{{}, static_cast<double>(console_wakeups.waiting())}};
    });
    if (struct stat dir {}; !config.console.static_dir.empty() && (::stat(config.console.static_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)))
        log.warn("console_not_built", {{"static_dir", config.console.static_dir}, {"hint", "/console/ answers 404 until the console is built there"}});

    // A sign-out closes the session's WebSockets on every instance.
    session_end_signal signed_out = [&push](std::uint64_t user, std::string session_id) -> asio::awaitable<void> {
        co_await push.session_ended(user, std::move(session_id));
    };
    const api_services services{.database = database,
                                .redis = redis,
                                .metrics = metrics,
                                .auth = auth,
                                .sessions = sessions,
                                .signed_out = std::move(signed_out),
                                .push_listening = [&push] { return push.listening(); },
                                .merchants = merchants,
                                .tier_previews = tier_previews,
                                .partners = partners,
                                .shares = shares,
                                .public_base_url = config.share.public_base_url,
                                .pos_keys = pos_keys,
                                .orders = orders,
                                .pos = pos,
                                .cards = cards,
                                .pay_verifier = pay.verifier.get(),
                                .merchant_refunds = merchant_refunds,
                                .reports = reports,
                                .dashboard = dashboard,
                                .subscriptions = subscriptions,
                                .payouts = payouts,
                                .members = members,
                                .bonuses = bonuses,
                                .alliance = alliance,
                                .supply = supply,
                                .settlement = settlement,
                                .regions = regions,
                                .promoters = promoters,
                                .centres = centres,
                                .payee_statements = payee_statements,
                                .log = log,
                                .console = console,
                                .console_cookies_secure = config.console.cookie_secure,
                                .console_static_dir = config.console.static_dir,
                                .development = config.environment == "development"};
    const caller_authenticator callers(sessions, console_sessions, console_cookies{.secure = config.console.cookie_secure}, pos, pay.verifier.get(), log);
    router routes;
    add_api_routes(routes, services, callers);
    request_pipeline pipeline(routes, log, metrics);
    http_server server(io, config.http, pipeline, log, metrics);
    server.set_websocket_endpoint(&push.endpoint());
    {
        std::vector<asio::io_context*> loops{&io};
        for (auto& l : other_loops) loops.push_back(l.get());
        server.set_connection_loops(std::move(loops));
    }
    try {
        server.start();
        push.start();
        console_wakeups.start();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sharedstore: cannot listen on %s:%d: %s\n", config.http.listen_address.c_str(), config.http.port, e.what());
        redis->stop();
        return 1;
    }
    log.info("listening", {{"address", config.http.listen_address}, {"port", server.bound_port()}, {"io_threads", config.io_threads}});

    // Jobs with a schedule (jobs.*_every_s) run here, one instance at a time under a lease.
    job_runner jobs_runner(metrics, log);
    auto jobs = make_jobs({.database = database, .orders = orders, .payouts = payouts, .config = config});
    job_scheduler scheduler(io, *redis, push.instance(), jobs_runner, log);
    for (auto& j : jobs)
        if ((j->name() != "reconcile-payments" || pay.client) && (j->name() != "check-payouts" || pay.transfers)) scheduler.add(*j, job_interval(config, j->name()));
    scheduler.start();

    asio::signal_set signals(io, SIGINT, SIGTERM);
    bool stopping = false;
    std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        if (stopping) {
            log.warn("shutdown_forced", {{"signal", signal_number}});
            io.stop();
            return;
        }
        stopping = true;
        log.info("shutdown_started", {{"signal", signal_number}, {"grace_ms", config.shutdown_grace.count()}});
        server.begin_shutdown();
        scheduler.stop();
        push.stop();  // WebSocket clients get 1001 and reconnect to another instance
        console_wakeups.stop();  // waiting login pages answer "pending" and ask again elsewhere
        asio::co_spawn(io, drain_then_stop(io, server, redis, config.shutdown_grace, log), asio::detached);
        signals.async_wait(on_signal);  // a second signal forces the stop
    };
    signals.async_wait(on_signal);

    std::vector<std::thread> threads;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep;  // idle loops wait for connections
    for (auto& l : other_loops) {
        keep.push_back(asio::make_work_guard(*l));
        threads.emplace_back([loop = l.get()] { loop->run(); });
    }
    io.run();
    // `io` stops once the connections drained (drain_then_stop) or on a forced stop: the others with it.
    keep.clear();
    for (auto& l : other_loops) l->stop();
    for (auto& t : threads) t.join();
    // What `io` still had queued when it stopped (the Redis clients' own shutdowns among it, and
    // on a forced stop nothing had asked for them) runs now, while every loop still exists:
    // commands left waiting answer "connection lost" onto their stopped loops, freed with them.
    io.restart();
    redis->stop();
    push.stop();
    io.poll();
    relay_database.stop();
    database.stop();
    log.info("stopped", {});
    return 0;
}

// One job, once, outside `serve` (from cron, a timer, or a person): its own io_context and pool.
int run_job_command(const server_config& config, const std::string& name, std::chrono::seconds max_age) {
    logger log(config.log_min_level);
    if (name == "check-payouts" && (config.wechat_pay.mchid.empty() || config.payouts.transfer_scene_id.empty())) {
        std::fprintf(stderr, "sharedstore: WeChat Pay transfers are not configured (payouts.transfer_scene_id): nothing to check\n");
        return 2;
    }
    if (name == "reconcile-payments" && config.wechat_pay.mchid.empty()) {
        std::fprintf(stderr, "sharedstore: WeChat Pay is not configured (wechat_pay.mchid): nothing to reconcile\n");
        return 2;
    }
    mysql_driver_init();
    asio::io_context io(1);
    mysql_pool database(config.mysql, log);
    https_client http(io.get_executor(), https_client_config{config.wechat.ca_file, true, config.wechat.connect_timeout, config.wechat.request_timeout});
    auto pay = make_wechat_pay(config, http, log);
    order_service orders(database, pay.client.get(), log);
    const system_wall_clock clock;
    payout_service payouts(database, pay.transfers.get(), clock, log, payout_options_of(config));
    auto jobs = make_jobs({.database = database, .orders = orders, .payouts = payouts, .config = config, .reconcile_max_age = max_age});
    job* chosen = nullptr;
    for (auto& j : jobs)
        if (j->name() == name) chosen = j.get();
    if (!chosen) {
        std::fprintf(stderr, "sharedstore: no job %s (sharedstore jobs lists them)\n", name.c_str());
        database.stop();
        return 2;
    }
    metrics_registry metrics;
    job_runner runner(metrics, log);
    job_report report;
    auto run = [&]() -> asio::awaitable<void> { report = co_await runner.run(*chosen, std::chrono::system_clock::now()); };
    asio::co_spawn(io, run(), asio::detached);
    io.run();
    database.stop();
    std::printf("%s\n", boost::json::serialize(report.figures).c_str());
    return report.ok ? 0 : 1;
}

int list_jobs_command(const server_config& config) {
    logger log(log_level::error);
    mysql_pool database(config.mysql, log);  // connects lazily: listing touches no database
    order_service orders(database, nullptr, log);
    const system_wall_clock clock;
    payout_service payouts(database, nullptr, clock, log, payout_options_of(config));
    for (const auto& j : make_jobs({.database = database, .orders = orders, .payouts = payouts, .config = config}))
        std::printf("%-20s every %-8s %s\n", std::string(j->name()).c_str(),
                    job_interval(config, j->name()).count() ? (std::to_string(job_interval(config, j->name()).count()) + "s").c_str() : "-",
                    std::string(j->summary()).c_str());
    database.stop();
    return 0;
}

int check_ledger_command(const server_config& config) {
    mysql_driver_init();
    std::unique_ptr<sql::Connection> connection;
    try {
        connection = mysql_connect(config.mysql);
    } catch (const sql::SQLException& e) {
        std::fprintf(stderr, "sharedstore: cannot connect to MariaDB at %s:%d: %s\n", config.mysql.host.c_str(), config.mysql.port, e.what());
        return 2;
    }
    int failed = 0;
    mysql_connection db(std::move(connection), 0);
    for (const auto& check : check_ledger(db)) {
        if (check.offending.empty()) {
            std::printf("ok      %s\n", check.name.c_str());
            continue;
        }
        ++failed;
        std::string ids;
        for (const auto& id : check.offending) ids += (ids.empty() ? "" : ", ") + id;
        std::printf("FAILED  %s: %s\n", check.name.c_str(), ids.c_str());
    }
    std::printf(failed ? "check-ledger: %d check(s) failed\n" : "check-ledger: all checks hold\n", failed);
    return failed ? 1 : 0;
}

// `--name value` pairs of an operator's command; an id option is a decimal above 0 (else 0).
std::map<std::string, std::string> named_options(const std::vector<std::string>& args) {
    std::map<std::string, std::string> options;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) options[args[i]] = args[i + 1];
    return options;
}

std::uint64_t id_option(std::map<std::string, std::string>& options, const char* name) {
    const auto& text = options[name];
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    return ec == std::errc() && end == text.data() + text.size() ? id : 0;
}

// One connection for a command run beside the server (no pool, no statement cache to speak of).
mysql_connection command_connection(const server_config& config) {
    mysql_driver_init();
    return mysql_connection(mysql_connect(config.mysql), 16, nullptr);
}

// The development stand-in for a staff member's phone: confirms a login ticket as that user would
// (the same checks: staff of a store, a live ticket). Refused outside development.
// sharedstore correct-referral --user N --referrer M --operator NAME --reason TEXT: an operator's
// audited correction of a lifetime referral (docs/members.md), until the platform operator's API.
int correct_referral_command(const server_config& config, const std::vector<std::string>& args) {
    auto options = named_options(args);
    auto id_of = [&](const char* name) { return id_option(options, name); };
    const auto user = id_of("--user"), referrer = id_of("--referrer");
    const auto operator_name = options["--operator"], reason = options["--reason"];
    if (args.size() != 8 || options.size() != 4 || !user || !referrer || operator_name.empty() || operator_name.size() > 64 || reason.empty() ||
        reason.size() > 200) {
        std::fprintf(stderr, "sharedstore: correct-referral needs --user N --referrer M --operator NAME (<= 64) --reason TEXT (<= 200)\n");
        return 2;
    }
    auto db = command_connection(config);
    db.native().setAutoCommit(false);
    const auto refused = correct_lifetime_referral(db, user, referrer, operator_name, reason, std::chrono::system_clock::now());
    if (refused) {
        db.native().rollback();
        std::fprintf(stderr, "sharedstore: refused: %s\n", std::string(to_string(*refused)).c_str());
        return 1;
    }
    db.native().commit();
    std::printf("{\"user_id\":\"%llu\",\"referrer_user_id\":\"%llu\"}\n", static_cast<unsigned long long>(user),
                static_cast<unsigned long long>(referrer));
    return 0;
}

// sharedstore sign-off-level2-cash --merchant N --operator-user N --reference TEXT: the platform
// operator (granted with grant-platform-operator) records who allowed cash to A2 at a store, on
// what reference (docs/bonus.md), until the operator's own API. The store's next bonus
// configuration with level2_cash carries it.
int sign_off_level2_cash_command(const server_config& config, const std::vector<std::string>& args) {
    auto options = named_options(args);
    auto id_of = [&](const char* name) { return id_option(options, name); };
    const auto merchant = id_of("--merchant"), operator_user = id_of("--operator-user");
    const auto reference = options["--reference"];
    const cash_sign_off sign_off{.operator_user_id = operator_user, .signed_at = std::chrono::system_clock::now(), .reference = reference};
    if (args.size() != 6 || options.size() != 3 || !merchant || !sign_off_complete(sign_off) || reference.size() > 500) {
        std::fprintf(stderr, "sharedstore: sign-off-level2-cash needs --merchant N --operator-user N --reference TEXT (1..500)\n");
        return 2;
    }
    auto db = command_connection(config);
    if (!find_merchant(db, merchant)) {
        std::fprintf(stderr, "sharedstore: no merchant %llu\n", static_cast<unsigned long long>(merchant));
        return 1;
    }
    // The sign-off is the operator's: a user without the role (docs/alliance.md) cannot give it.
    if (!is_platform_operator(db, operator_user)) {
        std::fprintf(stderr, "sharedstore: user %llu is no platform operator (sharedstore grant-platform-operator)\n",
                     static_cast<unsigned long long>(operator_user));
        return 1;
    }
    insert_cash_sign_off(db, merchant, sign_off);
    std::printf("{\"merchant_id\":\"%llu\",\"operator_user_id\":\"%llu\"}\n", static_cast<unsigned long long>(merchant),
                static_cast<unsigned long long>(operator_user));
    return 0;
}

// sharedstore grant-platform-operator --user N --by NAME: the first operator cannot be granted
// through the API (no operator exists to do it); NAME is recorded with the grant.
int grant_platform_operator_command(const server_config& config, const std::vector<std::string>& args) {
    auto options = named_options(args);
    const auto user = id_option(options, "--user");
    const auto by = options["--by"];
    if (args.size() != 4 || options.size() != 2 || !user || by.empty() || by.size() > 100) {
        std::fprintf(stderr, "sharedstore: grant-platform-operator needs --user N --by NAME (1..100)\n");
        return 2;
    }
    auto db = command_connection(config);
    if (!grant_platform_operator(db, user, by, std::chrono::system_clock::now())) {
        std::fprintf(stderr, "sharedstore: no user %llu\n", static_cast<unsigned long long>(user));
        return 1;
    }
    std::printf("{\"platform_operator_user_id\":\"%llu\"}\n", static_cast<unsigned long long>(user));
    return 0;
}

int console_confirm_command(const server_config& config, const std::vector<std::string>& args) {
    std::string ticket;
    std::uint64_t user_id = 0;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == "--ticket") ticket = args[i + 1];
        else if (args[i] == "--user-id") std::from_chars(args[i + 1].data(), args[i + 1].data() + args[i + 1].size(), user_id);
        else ticket.clear(), user_id = 0, i = args.size();
    }
    if (args.size() != 4 || ticket.empty() || user_id == 0) {
        std::fprintf(stderr, "sharedstore: console-confirm needs --ticket T --user-id N\n");
        return 2;
    }
    if (config.environment != "development") {
        std::fprintf(stderr,
                     "sharedstore: console-confirm is a development helper and this config has server.environment = %s; "
                     "in production a staff member confirms the login by scanning the QR code with the mini-program\n",
                     config.environment.c_str());
        return 2;
    }
    logger log(config.log_min_level);
    mysql_driver_init();
    asio::io_context io(1);
    mysql_pool database(config.mysql, log);
    auto redis = redis_client::create(io.get_executor(), config.redis, log);
    redis->start();
    console_session_store sessions(redis, console_limits_of(config));
    console_ticket_store tickets(redis);
    rate_limiter limiter(redis);
    console_auth_service console(database, tickets, sessions, nullptr, nullptr, limiter, console_login_settings_of(config), log);
    int status = 1;
    auto run = [&]() -> asio::awaitable<void> {
        try {
            // The client connects in the background: give it a moment rather than fail at once.
            for (int i = 0; i < 100 && !redis->connected(); ++i) {
                asio::steady_timer pause(io, std::chrono::milliseconds(20));
                co_await pause.async_wait(asio::use_awaitable);
            }
            auto confirmed = co_await console.confirm(user_id, ticket);
            if (confirmed) {
                std::printf("confirmed: the waiting console page signs in as user %llu (staff of %zu store(s))\n",
                            static_cast<unsigned long long>(user_id), confirmed.value().size());
                status = 0;
            } else {
                const auto row = error_mapping_of(confirmed.error().kind);
                std::fprintf(stderr, "sharedstore: not confirmed: %s (%s)\n", row ? std::string(row->code).c_str() : "error",
                             row ? std::string(row->message).c_str() : "");
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "sharedstore: %s\n", e.what());
        }
        redis->stop();
    };
    asio::co_spawn(io, run(), asio::detached);
    io.run();
    database.stop();
    return status;
}

int migrate(const server_config& config) {
    logger log(config.log_min_level);
    mysql_driver_init();
    auto migrations = prepare_migrations(embedded_migrations());
    std::unique_ptr<sql::Connection> connection;
    try {
        connection = mysql_connect(config.mysql);
    } catch (const sql::SQLException& e) {
        std::fprintf(stderr, "sharedstore: cannot connect to MariaDB at %s:%d: %s\n", config.mysql.host.c_str(), config.mysql.port, e.what());
        return 1;
    }
    auto report = apply_migrations(*connection, migrations, log);
    log.info("migrations_done", {{"applied", report.applied.size()}, {"already_applied", report.already_applied}});
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // hiredis writes to sockets with write(): a peer that vanished must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::fputs(usage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    // The table is code, not configuration: tests read it without a config file or servers.
    if (command == "routes" && args.size() == 1) {
        std::fputs(route_listing(api_routes()).c_str(), stdout);
        return 0;
    }
    std::string config_path;
    std::vector<std::string> rest;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) config_path = args[++i];
        else rest.push_back(args[i]);
    }
    if (config_path.empty()) {
        std::fprintf(stderr, "sharedstore: %s needs --config FILE\n%s", command.c_str(), usage);
        return 2;
    }
    try {
        const server_config config =
            load_config_file(config_path, process_environment(), command == "serve" || command == "reconcile-payments" || command == "run-job");
        if (command == "serve" && rest.empty()) return serve(config);
        if (command == "check-ledger" && rest.empty()) return check_ledger_command(config);
        if (command == "jobs" && rest.empty()) return list_jobs_command(config);
        // reconcile-payments [--max-age-s N] is the older spelling of run-job reconcile-payments.
        if (command == "reconcile-payments") rest.insert(rest.begin(), "reconcile-payments");
        if ((command == "run-job" || command == "reconcile-payments") && (rest.size() == 1 || (rest.size() == 3 && rest[1] == "--max-age-s"))) {
            long long max_age = 2 * 24 * 3600;
            if (rest.size() == 3) {
                auto [end, ec] = std::from_chars(rest[2].data(), rest[2].data() + rest[2].size(), max_age);
                if (ec != std::errc() || end != rest[2].data() + rest[2].size() || max_age < 60) {
                    std::fprintf(stderr, "sharedstore: --max-age-s is a number of seconds, at least 60\n");
                    return 2;
                }
            }
            return run_job_command(config, rest[0], std::chrono::seconds(max_age));
        }
        if (command == "migrate" && rest.empty()) return migrate(config);
        if (command == "console-confirm") return console_confirm_command(config, rest);
        if (command == "correct-referral") return correct_referral_command(config, rest);
        if (command == "sign-off-level2-cash") return sign_off_level2_cash_command(config, rest);
        if (command == "grant-platform-operator") return grant_platform_operator_command(config, rest);
        if (command == "config-get" && rest.size() == 1) {
            auto value = config_value_text(config, rest[0]);
            if (!value) {
                std::fprintf(stderr, "sharedstore: no config key %s\n", rest[0].c_str());
                return 2;
            }
            std::cout << *value << "\n";
            return 0;
        }
        std::fprintf(stderr, "sharedstore: unknown command or arguments\n%s", usage);
        return 2;
    } catch (const config_error& e) {
        std::fprintf(stderr, "sharedstore: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sharedstore: %s\n", e.what());
        return 1;
    }
}
