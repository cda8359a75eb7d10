#pragma once
// sharedstore-bench what-if (bench/README.md): the tier what-if's answer time on a store with N
// paid POS orders.
#include <string>
#include <vector>

namespace sharedstore::bench {

// args[0] is "what-if"; the rest are its options. Prints a table, then one JSON line, and returns
// the exit status (1 when an order or the what-if was refused, 2 on bad options).
int run_what_if(const std::vector<std::string>& args);

// The usage lines of the mode, for sharedstore-bench's usage().
const char* what_if_usage();

}  // namespace sharedstore::bench
