#pragma once
// The lifetime referral relation (docs/business-rules.md section 4, "Lifetime referral"): per user,
// set once by the first qualifying link and never overwritten; no self-referral, no loops. Stored
// as a tree (each user points at their referrer); rewards read at most two ancestors. Separate
// from a store's lead ownership, which may lapse. Pure.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sharedstore {

enum class referral_refusal {
    self_referral,  // the user would refer themselves
    already_set,    // the user has a referrer: the first link wins
    loop,           // the referrer descends from the user
};

std::string_view to_string(referral_refusal refusal);

// Whether `referrer` may become `user`'s referrer. `current` is the user's referrer if any;
// `referrer_ancestors` the referrer's chain upwards (their referrer first). An operator's
// correction passes `correction = true`: it may replace an existing referrer, never make a loop.
std::optional<referral_refusal> check_referral(std::uint64_t user, std::uint64_t referrer, std::optional<std::uint64_t> current,
                                               const std::vector<std::uint64_t>& referrer_ancestors, bool correction = false);

// The deepest any reward reads: A1's referrer is A2, and nothing beyond (docs/business-rules.md section 4).
constexpr std::size_t max_reward_ancestors = 2;

}  // namespace sharedstore
