#include "server/jobs/job_runner.hpp"

#include "common/redis_lease.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sharedstore {

namespace asio = boost::asio;

job_runner::job_runner(metrics_registry& metrics, logger& log) : metrics_(metrics), log_(log) {
    metrics_.describe_counter("sharedstore_job_runs_total", "Job passes, by job and outcome (ok, failed).");
    metrics_.describe_gauge("sharedstore_job_last_run_timestamp_seconds", "When each job's last pass ended (Unix time).",
                            [this] { return gauge(&last_run::finished_unix); });
    metrics_.describe_gauge("sharedstore_job_last_duration_seconds", "How long each job's last pass took.",
                            [this] { return gauge(&last_run::duration_s); });
}

std::vector<std::pair<metric_labels, double>> job_runner::gauge(double last_run::* field) const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<metric_labels, double>> out;
    for (const auto& [name, run] : last_) out.push_back({{{"job", name}}, run.*field});
    return out;
}

asio::awaitable<job_report> job_runner::run(job& j, std::chrono::system_clock::time_point now) {
    const std::string name(j.name());
    const auto started = std::chrono::steady_clock::now();
    job_report report;
    std::string error;
    try {
        report = co_await j.run_once(now);
    } catch (const std::exception& e) {
        report.ok = false;
        error = e.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    {
        std::lock_guard lock(mutex_);
        last_[name] = last_run{std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(), seconds, report.ok};
    }
    metrics_.increment("sharedstore_job_runs_total", {{"job", name}, {"outcome", report.ok ? "ok" : "failed"}});
    boost::json::object fields{{"job", name}, {"ok", report.ok}, {"duration_ms", static_cast<std::int64_t>(seconds * 1000)}};
    for (const auto& [key, value] : report.figures) fields[key] = value;
    if (!error.empty()) fields["error"] = error;
    log_.write(report.ok ? log_level::info : log_level::warn, "job_done", fields);
    co_return report;
}

job_scheduler::job_scheduler(asio::io_context& io, redis_client& redis, std::string instance, job_runner& runner, logger& log)
    : io_(io), redis_(redis), instance_(std::move(instance)), runner_(runner), log_(log) {}

void job_scheduler::add(job& j, std::chrono::seconds every) {
    if (every.count() > 0) scheduled_.emplace_back(&j, every);
}

void job_scheduler::start() {
    for (auto& [j, every] : scheduled_) {
        log_.info("job_scheduled", {{"job", std::string(j->name())}, {"every_s", every.count()}});
        auto strand = asio::make_strand(io_);
        auto timer = std::make_shared<asio::steady_timer>(strand);
        timers_.push_back(timer);
        asio::co_spawn(strand, loop(*j, every, timer), asio::detached);
    }
}

void job_scheduler::stop() {
    stopping_ = true;
    // Each timer is used on its loop's strand only.
    for (auto& t : timers_) asio::post(t->get_executor(), [t] { t->cancel(); });
}

asio::awaitable<void> job_scheduler::loop(job& j, std::chrono::seconds every, std::shared_ptr<asio::steady_timer> timer) {
    const auto lease = "job:" + std::string(j.name());
    while (!stopping_) {
        timer->expires_after(every);
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) break;
        // The lease lasts one period and is never released: whoever ran it, no instance runs it
        // again before the period is over.
        bool mine = false;
        try {
            mine = co_await hold_redis_lease(redis_, lease, instance_, std::chrono::duration_cast<std::chrono::milliseconds>(every));
        } catch (const std::exception& e) {
            log_.warn("job_lease_unavailable", {{"job", std::string(j.name())}, {"error", e.what()}});
        }
        if (!mine) continue;
        co_await runner_.run(j, std::chrono::system_clock::now());
    }
}

}  // namespace sharedstore
