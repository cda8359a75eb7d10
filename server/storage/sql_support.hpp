#pragma once
// Small pieces every MariaDB repository uses.
#include "common/mysql_connection.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace sharedstore {

// The AUTO_INCREMENT id the connection's last INSERT produced.
std::uint64_t last_insert_id(mysql_connection& db);

// An insert that may meet a row already there (a concurrent copy won the unique key): repositories
// answer this instead of letting the driver's error reach a service.
enum class insert_outcome { inserted, duplicate };

// `item` `count` times with `separator` between: the placeholder lists of multi-row statements
// ("(?, ?)", 3 -> "(?, ?), (?, ?), (?, ?)").
std::string repeated(const std::string& item, std::size_t count, const std::string& separator = ", ");

// SQL that reads a DATETIME(6) column (UTC: sessions run in UTC) as microseconds since the epoch,
// and their time point: records carry time points, and the JSON edge formats them
// (server/domain/rfc3339.hpp). NULL stays NULL.
std::string sql_micros(const std::string& column);
std::chrono::system_clock::time_point from_micros(std::int64_t microseconds);

}  // namespace sharedstore
