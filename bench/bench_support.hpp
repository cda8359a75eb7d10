#pragma once
// What every sharedstore-bench mode needs: JSON requests, a user signed in the way the
// mini-program does it, and the summary printed as a table and one JSON line.
#include "wechat/https_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
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

// Runs `work` on `io` until everything it started has finished; what it threw, as text ("" when nothing).
std::string run_to_end(boost::asio::io_context& io, boost::asio::awaitable<void> work);

// "key  value" lines for the keys not listed in `skip`, then the whole summary as one JSON line.
void print_summary(const std::string& title, const boost::json::object& summary, const std::vector<std::string>& skip = {});

}  // namespace sharedstore::bench
