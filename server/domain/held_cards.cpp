#include "server/domain/held_cards.hpp"

#include <algorithm>

namespace sharedstore {

card_window held_card_window(card_time template_from, card_time template_until, std::optional<int> valid_days, card_time claimed_at,
                             std::chrono::minutes offset) {
    if (!valid_days) return {template_from, template_until};
    using namespace std::chrono;
    // Local midnight after the claim's local day, then N - 1 more days: the end of the N-th day.
    const auto claim_day = floor<days>(claimed_at + offset);
    const card_time end_of_last_day = claim_day + days(std::max(*valid_days, 1)) - offset;
    return {template_from, std::min(template_until, end_of_last_day)};
}

std::string_view to_string(held_card_state state) {
    switch (state) {
    case held_card_state::usable: return "usable";
    case held_card_state::redeemed: return "redeemed";
    case held_card_state::expired: return "expired";
    case held_card_state::revoked: return "revoked";
    }
    return "usable";
}

held_card_state held_card_state_at(const held_card_facts& card, card_time now) {
    if (card.revoked) return held_card_state::revoked;
    if (card.redeemed) return held_card_state::redeemed;
    if (now >= card.window.until || now < card.window.from) return held_card_state::expired;
    return held_card_state::usable;
}

std::optional<held_card_state> refusal_to_redeem(const held_card_facts& card, card_time now) {
    const auto state = held_card_state_at(card, now);
    if (state == held_card_state::usable) return std::nullopt;
    return state;
}

bool refund_restores_card(const held_card_facts& card, bool order_fully_refunded, card_time at) {
    return !card.revoked && card.redeemed && order_fully_refunded && at < card.window.until;
}

bool expiry_reminder_due(const held_card_facts& card, bool already_reminded, card_time now, std::chrono::seconds notice) {
    return !already_reminded && held_card_state_at(card, now) == held_card_state::usable && card.window.until - now <= notice;
}

}  // namespace sharedstore
