#pragma once
// Fan locks (docs/alliance.md, "Fan locks"): the first member store that touches a consumer (a card
// claim, a scan of its QR code, a payment) locks them platform-wide. Called inside the touching
// event's transaction; a store outside the alliance locks nobody.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "server/storage/alliance_fan_repository.hpp"

#include <optional>
#include <string>

namespace sharedstore {

// The consumer's lock after this touch (none when the store is not a member and no lock existed).
std::optional<fan_lock> touch_alliance_fan(mysql_connection& db, std::uint64_t user_id, std::uint64_t merchant_id, const std::string& source,
                                           wall_time at);

}  // namespace sharedstore
