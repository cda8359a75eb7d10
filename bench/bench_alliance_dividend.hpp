#pragma once
// sharedstore-bench alliance-dividend (bench/README.md): one pool dividend over many vested lots
// (by default 1,000,000 lots of 200,000 consumers and 2,000 stores), seeded straight into a
// database of the bench's own on the configured MariaDB, paid by `sharedstore run-job
// pay-alliance-dividends`: time to start (S_n, V_n) and to commit every chunk, the job's peak
// memory and MariaDB's, and the result checked against the lots.
#include <string>
#include <vector>

namespace sharedstore::bench {

// args[0] is "alliance-dividend"; the rest are its options. Prints a table, then one JSON line;
// returns 1 when the dividend did not credit exactly what its lots released, 2 on bad options.
int run_alliance_dividend(const std::vector<std::string>& args);

const char* alliance_dividend_usage();

}  // namespace sharedstore::bench
