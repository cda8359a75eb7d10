#pragma once
// What a card takes off a bill at the desk (docs/business-rules.md, "Cards at the desk"): an amount
// off in fen, a percentage off in basis points with an optional cap in fen, or a named free item;
// each with an optional minimum spend. Pure, integer only, every division floored.
#include "server/domain/dividends.hpp"
#include "server/domain/validation_problem.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sharedstore {

// `described`: the benefit text alone, given by hand (templates made before offers had numbers).
enum class offer_kind { described, amount_off, percent_off, free_item };
std::optional<offer_kind> parse_offer_kind(std::string_view text);
std::string_view to_string(offer_kind kind);

struct card_offer {
    offer_kind kind = offer_kind::described;
    std::int64_t amount_off_fen = 0;       // amount_off
    std::int32_t percent_off_bp = 0;       // percent_off
    std::optional<std::int64_t> cap_fen;   // percent_off: at most this much off
    std::string free_item;                 // free_item: what the desk hands over
    std::int64_t min_spend_fen = 0;        // the bill must reach it (0: no minimum)
};

// As the request gave it: every number optional, so a field given for another kind is named.
struct card_offer_input {
    std::string kind = "described";
    std::optional<std::int64_t> amount_off_fen, percent_off_bp, cap_fen, min_spend_fen;
    std::optional<std::string> free_item;
};

inline constexpr std::int64_t max_offer_fen = 100'000'000;  // one million yuan off: a sanity bound

// Every problem at once (fields under `offer.`), or the offer: amount_off 1..max_offer_fen;
// percent_off 1..10000 bp with an optional cap 1..max_offer_fen; free_item 1..32 characters;
// min_spend 0..10^10; a field that is not the kind's is refused, not ignored.
std::variant<card_offer, std::vector<validation_problem>> validate_card_offer(const card_offer_input& input);

// What the desk takes off a bill of `bill_fen` (nullopt: the desk did not say).
enum class discount_refusal {
    bill_required,        // percent off or a minimum spend needs the bill
    below_minimum_spend,  // the bill is below the offer's minimum spend
};
struct card_discount {
    std::int64_t discount_fen = 0;
    std::optional<std::int64_t> pay_fen;  // bill - discount, when the bill is known
};
// amount_off: the amount, never more than the bill; percent_off: floor(bill x bp / 10000), then
// the cap; free_item and described: 0 off (the item or the benefit is given by hand).
std::variant<card_discount, discount_refusal> card_discount_for(const card_offer& offer, std::optional<std::int64_t> bill_fen);

// The profit of an order paid `paid_fen` after a card took `discount_fen` off: the POS's own
// figure when it gave one (its books already know the discount), else the margin of the bill
// before the card, less the whole discount, never below 0:
// max(0, floor((paid + discount) x margin / 10000) - discount). The goods cost what they cost,
// so a discount comes out of the margin, not out of the revenue in proportion. discount 0 gives
// order_profit_fen exactly.
std::int64_t profit_after_card_fen(std::int64_t paid_fen, std::int64_t discount_fen, std::optional<std::int64_t> pos_profit_fen,
                                   const std::string& category, const margin_table& margins);

}  // namespace sharedstore
