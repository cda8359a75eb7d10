#include "server/handlers/health_handlers.hpp"

#include "common/within.hpp"
#include "server/handlers/api_services.hpp"
#include "server/http/api_error.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

namespace sharedstore {

namespace {

// Readiness answers within a second whatever its dependencies do: a check that takes longer
// than this is reported "slow" (and the probe behind it keeps going on its own).
constexpr auto readiness_patience = std::chrono::milliseconds(500);

// The client by shared_ptr: a check that outlives its patience must not outlive the client.
boost::asio::awaitable<std::string> check_redis(std::shared_ptr<redis_client> redis) {
    try {
        std::vector<std::string> ping{std::string("PING")};
        auto reply = co_await redis->command(std::move(ping));
        co_return std::string(reply.type == redis_reply::kind::status && reply.str == "PONG" ? "ok" : "unexpected answer");
    } catch (const std::exception&) {
        co_return std::string("unavailable");
    }
}

boost::asio::awaitable<http_response> handle_healthz(const api_services&, http_request&, const caller&) {
    co_return http_response::json(200, boost::json::object{{"status", "alive"}});
}

boost::asio::awaitable<http_response> handle_readyz(const api_services& s, http_request& request, const caller&) {
    // MariaDB on readiness's own connection (never queued behind the pool's workers); Redis
    // meanwhile, each within the patience.
    using namespace boost::asio::experimental::awaitable_operators;
    auto mysql_check = s.database.check_ready(readiness_patience);
    auto redis_check = within(readiness_patience, check_redis(s.redis));
    auto both = std::move(mysql_check) && std::move(redis_check);  // named, then awaited: docs/coroutines.md
    auto [mysql, redis_answer] = co_await std::move(both);
    const std::string redis = redis_answer ? *redis_answer : std::string("slow");
    boost::json::object checks{{"mysql", mysql}, {"redis", redis}};
    // Sockets are refused until the reminders' listener reads its streams (a second at most once
    // Redis answers): until then the instance is not ready for the traffic it would get.
    const std::string push = !s.push_listening || s.push_listening() ? "ok" : "starting";
    checks["push"] = push;
    if (mysql == "ok" && redis == "ok" && push == "ok")
        co_return http_response::json(200, boost::json::object{{"status", "ready"}, {"checks", std::move(checks)}});
    // "mysql slow", "redis unavailable", "mysql slow, redis unavailable"
    std::string failed;
    if (mysql != "ok") failed = "mysql " + mysql;
    if (redis != "ok") failed += (failed.empty() ? "redis " : ", redis ") + redis;
    if (push != "ok") failed += (failed.empty() ? "push " : ", push ") + push;
    auto body = error_body("not_ready", failed, request.request_id);
    body["checks"] = std::move(checks);
    auto response = http_response::json(503, body);
    response.set_header("Retry-After", "1");
    co_return response;
}

boost::asio::awaitable<http_response> handle_metrics(const api_services& s, http_request&, const caller&) {
    co_return http_response::text(200, s.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
}

constexpr route table[] = {
    {"GET", "/healthz", route_access::none, handle_healthz},
    {"GET", "/readyz",  route_access::none, handle_readyz},
    {"GET", "/metrics", route_access::none, handle_metrics},
};

}  // namespace

std::span<const route> health_routes() { return table; }

void describe_dependency_metrics(metrics_registry& metrics, mysql_pool& database, std::shared_ptr<redis_client> redis) {
    metrics.describe_gauge("sharedstore_mysql_pool_connections", "MariaDB pool: size, open and busy connections.", [&database] {
        auto s = database.stats();
        return std::vector<std::pair<metric_labels, double>>{
            {{{"state", "size"}}, double(s.size)}, {{{"state", "open"}}, double(s.open)}, {{{"state", "busy"}}, double(s.busy)}};
    });
    metrics.describe_gauge("sharedstore_mysql_pool_queued", "Queries waiting for a MariaDB pool worker.", [&database] {
        return std::vector<std::pair<metric_labels, double>>{{{}, double(database.stats().queued)}};
    });
    metrics.describe_gauge("sharedstore_mysql_pool_events", "MariaDB pool: connections opened, queries refused, and callers that stopped waiting (queue or job timeout) since start.", [&database] {
        auto s = database.stats();
        return std::vector<std::pair<metric_labels, double>>{{{{"event", "connected"}}, double(s.reconnects)},
                                                             {{{"event", "rejected"}}, double(s.rejected)},
                                                             {{{"event", "timed_out"}}, double(s.timed_out)}};
    });
    metrics.describe_gauge("sharedstore_mysql_circuit_open", "1 while the MariaDB circuit is open (queries fail at once after timeouts in a row).",
                           [&database] { return std::vector<std::pair<metric_labels, double>>{{{}, database.stats().circuit_open ? 1.0 : 0.0}}; });
    metrics.describe_gauge("sharedstore_mysql_statements", "Prepared statements since start: prepared on the server, reused from a connection's cache, evicted from it.",
                           [&database] {
                               auto s = database.stats();
                               return std::vector<std::pair<metric_labels, double>>{{{{"event", "prepared"}}, double(s.statements_prepared)},
                                                                                    {{{"event", "reused"}}, double(s.statements_reused)},
                                                                                    {{{"event", "evicted"}}, double(s.statements_evicted)}};
                           });
    // weak_ptr: the registry must not keep the client (and its sockets) alive past the io_context.
    std::weak_ptr<redis_client> weak_redis = redis;
    metrics.describe_gauge("sharedstore_redis_connected", "1 when the Redis connection is up.", [weak_redis] {
        auto client = weak_redis.lock();
        return std::vector<std::pair<metric_labels, double>>{{{}, client && client->connected() ? 1.0 : 0.0}};
    });
}

}  // namespace sharedstore
