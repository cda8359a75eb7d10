#include "server/domain/lead_ownership.hpp"

namespace sharedstore {

std::string_view to_string(claim_outcome outcome) {
    switch (outcome) {
    case claim_outcome::claimed: return "claimed";
    case claim_outcome::already_yours: return "already_yours";
    case claim_outcome::owned_by_other: return "owned_by_other";
    case claim_outcome::self_referral: return "self_referral";
    case claim_outcome::existing_customer: return "existing_customer";
    case claim_outcome::pack_exhausted: return "pack_exhausted";
    case claim_outcome::expired: return "expired";
    case claim_outcome::revoked: return "revoked";
    }
    return "revoked";
}

claim_decision decide_claim(const claim_facts& f) {
    // The share itself first: a dead link says so whoever follows it.
    if (f.share_revoked || !f.partner_active) return {claim_outcome::revoked};
    if (f.now < f.valid_from || f.now >= f.valid_until) return {claim_outcome::expired};
    if (f.customer_is_partner_user) return {claim_outcome::self_referral};

    const bool has_quota = f.pack_claimed < f.pack_quota;
    if (f.current_owner_partner_id) {
        const bool lapsed = f.binding_lapses_at && f.now >= *f.binding_lapses_at;
        if (!lapsed) {
            if (*f.current_owner_partner_id == f.claiming_partner_id) return {claim_outcome::already_yours};
            // The card may still be given, but ownership never moves and the owner stays unnamed.
            return {claim_outcome::owned_by_other, false, false, f.store_gives_cards_to_owned_customers && has_quota};
        }
        // A lapsed binding is open again, to its old owner too; an existing customer rule does
        // not apply to a customer who came through a partner before.
        if (!has_quota) return {claim_outcome::pack_exhausted};
        return {claim_outcome::claimed, true, true, true};
    }
    if (f.customer_bought_here_before && !f.store_allows_existing_customers) return {claim_outcome::existing_customer};
    if (!has_quota) return {claim_outcome::pack_exhausted};
    return {claim_outcome::claimed, true, false, true};
}

}  // namespace sharedstore
