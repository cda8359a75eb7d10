#pragma once
// sharedstore-bench connections (bench/README.md): N authenticated idle WebSockets held open with
// heartbeats; the server's resident memory per connection and whether any dropped.
#include <string>
#include <vector>

namespace sharedstore::bench {

// args[0] is "connections"; the rest are its options. Prints a table, then one JSON line, and
// returns the exit status (1 when a connection failed to open or dropped, 2 on bad options).
int run_connections(const std::vector<std::string>& args);

// The usage lines of the mode, for sharedstore-bench's usage().
const char* connections_usage();

}  // namespace sharedstore::bench
