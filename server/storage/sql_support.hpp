#pragma once
// Small pieces every MariaDB repository uses.
#include <cstdint>

namespace sql {
class Connection;
}

namespace sharedstore {

// The AUTO_INCREMENT id the connection's last INSERT produced.
std::uint64_t last_insert_id(sql::Connection& db);

}  // namespace sharedstore
