#include "server/services/alliance_fans.hpp"

#include "server/storage/alliance_repository.hpp"

namespace sharedstore {

std::optional<fan_lock> touch_alliance_fan(mysql_connection& db, std::uint64_t user_id, std::uint64_t merchant_id, const std::string& source,
                                           wall_time at) {
    if (auto existing = find_fan_lock(db, user_id)) return existing;
    if (!find_alliance_member(db, merchant_id)) return std::nullopt;
    return touch_fan_lock(db, user_id, merchant_id, source, at);
}

}  // namespace sharedstore
