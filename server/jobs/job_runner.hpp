#pragma once
// Running jobs: one pass timed, logged and counted (sharedstore_job_* in /metrics), and the
// schedule inside `serve`: every jobs.<name>.every_s, on the one instance holding the Redis lease
// "job:<name>" for that period.
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/redis_client.hpp"
#include "server/jobs/job.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sharedstore {

class job_runner {
public:
    job_runner(metrics_registry& metrics, logger& log);

    // One pass of `j`; a pass that throws is reported failed (logged), never rethrown.
    boost::asio::awaitable<job_report> run(job& j, std::chrono::system_clock::time_point now);

private:
    struct last_run {
        double finished_unix = 0;
        double duration_s = 0;
        bool ok = true;
    };
    std::vector<std::pair<metric_labels, double>> gauge(double last_run::* field) const;

    metrics_registry& metrics_;
    logger& log_;
    mutable std::mutex mutex_;
    std::map<std::string, last_run> last_;  // by job name
};

class job_scheduler {
public:
    // `instance`: this server's name in the lease.
    job_scheduler(boost::asio::io_context& io, redis_client& redis, std::string instance, job_runner& runner, logger& log);

    // Before start(); `every` 0: not scheduled.
    void add(job& j, std::chrono::seconds every);
    void start();
    void stop();

private:
    boost::asio::awaitable<void> loop(job& j, std::chrono::seconds every, std::shared_ptr<boost::asio::steady_timer> timer);

    boost::asio::io_context& io_;
    redis_client& redis_;
    std::string instance_;
    job_runner& runner_;
    logger& log_;
    std::vector<std::pair<job*, std::chrono::seconds>> scheduled_;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;  // one per loop, on its own strand
    std::atomic<bool> stopping_{false};
};

}  // namespace sharedstore
