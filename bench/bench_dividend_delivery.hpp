#pragma once
// The second half of sharedstore-bench alliance-dividend (`--connected N`, bench/README.md): the
// dividend's `vouchers` frames reaching N connected holders, and the core loop's reminders
// meanwhile. A server of the bench's own serves the seeded database, on a Redis of the bench's
// own; the holders hold authenticated WebSockets; a probe commits dividend reminders (outbox rows,
// the relay woken as a payment's commit does) at a steady rate before, during and after the job.
#include "common/mysql_pool.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sharedstore::bench {

struct delivery_options {
    std::string binary;                // the server binary (`serve`)
    std::string config;                // its configuration file
    std::vector<std::string> env;      // NAME=value for the server and the job (the database, ...)
    mysql_config mysql;                // the seeded database, for the probe and the frames' commit times
    std::vector<std::uint64_t> holders;  // the connected holders' user ids
    std::vector<std::uint64_t> probe_users;  // users without lots: the probe's reminders go to them
    double probe_rate = 20;            // probe reminders a second
    double baseline_s = 5;             // probing before the job starts
    // Probing after the last holder's frame: past ack_timeout (30 s), when the fallbacks of the
    // frames nobody acknowledged fall due.
    double after_s = 40;
    double wait_s = 120;               // after the job: how long to wait for the last holder's frame
};

// Starts the server and Redis, connects, probes, runs `job` (blocking: the dividend job as a child
// process, with `redis_env` added to its environment) on a thread of its own, and measures until
// every connected holder has its frame or wait_s passed. The figures, as JSON; "complete" says
// whether every connected holder got exactly one frame and every probe reminder arrived.
boost::json::object measure_delivery(const delivery_options& o, const std::function<void(const std::vector<std::string>& redis_env)>& job);

}  // namespace sharedstore::bench
