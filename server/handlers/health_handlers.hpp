#pragma once
// GET /healthz (process alive), GET /readyz (MariaDB and Redis answer), GET /metrics (Prometheus).
#include "common/metrics.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "common/http/router.hpp"

#include <memory>

namespace sharedstore {

struct health_dependencies {
    mysql_pool& database;
    std::shared_ptr<redis_client> redis;
    metrics_registry& metrics;
};

void add_health_routes(router& routes, health_dependencies deps);

// Gauges for the MariaDB pool and the Redis connection.
void describe_dependency_metrics(metrics_registry& metrics, mysql_pool& database, std::shared_ptr<redis_client> redis);

}  // namespace sharedstore
