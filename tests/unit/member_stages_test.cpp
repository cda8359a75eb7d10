#include "server/domain/member_stages.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

using namespace sharedstore;

namespace {

constexpr std::array all_stages{member_stage::passer_by, member_stage::fan, member_stage::customer, member_stage::member,
                                member_stage::partner};
constexpr std::array all_events{stage_event::contact,          stage_event::purchase_vested, stage_event::member_qualified,
                                stage_event::terms_accepted,   stage_event::membership_refunded, stage_event::became_partner,
                                stage_event::left_partner};

// The facts of a person at each stage, the ordinary way up.
stage_facts nothing() { return {}; }
stage_facts fan_facts() { return {.identified = true}; }
stage_facts customer_facts() { return {.identified = true, .vested_purchase = true}; }
stage_facts member_facts() { return {.identified = true, .vested_purchase = true, .member_qualified = true, .terms_accepted = true}; }
stage_facts partner_facts() {
    auto f = member_facts();
    f.partner = true;
    return f;
}

bool is_reversal(stage_event e) { return e == stage_event::membership_refunded || e == stage_event::left_partner; }

std::string describe(std::optional<member_stage> s) { return s ? std::string(to_string(*s)) : "(stays)"; }

}  // namespace

TEST(member_stage_words, round_trip_and_unknown) {
    for (auto s : all_stages) EXPECT_EQ(parse_member_stage(to_string(s)), s) << to_string(s);
    EXPECT_EQ(to_string(member_stage::passer_by), "passer_by");
    EXPECT_EQ(to_string(member_stage::partner), "partner");
    EXPECT_FALSE(parse_member_stage(""));
    EXPECT_FALSE(parse_member_stage("Partner"));
    EXPECT_FALSE(parse_member_stage("passer-by"));
    EXPECT_FALSE(parse_member_stage("vip"));
    for (auto e : all_events) EXPECT_FALSE(to_string(e).empty());
    EXPECT_EQ(to_string(stage_event::membership_refunded), "membership_refunded");
    EXPECT_EQ(to_string(stage_event::left_partner), "left_partner");
}

TEST(member_stage_supported, every_fact_combination) {
    struct row {
        const char* name;
        stage_facts facts;
        member_stage expected;
    };
    const row rows[] = {
        {"nothing known", nothing(), member_stage::passer_by},
        {"identified contact", fan_facts(), member_stage::fan},
        {"vested purchase", customer_facts(), member_stage::customer},
        {"vested purchase, never identified (POS walk-in)", {.vested_purchase = true}, member_stage::customer},
        {"qualified without terms", {.identified = true, .vested_purchase = true, .member_qualified = true}, member_stage::customer},
        {"terms without qualifying", {.identified = true, .vested_purchase = true, .terms_accepted = true}, member_stage::customer},
        {"qualified and terms", member_facts(), member_stage::member},
        {"qualified and terms, no vested purchase yet", {.identified = true, .member_qualified = true, .terms_accepted = true},
         member_stage::member},
        {"qualified without terms, no purchase", {.identified = true, .member_qualified = true}, member_stage::fan},
        {"partner", partner_facts(), member_stage::partner},
        {"partner without membership (partner_requires_member off)", {.identified = true, .vested_purchase = true, .partner = true},
         member_stage::partner},
    };
    for (const auto& r : rows) EXPECT_EQ(supported_stage(r.facts), r.expected) << r.name;
}

TEST(member_stage_next, every_listed_transition_and_forbidden_one) {
    struct row {
        const char* name;
        member_stage current;
        stage_event event;
        stage_facts after;
        std::optional<member_stage> expected;
    };
    auto partner_no_member = customer_facts();
    partner_no_member.partner = true;
    auto qualified_no_terms = customer_facts();
    qualified_no_terms.member_qualified = true;
    auto terms_no_qualifying = customer_facts();
    terms_no_qualifying.terms_accepted = true;
    const stage_facts member_without_purchase{.identified = true, .member_qualified = true, .terms_accepted = true};
    const row rows[] = {
        // The ordinary way up, one step at a time.
        {"passer-by -> fan on first contact", member_stage::passer_by, stage_event::contact, fan_facts(), member_stage::fan},
        {"fan -> customer when the first purchase vests", member_stage::fan, stage_event::purchase_vested, customer_facts(),
         member_stage::customer},
        {"customer -> member on qualifying with terms already accepted", member_stage::customer, stage_event::member_qualified,
         member_facts(), member_stage::member},
        {"customer -> member on accepting terms when already qualified", member_stage::customer, stage_event::terms_accepted,
         member_facts(), member_stage::member},
        {"member -> partner on buy-in", member_stage::member, stage_event::became_partner, partner_facts(), member_stage::partner},
        // Membership needs both halves.
        {"qualified, terms not yet accepted: stays customer", member_stage::customer, stage_event::member_qualified,
         qualified_no_terms, std::nullopt},
        {"terms accepted, not qualified: stays customer", member_stage::customer, stage_event::terms_accepted, terms_no_qualifying,
         std::nullopt},
        // Jumps: the stage follows the facts upwards, past stages never recorded.
        {"passer-by -> customer (a POS purchase vests before any contact)", member_stage::passer_by, stage_event::purchase_vested,
         stage_facts{.vested_purchase = true}, member_stage::customer},
        {"passer-by -> customer on a contact when a purchase already vested", member_stage::passer_by, stage_event::contact,
         customer_facts(), member_stage::customer},
        {"fan -> member (membership product bought inside its window)", member_stage::fan, stage_event::member_qualified,
         member_without_purchase, member_stage::member},
        {"passer-by -> member", member_stage::passer_by, stage_event::terms_accepted, member_without_purchase, member_stage::member},
        {"customer -> partner (partner_requires_member off)", member_stage::customer, stage_event::became_partner, partner_no_member,
         member_stage::partner},
        {"passer-by -> partner", member_stage::passer_by, stage_event::became_partner, stage_facts{.partner = true},
         member_stage::partner},
        // Nothing new: no change.
        {"a second contact", member_stage::fan, stage_event::contact, fan_facts(), std::nullopt},
        {"another vested purchase of a member", member_stage::member, stage_event::purchase_vested, member_facts(), std::nullopt},
        {"a partner qualifying again", member_stage::partner, stage_event::member_qualified, partner_facts(), std::nullopt},
        // Only up: an upward event never lowers, whatever the facts say now. A refund of an ordinary
        // purchase (the facts lose their vested purchase) never lowers a stage.
        {"customer after an ordinary refund, on a contact", member_stage::customer, stage_event::contact, fan_facts(), std::nullopt},
        {"customer after an ordinary refund, on another vesting", member_stage::customer, stage_event::purchase_vested, fan_facts(),
         std::nullopt},
        {"customer with nothing left", member_stage::customer, stage_event::contact, nothing(), std::nullopt},
        {"member after an ordinary refund", member_stage::member, stage_event::contact, member_without_purchase, std::nullopt},
        {"member facts short of terms, on terms_accepted", member_stage::member, stage_event::terms_accepted, customer_facts(),
         std::nullopt},
        {"partner whose facts dropped the tier, on became_partner", member_stage::partner, stage_event::became_partner, member_facts(),
         std::nullopt},
        {"fan with nothing known, on contact", member_stage::fan, stage_event::contact, nothing(), std::nullopt},
        // The listed reversals.
        {"member refunds the membership product -> customer", member_stage::member, stage_event::membership_refunded, customer_facts(),
         member_stage::customer},
        {"member who jumped from fan refunds the membership product -> fan", member_stage::member, stage_event::membership_refunded,
         fan_facts(), member_stage::fan},
        {"membership refunded, the member task still met: stays member", member_stage::member, stage_event::membership_refunded,
         member_facts(), std::nullopt},
        {"partner leaves the tier -> member", member_stage::partner, stage_event::left_partner, member_facts(), member_stage::member},
        {"partner who never was a member leaves -> customer", member_stage::partner, stage_event::left_partner, customer_facts(),
         member_stage::customer},
        {"partner leaves one tier, still holds one: stays partner", member_stage::partner, stage_event::left_partner, partner_facts(),
         std::nullopt},
        // A reversal only reverses its own stage.
        {"membership refunded by a partner: stays partner", member_stage::partner, stage_event::membership_refunded,
         partner_no_member, std::nullopt},
        {"membership refunded by a partner whose facts dropped the tier: stays partner", member_stage::partner,
         stage_event::membership_refunded, customer_facts(), std::nullopt},
        {"membership refunded by a customer: stays customer", member_stage::customer, stage_event::membership_refunded, fan_facts(),
         std::nullopt},
        {"left_partner by a member: stays member", member_stage::member, stage_event::left_partner, customer_facts(), std::nullopt},
        {"left_partner by a customer: stays customer", member_stage::customer, stage_event::left_partner, fan_facts(), std::nullopt},
        // A reversal never raises.
        {"membership_refunded never raises a fan", member_stage::fan, stage_event::membership_refunded, customer_facts(), std::nullopt},
        {"left_partner never raises a customer", member_stage::customer, stage_event::left_partner, member_facts(), std::nullopt},
    };
    for (const auto& r : rows)
        EXPECT_EQ(next_stage(r.current, r.event, r.after), r.expected)
            << r.name << ": got " << describe(next_stage(r.current, r.event, r.after)) << ", expected " << describe(r.expected);
}

// Every stage x event x combination of facts: the machine's laws, whatever the input.
TEST(member_stage_next, laws_over_every_input) {
    int checked = 0;
    for (auto current : all_stages)
        for (auto event : all_events)
            for (unsigned bits = 0; bits < 32; ++bits) {
                const stage_facts after{.identified = (bits & 1) != 0,
                                        .vested_purchase = (bits & 2) != 0,
                                        .member_qualified = (bits & 4) != 0,
                                        .terms_accepted = (bits & 8) != 0,
                                        .partner = (bits & 16) != 0};
                const auto next = next_stage(current, event, after);
                const auto where = std::string(to_string(current)) + " + " + std::string(to_string(event)) + " facts " +
                                   std::to_string(bits);
                ++checked;
                if (!next) continue;
                EXPECT_NE(*next, current) << where << ": a change is a change";
                EXPECT_EQ(*next, supported_stage(after)) << where << ": the new stage is the one the facts support";
                if (is_reversal(event)) {
                    EXPECT_LT(*next, current) << where << ": a reversal only lowers";
                    const auto only_from = event == stage_event::membership_refunded ? member_stage::member : member_stage::partner;
                    EXPECT_EQ(current, only_from) << where << ": a reversal only reverses its own stage";
                } else {
                    EXPECT_GT(*next, current) << where << ": only up";
                }
            }
    EXPECT_EQ(checked, 5 * 7 * 32);
}
