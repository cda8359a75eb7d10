#include "server/domain/referrals.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

using namespace sharedstore;

namespace {

const char* name(std::optional<referral_refusal> r) {
    if (!r) return "(accepted)";
    switch (*r) {
    case referral_refusal::self_referral: return "self_referral";
    case referral_refusal::already_set: return "already_set";
    case referral_refusal::loop: return "loop";
    }
    return "?";
}

// A referral tree as storage keeps it: each user points at their referrer.
struct tree {
    std::map<std::uint64_t, std::uint64_t> referrer_of;

    std::optional<std::uint64_t> current(std::uint64_t user) const {
        const auto it = referrer_of.find(user);
        return it == referrer_of.end() ? std::nullopt : std::optional(it->second);
    }
    std::vector<std::uint64_t> ancestors(std::uint64_t user) const {
        std::vector<std::uint64_t> chain;
        std::set<std::uint64_t> seen{user};
        for (auto at = current(user); at; at = current(*at)) {
            if (!seen.insert(*at).second) break;  // a loop: the test below fails on it
            chain.push_back(*at);
        }
        return chain;
    }
    bool acyclic() const {
        for (const auto& [user, _] : referrer_of) {
            std::set<std::uint64_t> seen{user};
            for (auto at = current(user); at; at = current(*at))
                if (!seen.insert(*at).second) return false;
        }
        return true;
    }
};

}  // namespace

TEST(referral_words, stable_codes) {
    EXPECT_EQ(to_string(referral_refusal::self_referral), "self_referral");
    EXPECT_EQ(to_string(referral_refusal::already_set), "referrer_already_set");
    EXPECT_EQ(to_string(referral_refusal::loop), "referral_loop");
    EXPECT_EQ(max_reward_ancestors, 2u);
}

TEST(referral_check, set_once_no_self_no_loops) {
    struct row {
        const char* name;
        std::uint64_t user, referrer;
        std::optional<std::uint64_t> current;
        std::vector<std::uint64_t> referrer_ancestors;
        bool correction;
        std::optional<referral_refusal> expected;
    };
    const row rows[] = {
        {"a first link", 1, 2, std::nullopt, {}, false, std::nullopt},
        {"a first link under a chain", 1, 2, std::nullopt, {3, 4, 5}, false, std::nullopt},
        {"self", 1, 1, std::nullopt, {}, false, referral_refusal::self_referral},
        {"self, by an operator", 1, 1, std::nullopt, {}, true, referral_refusal::self_referral},
        {"self, already referred", 1, 1, 9, {}, false, referral_refusal::self_referral},
        {"a later link never overwrites", 1, 2, 3, {}, false, referral_refusal::already_set},
        {"the same referrer again is not a new link", 1, 3, 3, {}, false, referral_refusal::already_set},
        {"a referrer who descends from the user", 1, 2, std::nullopt, {1}, false, referral_refusal::loop},
        {"a loop three levels up", 1, 2, std::nullopt, {5, 6, 1}, false, referral_refusal::loop},
        {"a loop far up", 1, 2, std::nullopt, {5, 6, 7, 8, 9, 10, 1}, false, referral_refusal::loop},
        {"an operator replaces the referrer", 1, 2, 3, {4}, true, std::nullopt},
        {"an operator sets a missing referrer", 1, 2, std::nullopt, {}, true, std::nullopt},
        {"an operator may not make a loop", 1, 2, 3, {1}, true, referral_refusal::loop},
        {"an operator may not make a far loop", 1, 2, 3, {7, 1, 3}, true, referral_refusal::loop},
        {"the user's own referrer as a new referrer's ancestor is no loop", 1, 2, std::nullopt, {3}, false, std::nullopt},
    };
    for (const auto& r : rows) {
        const auto got = check_referral(r.user, r.referrer, r.current, r.referrer_ancestors, r.correction);
        EXPECT_EQ(got, r.expected) << r.name << ": got " << name(got);
    }
}

// Random links and operator corrections through check_referral: the tree never gets a loop, and a
// referrer once set only ever changes by a correction.
TEST(referral_check, property_the_tree_stays_a_tree) {
    std::mt19937_64 rng(4242);
    int corrections = 0, loops_refused = 0;
    for (int c = 0; c < 300; ++c) {
        tree t;
        const auto users = std::uniform_int_distribution<std::uint64_t>(2, 40)(rng);
        std::uniform_int_distribution<std::uint64_t> pick(1, users);
        int accepted = 0;
        for (int k = 0; k < 200; ++k) {
            const auto user = pick(rng), referrer = pick(rng);
            const bool correction = std::uniform_int_distribution<int>(0, 9)(rng) == 0;
            const auto before = t.current(user);
            const auto refusal = check_referral(user, referrer, before, t.ancestors(referrer), correction);
            if (user == referrer) {
                ASSERT_EQ(refusal, referral_refusal::self_referral);
            }
            if (before && !correction && user != referrer) {
                ASSERT_EQ(refusal, referral_refusal::already_set);
            }
            if (refusal == referral_refusal::loop) ++loops_refused;
            if (refusal) continue;
            t.referrer_of[user] = referrer;
            ++accepted;
            if (before) ++corrections;
            ASSERT_TRUE(t.acyclic()) << "case " << c << " step " << k << ": " << user << " <- " << referrer;
        }
        ASSERT_GT(accepted, 0);
    }
    // The loop exercised both paths that matter: replacements by an operator and refused loops.
    EXPECT_GT(corrections, 0);
    EXPECT_GT(loops_refused, 0);
}
