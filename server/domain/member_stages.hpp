#pragma once
// A person's stage at one store (docs/business-rules.md section 4, "Stages"): passer-by -> fan ->
// customer -> member -> partner. The stage the facts support is derived; a change only goes up,
// except the reversals the rules list (a membership product refunded inside its window, a partner
// leaving the tier). Pure: storage records each change as an audited event.
#include <optional>
#include <string_view>

namespace sharedstore {

enum class member_stage { passer_by, fan, customer, member, partner };

std::string_view to_string(member_stage stage);
std::optional<member_stage> parse_member_stage(std::string_view text);

// What is known of the person at the store.
struct stage_facts {
    bool identified = false;        // a first identified contact: signed-in visit, card claim, store QR scan
    bool vested_purchase = false;   // a paid purchase past its refund window (customer)
    bool member_qualified = false;  // a membership product held (not refunded) or the store's member task met
    bool terms_accepted = false;    // the member terms, accepted with a timestamp
    bool partner = false;           // holds a tier (bought in, not ended)
};

// The stage those facts support: partner, else member (qualified and terms accepted), else
// customer, else fan, else passer-by.
member_stage supported_stage(const stage_facts& facts);

// What happened, as the stage machine hears it.
enum class stage_event {
    contact,              // signed-in visit, claim or QR scan
    purchase_vested,      // a purchase's refund window closed
    member_qualified,     // a membership product paid, or the member task met
    terms_accepted,       // the member terms accepted
    membership_refunded,  // a membership product refunded inside its window (a reversal)
    became_partner,       // a buy-in (or the merchant's approval)
    left_partner,         // left the tier (a reversal)
};

std::string_view to_string(stage_event event);

// The new stage after `event`, given the facts as they are after it; nullopt when the stage stays.
// Upward events only raise the stage; only the two reversal events may lower it, and then only to
// what the facts still support.
std::optional<member_stage> next_stage(member_stage current, stage_event event, const stage_facts& after);

}  // namespace sharedstore
