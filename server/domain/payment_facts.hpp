#pragma once
// What a paid or refunded order is, loaded once by the service and handed to every payment effect
// (docs/ledger.md, "Payment effects"). Pure data: effects decide from it alone what they produce.
#include "server/domain/ledger.hpp"
#include "server/domain/order_vocabulary.hpp"
#include "server/domain/share_tiers.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sharedstore {

// A partner as an effect sees them at the time of payment.
struct partner_facts {
    std::uint64_t id = 0;
    std::uint64_t user_id = 0;
    bool active = true;
    bool inactive_keeps_paying = true;  // the store's choice for a paused or ended partner
    std::int64_t total_buy_in_fen = 0;
};

struct tier_version_facts {
    std::uint64_t id = 0;
    std::vector<share_tier> tiers;
};

struct paid_order_facts {
    std::uint64_t order_id = 0;
    std::uint64_t merchant_id = 0;
    order_kind kind = order_kind::purchase;
    payment_source source = payment_source::pos;
    std::int64_t amount_fen = 0;
    std::optional<std::uint64_t> customer_user_id;
    std::chrono::system_clock::time_point paid_at;
    std::chrono::seconds settlement_delay{0};  // the store's, for dividends' settles_at
    order_member_terms member;                 // offer, level, discount, points, pre-stored value draw
    bool member_program = false;               // the store runs a member programme (docs/members.md)
    bool bonus_config = false;                 // the store has a bonus configuration (docs/bonus.md)
    std::optional<std::uint64_t> card_redemption_id;  // the card it was placed with (docs/api.md, "The customer's cards")
    std::int64_t voucher_fen = 0;  // paid with alliance vouchers beside amount_fen (docs/alliance.md, "Spending vouchers")
    // Purchases only (a buy-in is the partner's own money: no profit, no owner):
    std::optional<tier_version_facts> version;  // in force at paid_at
    std::optional<std::int64_t> profit_fen;     // under that version's margins; none without a version
    std::optional<partner_facts> owner;         // the customer's owner at paid_at
};

// A refund of `amount_fen` of the order, after `refunded_before_fen` had been refunded. The order
// part carries what every order has (no version, profit or owner: effects read their own rows).
struct refund_facts {
    paid_order_facts order;
    std::uint64_t refund_id = 0;
    std::int64_t amount_fen = 0;
    std::int64_t refunded_before_fen = 0;
    std::chrono::system_clock::time_point at;
};

}  // namespace sharedstore
