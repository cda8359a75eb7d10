#pragma once
// A store's member funnel (docs/business-rules.md section 4, "Stages"): how many people are at each
// stage, how many of each week's new fans went on to the next stages, and the median time each
// step took. Pure: storage hands over each person's stage timestamps.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

struct stage_times {
    std::optional<std::chrono::system_clock::time_point> fan_at, customer_at, member_at, partner_at;
    std::string stage;  // the current stage's word
};

struct funnel_step {
    std::int64_t reached = 0;          // of the cohort, how many reached this stage or passed it (a jump counts)
    std::int32_t conversion_bp = 0;    // reached / the previous step's reached, floor, in bp (0 when none before)
    std::optional<std::int64_t> median_seconds;  // from the previous stage to this one, over those with both times
};

struct funnel_week {
    std::string week_start;  // local date of the Monday the cohort's fans were first seen
    std::int64_t fans = 0;
    funnel_step customers, members, partners;
};

struct member_funnel {
    std::int64_t passer_by = 0, fan = 0, customer = 0, member = 0, partner = 0;  // current stages
    std::vector<funnel_week> weeks;  // oldest first, every week of the window even when empty
};

// `weeks` cohorts ending with the week of `now` (weeks start on Monday, local time).
member_funnel build_member_funnel(const std::vector<stage_times>& people, std::chrono::system_clock::time_point now,
                                  std::chrono::minutes utc_offset, int weeks);

// The median of durations (the lower middle for an even count: whole seconds, no averaging).
std::optional<std::int64_t> median_seconds(std::vector<std::int64_t> durations);

}  // namespace sharedstore
