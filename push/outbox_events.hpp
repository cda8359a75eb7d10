#pragma once
// The outbox's events, one struct per kind (docs/websocket.md, "Frames"): the server writes them in
// the payment's transaction (to_payload), the relay turns them into frames, and a reminder nobody
// acknowledged is rendered as the kind's WeChat subscribe message. A new kind is a struct, its
// JSON both ways and its renderer here, and one alternative in outbox_event.
#include "push/push_settings.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sharedstore {

// A dividend earned ("dividend") or taken back by a refund ("reversal", with reversed_fen).
struct dividend_event {
    std::uint64_t dividend_id = 0;
    std::uint64_t order_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string customer;  // as the store shows them to the partner: a masked phone or 微信用户
    std::int64_t order_amount_fen = 0;
    std::int64_t dividend_fen = 0;
    std::optional<std::int64_t> reversed_fen;  // set: a reversal
    std::string state;                         // pending | settled
    std::string paid_at;                       // RFC 3339, UTC

    std::string_view kind() const { return reversed_fen ? "reversal" : "dividend"; }
};

// A withdrawal that reached its end ("payout"): paid to the partner's WeChat balance, or not (the
// amount is back in their withdrawable balance).
struct payout_event {
    std::uint64_t payout_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::int64_t amount_fen = 0;
    std::string state;   // succeeded | failed | cancelled | rejected
    std::string reason;  // why it failed or was rejected; empty otherwise
    std::string at;      // RFC 3339, UTC: when it ended

    std::string_view kind() const { return "payout"; }
};

// The member journey's frames (docs/members.md): "level_up" (a member level reached) and
// "points_expiring" (points that expire soon). No subscribe message: the store's WeChat template
// is the dividend's, which does not fit them; the frame alone tells the member.
struct member_frame_event {
    std::string type;  // level_up | points_expiring
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::int32_t level_no = 0;  // level_up
    std::string level_name;     // level_up
    std::int64_t points = 0;    // points_expiring
    std::string expires_at;     // points_expiring: RFC 3339, UTC
    std::string at;             // RFC 3339, UTC
    std::string_view kind() const { return type; }
};

// A card the partner shared was redeemed at the desk ("card_redeemed"): a friend used it.
struct card_redeemed_event {
    std::uint64_t redemption_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string card_title;
    std::string customer;  // masked, as in dividend_event
    std::int64_t discount_fen = 0;
    std::string at;  // RFC 3339, UTC

    std::string_view kind() const { return "card_redeemed"; }
};

// A card the customer holds ends soon ("card_expiring"), sent once to the holder.
struct card_expiring_event {
    std::uint64_t card_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string card_title;
    std::int64_t amount_off_fen = 0;  // an amount-off card's value; 0 for other offers
    std::string valid_until;          // RFC 3339, UTC

    std::string_view kind() const { return "card_expiring"; }
};

// A bonus award to A2, or `reversed` of it taken back by a refund ("award", docs/bonus.md): the
// level difference or flat push on a sale by a partner A2 brought in. No subscribe message: the
// frame is the reminder (the template names a dividend, which this is not).
struct award_event {
    std::uint64_t order_id = 0;
    std::uint64_t merchant_id = 0;
    std::string merchant_name;
    std::string award_kind;  // level_difference, flat_push
    std::string medium;      // cash, points
    std::int64_t amount = 0;  // fen, or points (1 a fen of award)
    std::int64_t reversed = 0;  // > 0: a refund took this much back
    std::string at;  // RFC 3339, UTC

    std::string_view kind() const { return "award"; }
};

// Vouchers a pool dividend credited to a consumer ("vouchers", docs/alliance.md "Dividends"): how
// much, from which dividend, until when. Offline holders with an accepted subscription left get
// the subscribe message (the stores' template, as vouchers_expiring uses it; those without one
// cost the fallback nothing but a shared read: outbox_relay drops them a page at a time).
struct vouchers_event {
    int dividend_number = 0;
    std::int64_t amount_fen = 0;
    std::string expires_at;  // RFC 3339, UTC
    std::string at;          // RFC 3339, UTC: when they were credited

    std::string_view kind() const { return "vouchers"; }
};

// A consumer's alliance vouchers end soon (docs/websocket.md, "vouchers_expiring"): how much ends
// within the notice and the soonest end. Once per credit. Offline holders get the subscribe
// message (the stores' template, as card_expiring uses it: the last field says what it is).
struct vouchers_expiring_event {
    std::int64_t amount_fen = 0;
    std::string expires_at;  // RFC 3339, UTC: the soonest end among them
    std::string at;          // RFC 3339, UTC

    std::string_view kind() const { return "vouchers_expiring"; }
};

using outbox_event = std::variant<dividend_event, payout_event, member_frame_event, card_redeemed_event, card_expiring_event, award_event,
                                  vouchers_event, vouchers_expiring_event>;

std::string_view kind_of(const outbox_event& event);
// The payload stored in outbox_events.payload (the frame less its id).
std::string to_payload(const outbox_event& event);
// nullopt: a kind this server does not know, or a payload that is not that kind's.
std::optional<outbox_event> parse_outbox_event(std::string_view kind, std::string_view payload);

// The subscribe message's data fields (name -> value) for the event, named by push.field_*; empty
// for a kind that has no subscribe message (the relay sends none).
bool has_subscribe_message(std::string_view kind);
// A bulk kind (a dividend's vouchers, to every holder at once): its fallback is scheduled only for
// users with an accepted subscription left when it is relayed. Every other kind is scheduled
// whatever the quota (a subscription accepted meanwhile still gets its message).
bool only_when_subscribed(std::string_view kind);
std::vector<std::pair<std::string, std::string>> subscribe_fields(const outbox_event& event, const push_settings& settings);

// WeChat's subscribe-message field formats: thing (at most 20 characters, one line), amount (a
// currency sign and at most 10 digits: ¥7.68), time "YYYY-MM-DD HH:MM".
std::string subscribe_thing(std::string_view text);
std::string subscribe_amount(std::int64_t fen);

}  // namespace sharedstore
