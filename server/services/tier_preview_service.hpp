#pragma once
// The what-if of a proposed tier table (docs/api.md, "What-if of a tier table"): the store's paid
// purchases of a window replayed under the proposed table and under the versions in force, by
// the payment's own rules (server/domain/tier_preview.hpp). Reads only: nothing is written.
#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "server/domain/tier_preview.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/service_error.hpp"
#include "server/storage/tier_preview_repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>

namespace sharedstore {

// The window: default the 90 days before now, at most 366 days.
inline constexpr std::chrono::hours default_preview_window{24 * 90};
inline constexpr std::chrono::hours max_preview_window{24 * 366};

// What one what-if may read; past a limit: preview_too_large (pick a shorter window).
struct tier_preview_limits {
    int max_orders = 200'000;
    int max_partners = 50'000;
    int max_versions = 1'000;  // one version a day for a year is 366
    // Orders read per query: each chunk is one pool job of its own, so a long window never holds
    // a connection past mysql.job_timeout_ms nor keeps more than a chunk in memory.
    int chunk_orders = 5'000;
};

struct tier_preview_request {
    tier_change table;
    wall_time from;  // inclusive
    wall_time to;    // exclusive
};

struct tier_preview_answer {
    wall_time from;
    wall_time to;
    tier_what_if figures;
    std::map<std::uint64_t, preview_partner> partners;  // the store's, by id: who the lines name
};

class tier_preview_service {
public:
    explicit tier_preview_service(mysql_pool& database, tier_preview_limits limits = {}) : database_(database), limits_(limits) {}

    // Owner or manager. A table that PUT tiers would refuse is refused the same way
    // (invalid_tiers with every problem).
    boost::asio::awaitable<service_result<tier_preview_answer>> preview(std::uint64_t caller, std::uint64_t merchant_id,
                                                                        tier_preview_request request);

private:
    mysql_pool& database_;
    tier_preview_limits limits_;
};

}  // namespace sharedstore
