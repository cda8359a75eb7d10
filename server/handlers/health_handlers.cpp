#include "server/handlers/health_handlers.hpp"

#include "server/http/api_error.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

namespace sharedstore {

namespace {

boost::asio::awaitable<std::string> check_mysql(mysql_pool& database) {
    try {
        bool ok = co_await database.run([](mysql_connection& connection) {
            mysql_statement ping(connection.prepare("SELECT 1"));
            std::unique_ptr<sql::ResultSet> rs(ping->executeQuery());
            return rs->next() && rs->getInt(1) == 1;
        });
        co_return std::string(ok ? "ok" : "unexpected answer");
    } catch (const std::exception&) {
        co_return std::string("unavailable");
    }
}

boost::asio::awaitable<std::string> check_redis(redis_client& redis) {
    try {
        std::vector<std::string> ping{std::string("PING")};
        auto reply = co_await redis.command(std::move(ping));
        co_return std::string(reply.type == redis_reply::kind::status && reply.str == "PONG" ? "ok" : "unexpected answer");
    } catch (const std::exception&) {
        co_return std::string("unavailable");
    }
}

}  // namespace

void add_health_routes(router& routes, health_dependencies deps) {
    routes.add("GET", "/healthz", [](http_request&) -> boost::asio::awaitable<http_response> {
        co_return http_response::json(200, boost::json::object{{"status", "alive"}});
    });

    routes.add("GET", "/readyz", [deps](http_request& request) -> boost::asio::awaitable<http_response> {
        const std::string mysql = co_await check_mysql(deps.database);
        const std::string redis = co_await check_redis(*deps.redis);
        boost::json::object checks{{"mysql", mysql}, {"redis", redis}};
        if (mysql == "ok" && redis == "ok")
            co_return http_response::json(200, boost::json::object{{"status", "ready"}, {"checks", std::move(checks)}});
        std::string failed;
        if (mysql != "ok") failed = "mysql";
        if (redis != "ok") failed += failed.empty() ? "redis" : " and redis";
        auto body = error_body("not_ready", failed + " unavailable", request.request_id);
        body["checks"] = std::move(checks);
        auto response = http_response::json(503, body);
        response.set_header("Retry-After", "1");
        co_return response;
    });

    routes.add("GET", "/metrics", [deps](http_request&) -> boost::asio::awaitable<http_response> {
        co_return http_response::text(200, deps.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
}

void describe_dependency_metrics(metrics_registry& metrics, mysql_pool& database, std::shared_ptr<redis_client> redis) {
    metrics.describe_gauge("sharedstore_mysql_pool_connections", "MariaDB pool: size, open and busy connections.", [&database] {
        auto s = database.stats();
        return std::vector<std::pair<metric_labels, double>>{
            {{{"state", "size"}}, double(s.size)}, {{{"state", "open"}}, double(s.open)}, {{{"state", "busy"}}, double(s.busy)}};
    });
    metrics.describe_gauge("sharedstore_mysql_pool_queued", "Queries waiting for a MariaDB pool worker.", [&database] {
        return std::vector<std::pair<metric_labels, double>>{{{}, double(database.stats().queued)}};
    });
    metrics.describe_gauge("sharedstore_mysql_pool_events", "MariaDB pool: connections opened and queries refused since start.", [&database] {
        auto s = database.stats();
        return std::vector<std::pair<metric_labels, double>>{{{{"event", "connected"}}, double(s.reconnects)},
                                                             {{{"event", "rejected"}}, double(s.rejected)}};
    });
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
