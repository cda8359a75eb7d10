#include "server/domain/member_stages.hpp"

namespace sharedstore {

std::string_view to_string(member_stage stage) {
    switch (stage) {
    case member_stage::passer_by: return "passer_by";
    case member_stage::fan: return "fan";
    case member_stage::customer: return "customer";
    case member_stage::member: return "member";
    case member_stage::partner: return "partner";
    }
    return "passer_by";
}

std::optional<member_stage> parse_member_stage(std::string_view text) {
    for (auto s : {member_stage::passer_by, member_stage::fan, member_stage::customer, member_stage::member, member_stage::partner})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

std::string_view to_string(stage_event event) {
    switch (event) {
    case stage_event::contact: return "contact";
    case stage_event::purchase_vested: return "purchase_vested";
    case stage_event::member_qualified: return "member_qualified";
    case stage_event::terms_accepted: return "terms_accepted";
    case stage_event::membership_refunded: return "membership_refunded";
    case stage_event::became_partner: return "became_partner";
    case stage_event::left_partner: return "left_partner";
    }
    return "contact";
}

member_stage supported_stage(const stage_facts& f) {
    if (f.partner) return member_stage::partner;
    if (f.member_qualified && f.terms_accepted) return member_stage::member;
    if (f.vested_purchase) return member_stage::customer;
    if (f.identified) return member_stage::fan;
    return member_stage::passer_by;
}

std::optional<member_stage> next_stage(member_stage current, stage_event event, const stage_facts& after) {
    const auto target = supported_stage(after);
    if (target == current) return std::nullopt;
    const bool reversal = event == stage_event::membership_refunded || event == stage_event::left_partner;
    if (target > current) return reversal ? std::nullopt : std::optional(target);
    // Lower: only a listed reversal, and never below what the facts still support. A refund of an
    // ordinary purchase after its window never lowers a stage.
    if (!reversal) return std::nullopt;
    // A membership refund reverses membership only: a partner stays a partner.
    if (event == stage_event::membership_refunded && current != member_stage::member) return std::nullopt;
    if (event == stage_event::left_partner && current != member_stage::partner) return std::nullopt;
    return target;
}

}  // namespace sharedstore
