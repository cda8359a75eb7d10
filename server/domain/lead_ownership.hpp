#pragma once
// Who owns a customer at a store when a shared card is claimed (docs/business-rules.md section 2).
// Pure: the caller gathers the facts (in the claim's transaction) and applies the decision.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sharedstore {

enum class claim_outcome {
    claimed,            // the customer is now this partner's lead here, and holds the card
    already_yours,      // the customer already was this partner's lead
    owned_by_other,     // another partner owns the customer; ownership does not move
    self_referral,      // the partner's own user, or the same unionid or phone
    existing_customer,  // bought here before any claim, and the store does not allow claiming them
    pack_exhausted,     // the pack's quota is used up
    expired,            // outside the card's validity window
    revoked,            // the share was revoked, or the partner is paused or ended
};

std::string_view to_string(claim_outcome outcome);

struct claim_facts {
    std::chrono::system_clock::time_point now;
    bool share_revoked = false;
    bool partner_active = true;
    std::chrono::system_clock::time_point valid_from, valid_until;
    int pack_quota = 0;
    int pack_claimed = 0;
    bool customer_is_partner_user = false;  // same user, same unionid, or same phone
    std::optional<std::uint64_t> current_owner_partner_id;
    std::uint64_t claiming_partner_id = 0;
    // When the current binding lapses (protection_days after the customer's last purchase or the
    // binding, whichever is later); nullopt when the store sets no protection period.
    std::optional<std::chrono::system_clock::time_point> binding_lapses_at;
    bool customer_bought_here_before = false;  // before any claim
    bool store_allows_existing_customers = false;
    bool store_gives_cards_to_owned_customers = false;
};

struct claim_decision {
    claim_outcome outcome;
    bool take_ownership = false;       // write/replace the (store, customer) owner row
    bool replaces_lapsed_owner = false;  // the lead history records the lapse as the reason
    bool give_card = false;            // hand the customer the card (uses one claim of the quota)
};

claim_decision decide_claim(const claim_facts& facts);

}  // namespace sharedstore
