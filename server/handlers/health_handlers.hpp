#pragma once
// GET /healthz (process alive), GET /readyz (MariaDB and Redis answer), GET /metrics (Prometheus).
#include "common/metrics.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "server/handlers/route.hpp"

#include <memory>
#include <span>

namespace sharedstore {

std::span<const route> health_routes();

// Gauges for the MariaDB pool and the Redis connection.
void describe_dependency_metrics(metrics_registry& metrics, mysql_pool& database, std::shared_ptr<redis_client> redis);

}  // namespace sharedstore
