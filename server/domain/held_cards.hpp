#pragma once
// A card a customer holds (a claim of a pack): its validity and its state, usable -> redeemed ->
// (a refund of the order it discounted, within the validity) usable again; expired when the
// validity ends unredeemed; revoked for good (docs/business-rules.md, "Cards at the desk"). Pure:
// `now` is a parameter.
#include <chrono>
#include <optional>
#include <string_view>

namespace sharedstore {

using card_time = std::chrono::system_clock::time_point;

// [from, until): the template's window, or, with valid_days N, until the end of the N-th local day
// of the store (counting the day of the claim as the first), never past the template's end.
struct card_window {
    card_time from, until;
};
card_window held_card_window(card_time template_from, card_time template_until, std::optional<int> valid_days, card_time claimed_at,
                             std::chrono::minutes store_utc_offset);

enum class held_card_state { usable, redeemed, expired, revoked };
std::string_view to_string(held_card_state state);

struct held_card_facts {
    bool revoked = false;
    bool redeemed = false;  // a live redemption names it
    card_window window;
};
// The first of revoked, redeemed, expired (now outside the window: before it never happens, a
// claim needs an open window), else usable.
held_card_state held_card_state_at(const held_card_facts& card, card_time now);

// Why the desk may not redeem it, or make a code for it: nullopt when it is usable.
std::optional<held_card_state> refusal_to_redeem(const held_card_facts& card, card_time now);

// Whether a refund at `at` gives the card back: it was redeemed (for that order), the refund
// completes the order's refund (a partial one keeps the discount's purchase standing), and the
// card's validity has not ended; a revoked card stays revoked.
bool refund_restores_card(const held_card_facts& card, bool order_fully_refunded, card_time at);

// A card about to expire gets one reminder: usable, not reminded yet, and its validity ends
// within `notice` of now.
bool expiry_reminder_due(const held_card_facts& card, bool already_reminded, card_time now, std::chrono::seconds notice);

}  // namespace sharedstore
