#include "server/domain/member_funnel.hpp"

#include <algorithm>
#include <cstdio>

namespace sharedstore {

std::optional<std::int64_t> median_seconds(std::vector<std::int64_t> durations) {
    if (durations.empty()) return std::nullopt;
    const auto middle = durations.begin() + static_cast<std::ptrdiff_t>((durations.size() - 1) / 2);
    std::nth_element(durations.begin(), middle, durations.end());
    return *middle;
}

namespace {

using time_point = std::chrono::system_clock::time_point;

std::string local_date(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return text;
}

using stage_time = std::optional<time_point> stage_times::*;
constexpr stage_time stage_order[] = {&stage_times::fan_at, &stage_times::customer_at, &stage_times::member_at, &stage_times::partner_at};

// Whether `p` reached the stage of stage_order[index] or a later one: a fan who became a member
// without a vested purchase first (a membership product inside its window) passed the customer
// step, and counting them there keeps every step at most the one before (conversion <= 100 %).
bool reached_or_passed(const stage_times& p, std::size_t index) {
    for (auto i = index; i < std::size(stage_order); ++i)
        if (p.*stage_order[i]) return true;
    return false;
}

// The step from stage_order[index - 1] to stage_order[index] over the people in a cohort.
funnel_step step(const std::vector<const stage_times*>& cohort, std::int64_t before, std::size_t index) {
    const auto from = stage_order[index - 1];
    const auto to = stage_order[index];
    funnel_step s;
    std::vector<std::int64_t> durations;
    for (const auto* p : cohort) {
        if (!reached_or_passed(*p, index)) continue;
        ++s.reached;
        if (!(p->*to)) continue;
        if (p->*from && *(p->*to) >= *(p->*from))
            durations.push_back(std::chrono::duration_cast<std::chrono::seconds>(*(p->*to) - *(p->*from)).count());
    }
    s.conversion_bp = before > 0 ? static_cast<std::int32_t>(s.reached * 10'000 / before) : 0;
    s.median_seconds = median_seconds(std::move(durations));
    return s;
}

}  // namespace

member_funnel build_member_funnel(const std::vector<stage_times>& people, time_point now, std::chrono::minutes utc_offset, int weeks) {
    using namespace std::chrono;
    member_funnel funnel;
    for (const auto& p : people) {
        if (p.stage == "partner") ++funnel.partner;
        else if (p.stage == "member") ++funnel.member;
        else if (p.stage == "customer") ++funnel.customer;
        else if (p.stage == "fan") ++funnel.fan;
        else ++funnel.passer_by;
    }
    if (weeks < 1) return funnel;
    const auto today = floor<days>(now + utc_offset);
    const auto this_monday = today - days((weekday{today}.iso_encoding() - 1));
    const auto first_monday = this_monday - days(7 * (weeks - 1));
    std::vector<std::vector<const stage_times*>> cohorts(static_cast<std::size_t>(weeks));
    for (const auto& p : people) {
        if (!p.fan_at) continue;
        const auto day = floor<days>(*p.fan_at + utc_offset);
        if (day < first_monday || day >= this_monday + days(7)) continue;
        cohorts[static_cast<std::size_t>((day - first_monday).count() / 7)].push_back(&p);
    }
    for (int w = 0; w < weeks; ++w) {
        const auto& cohort = cohorts[static_cast<std::size_t>(w)];
        funnel_week week;
        week.week_start = local_date(first_monday + days(7 * w));
        week.fans = static_cast<std::int64_t>(cohort.size());
        week.customers = step(cohort, week.fans, 1);
        week.members = step(cohort, week.customers.reached, 2);
        week.partners = step(cohort, week.members.reached, 3);
        funnel.weeks.push_back(std::move(week));
    }
    return funnel;
}

}  // namespace sharedstore
