#pragma once
// sharedstore-bench fanout (bench/README.md): N WebSocket connections, frames injected at fixed
// rates into the Redis inboxes with pokes (the Redis segment), through committed outbox rows (the
// full path), or into a Socket.IO peer (bench/peers/socketio); every frame acknowledged. Reports
// delivery, latency from injection to the client's read, missing and doubled frames, CPU per
// delivered frame of the server, Redis and MariaDB (from /proc), and idle RSS per connection.
#include <string>
#include <vector>

namespace sharedstore::bench {

// args[0] is "fanout". Prints a table, then one JSON line; exit status 1 when a frame was missing
// or doubled, 2 on bad options.
int run_fanout(const std::vector<std::string>& args);
const char* fanout_usage();

}  // namespace sharedstore::bench
