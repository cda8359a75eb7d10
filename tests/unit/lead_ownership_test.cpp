#include "server/domain/lead_ownership.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;
using namespace std::chrono_literals;

namespace {

claim_facts open_claim() {
    claim_facts f;
    f.now = std::chrono::system_clock::now();
    f.valid_from = f.now - 24h;
    f.valid_until = f.now + 24h;
    f.pack_quota = 100;
    f.pack_claimed = 10;
    f.claiming_partner_id = 7;
    return f;
}

TEST(decide_claim, a_new_customer_through_a_live_share_is_claimed) {
    auto d = decide_claim(open_claim());
    EXPECT_EQ(d.outcome, claim_outcome::claimed);
    EXPECT_TRUE(d.take_ownership);
    EXPECT_TRUE(d.give_card);
    EXPECT_FALSE(d.replaces_lapsed_owner);
}

TEST(decide_claim, every_outcome) {
    struct row {
        const char* name;
        void (*change)(claim_facts&);
        claim_outcome expected;
        bool take_ownership;
        bool give_card;
    };
    const row rows[] = {
        {"revoked share", [](claim_facts& f) { f.share_revoked = true; }, claim_outcome::revoked, false, false},
        {"paused partner", [](claim_facts& f) { f.partner_active = false; }, claim_outcome::revoked, false, false},
        {"not yet valid", [](claim_facts& f) { f.valid_from = f.now + 1s; }, claim_outcome::expired, false, false},
        {"past validity", [](claim_facts& f) { f.valid_until = f.now; }, claim_outcome::expired, false, false},
        {"self referral", [](claim_facts& f) { f.customer_is_partner_user = true; }, claim_outcome::self_referral, false, false},
        {"already yours", [](claim_facts& f) { f.current_owner_partner_id = 7; }, claim_outcome::already_yours, false, false},
        {"owned by other", [](claim_facts& f) { f.current_owner_partner_id = 8; }, claim_outcome::owned_by_other, false, false},
        {"owned by other, card allowed",
         [](claim_facts& f) {
             f.current_owner_partner_id = 8;
             f.store_gives_cards_to_owned_customers = true;
         },
         claim_outcome::owned_by_other, false, true},
        {"existing customer", [](claim_facts& f) { f.customer_bought_here_before = true; }, claim_outcome::existing_customer, false, false},
        {"existing customer allowed",
         [](claim_facts& f) {
             f.customer_bought_here_before = true;
             f.store_allows_existing_customers = true;
         },
         claim_outcome::claimed, true, true},
        {"pack exhausted", [](claim_facts& f) { f.pack_claimed = f.pack_quota; }, claim_outcome::pack_exhausted, false, false},
        {"lapsed binding is open again",
         [](claim_facts& f) {
             f.current_owner_partner_id = 8;
             f.binding_lapses_at = f.now - 1s;
         },
         claim_outcome::claimed, true, true},
        {"binding not yet lapsed",
         [](claim_facts& f) {
             f.current_owner_partner_id = 8;
             f.binding_lapses_at = f.now + 1s;
         },
         claim_outcome::owned_by_other, false, false},
    };
    for (const auto& r : rows) {
        auto facts = open_claim();
        r.change(facts);
        auto d = decide_claim(facts);
        EXPECT_EQ(d.outcome, r.expected) << r.name << ": got " << to_string(d.outcome);
        EXPECT_EQ(d.take_ownership, r.take_ownership) << r.name;
        EXPECT_EQ(d.give_card, r.give_card) << r.name;
    }
}

TEST(decide_claim, a_lapsed_takeover_is_marked_for_the_lead_history) {
    auto f = open_claim();
    f.current_owner_partner_id = 8;
    f.binding_lapses_at = f.now - 1h;
    EXPECT_TRUE(decide_claim(f).replaces_lapsed_owner);
}

TEST(decide_claim, the_link_state_wins_over_ownership) {
    auto f = open_claim();
    f.current_owner_partner_id = 7;
    f.share_revoked = true;
    EXPECT_EQ(decide_claim(f).outcome, claim_outcome::revoked);
}

}  // namespace
