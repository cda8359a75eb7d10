#pragma once
// `sharedstore check-ledger`: the invariants of the money tables over the whole database. Each
// failed check names the offending ids. Blocking (one connection).
#include "common/mysql_connection.hpp"

#include <string>
#include <vector>

namespace sharedstore {

struct ledger_check_result {
    std::string name;         // what must hold
    std::vector<std::string> offending;  // ids that break it (at most 100), empty when it holds
};

std::vector<ledger_check_result> check_ledger(mysql_connection& db);

}  // namespace sharedstore
