#pragma once
// Batch work as named jobs (docs/configuration.md, "Jobs"): each runs once on demand
// (`sharedstore run-job NAME`) or on a schedule inside `serve` (jobs.<name>.every_s, one instance at
// a time under a Redis lease). Settlement, pool dividends, expiries and payout checks will be jobs.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string_view>

namespace sharedstore {

struct job_report {
    bool ok = true;               // false: the run found something wrong (the command exits 1)
    boost::json::object figures;  // what it did, printed as one JSON line
};

class job {
public:
    virtual ~job() = default;
    virtual std::string_view name() const = 0;     // kebab-case: the command's argument
    virtual std::string_view summary() const = 0;  // one line for `sharedstore jobs`
    // One pass. Idempotent: a pass cut short or run twice leaves nothing half done.
    virtual boost::asio::awaitable<job_report> run_once(std::chrono::system_clock::time_point now) = 0;
};

}  // namespace sharedstore
