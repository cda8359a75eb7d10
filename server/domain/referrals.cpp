#include "server/domain/referrals.hpp"

#include <algorithm>

namespace sharedstore {

std::string_view to_string(referral_refusal refusal) {
    switch (refusal) {
    case referral_refusal::self_referral: return "self_referral";
    case referral_refusal::already_set: return "referrer_already_set";
    case referral_refusal::loop: return "referral_loop";
    }
    return "referral_loop";
}

std::optional<referral_refusal> check_referral(std::uint64_t user, std::uint64_t referrer, std::optional<std::uint64_t> current,
                                               const std::vector<std::uint64_t>& referrer_ancestors, bool correction) {
    if (user == referrer) return referral_refusal::self_referral;
    if (current && !correction) return referral_refusal::already_set;
    if (std::find(referrer_ancestors.begin(), referrer_ancestors.end(), user) != referrer_ancestors.end()) return referral_refusal::loop;
    return std::nullopt;
}

}  // namespace sharedstore
