#pragma once
// What every sharedstore-bench mode needs: JSON requests, a user signed in the way the
// mini-program does it, and the summary printed as a table and one JSON line.
#include "push/outbox_events.hpp"
#include "wechat/https_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace sharedstore::bench {

// A request with a JSON body (none when `body` is null) and a bearer token when one is given.
// Built outside co_await expressions (docs/coroutines.md: GCC 12 destroys temporaries in them twice).
client_request json_request(const std::string& method, const std::string& url, const boost::json::value& body, const std::string& token = "");

// The answer's JSON (null when empty); throws with the status and body on 3xx and above.
boost::asio::awaitable<boost::json::value> call_json(https_client& http, client_request request);

// A new user: a login code from the simulator for a fresh openid, then our login.
struct signed_in_user {
    std::string token, id;
};
boost::asio::awaitable<signed_in_user> sign_in(https_client& http, std::string sim, std::string server);
// sign_in, tried up to `attempts` times (a busy server may refuse one); nullopt with the last
// error in `error` when every attempt failed.
boost::asio::awaitable<std::optional<signed_in_user>> sign_in_retrying(https_client& http, std::string sim, std::string server, int attempts,
                                                                       std::string& error);

// JSON with numbers as people write them (Boost.JSON would print 71.3 as 7.13E1).
std::string readable_json(const boost::json::value& v);

// The p-th percentile (0..100) of the values, nearest rank; sorts them.
double percentile(std::vector<double>& values, double p);

// Microseconds since the epoch, now (the system clock: comparable with MariaDB's UTC stamps).
std::int64_t epoch_us();

// Waits `seconds` on the calling coroutine's executor.
boost::asio::awaitable<void> sleep_seconds(double seconds);

// Runs `work` on `io` until everything it started has finished; what it threw, as text ("" when nothing).
std::string run_to_end(boost::asio::io_context& io, boost::asio::awaitable<void> work);

// Processes the benches watch or start (/proc, posix_spawn).
// utime + stime of process `pid` in seconds; 0 when it cannot be read.
double process_cpu_seconds(int pid);
// Its resident set now (VmRSS) in KiB; -1 when it cannot be read.
long long process_rss_kib(int pid);
// This process's environment with `changes` (NAME=value) replacing variables of the same name.
std::vector<std::string> environment_with(const std::vector<std::string>& changes);
// Starts `argv` with environment_with(`env`), stdout and stderr into `log`; its pid. Throws when
// it cannot be started.
int spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& log);

// The dividend reminder the benches send (~190 bytes a frame, as in issue 19's measurements).
dividend_event sample_dividend_event();

// The reminder id of a frame, the N of "id":"N-0" (not a merchant's "id":"12"); 0 when absent.
std::uint64_t reminder_id(std::string_view frame);

// "key  value" lines for the keys not listed in `skip`, then the whole summary as one JSON line.
void print_summary(const std::string& title, const boost::json::object& summary, const std::vector<std::string>& skip = {});

}  // namespace sharedstore::bench
