#include "server/domain/card_offers.hpp"

#include "common/utf8.hpp"

#include <algorithm>

namespace sharedstore {

std::optional<offer_kind> parse_offer_kind(std::string_view text) {
    if (text == "described") return offer_kind::described;
    if (text == "amount_off") return offer_kind::amount_off;
    if (text == "percent_off") return offer_kind::percent_off;
    if (text == "free_item") return offer_kind::free_item;
    return std::nullopt;
}

std::string_view to_string(offer_kind kind) {
    switch (kind) {
    case offer_kind::described: return "described";
    case offer_kind::amount_off: return "amount_off";
    case offer_kind::percent_off: return "percent_off";
    case offer_kind::free_item: return "free_item";
    }
    return "described";
}

std::variant<card_offer, std::vector<validation_problem>> validate_card_offer(const card_offer_input& in) {
    std::vector<validation_problem> problems;
    const auto kind = parse_offer_kind(in.kind);
    if (!kind) {
        problems.push_back({"offer.kind", "invalid_offer_kind", "offer.kind is described, amount_off, percent_off or free_item"});
        return problems;
    }
    auto not_for_kind = [&](bool given, const char* field) {
        if (given) problems.push_back({std::string("offer.") + field, "field_not_for_kind", std::string(field) + " does not belong to a " + in.kind + " offer"});
    };
    card_offer offer;
    offer.kind = *kind;
    not_for_kind(*kind != offer_kind::amount_off && in.amount_off_fen.has_value(), "amount_off_fen");
    not_for_kind(*kind != offer_kind::percent_off && in.percent_off_bp.has_value(), "percent_off_bp");
    not_for_kind(*kind != offer_kind::percent_off && in.cap_fen.has_value(), "cap_fen");
    not_for_kind(*kind != offer_kind::free_item && in.free_item.has_value(), "free_item");
    switch (*kind) {
    case offer_kind::amount_off:
        if (!in.amount_off_fen || *in.amount_off_fen < 1 || *in.amount_off_fen > max_offer_fen)
            problems.push_back({"offer.amount_off_fen", "amount_out_of_range", "an amount off is 1 to 100000000 fen"});
        else offer.amount_off_fen = *in.amount_off_fen;
        break;
    case offer_kind::percent_off:
        if (!in.percent_off_bp || *in.percent_off_bp < 1 || *in.percent_off_bp > 10'000)
            problems.push_back({"offer.percent_off_bp", "percent_out_of_range", "a percentage off is 1 to 10000 basis points"});
        else offer.percent_off_bp = static_cast<std::int32_t>(*in.percent_off_bp);
        if (in.cap_fen) {
            if (*in.cap_fen < 1 || *in.cap_fen > max_offer_fen) problems.push_back({"offer.cap_fen", "amount_out_of_range", "a cap is 1 to 100000000 fen"});
            else offer.cap_fen = *in.cap_fen;
        }
        break;
    case offer_kind::free_item: {
        const auto length = in.free_item ? utf8_length(*in.free_item) : 0;
        if (length == 0 || length > 32) problems.push_back({"offer.free_item", "free_item_length", "a free item is named in 1 to 32 characters"});
        else offer.free_item = *in.free_item;
        break;
    }
    case offer_kind::described: break;
    }
    if (in.min_spend_fen) {
        if (*in.min_spend_fen < 0 || *in.min_spend_fen > 10'000'000'000LL)
            problems.push_back({"offer.min_spend_fen", "amount_out_of_range", "a minimum spend is 0 to 10000000000 fen"});
        else offer.min_spend_fen = *in.min_spend_fen;
    }
    if (!problems.empty()) return problems;
    return offer;
}

std::variant<card_discount, discount_refusal> card_discount_for(const card_offer& offer, std::optional<std::int64_t> bill_fen) {
    if (!bill_fen && (offer.min_spend_fen > 0 || offer.kind == offer_kind::percent_off)) return discount_refusal::bill_required;
    if (bill_fen && *bill_fen < offer.min_spend_fen) return discount_refusal::below_minimum_spend;
    std::int64_t off = 0;
    switch (offer.kind) {
    case offer_kind::amount_off: off = bill_fen ? std::min(offer.amount_off_fen, *bill_fen) : offer.amount_off_fen; break;
    case offer_kind::percent_off:
        off = static_cast<std::int64_t>(static_cast<__int128>(*bill_fen) * offer.percent_off_bp / 10'000);
        if (offer.cap_fen) off = std::min(off, *offer.cap_fen);
        break;
    case offer_kind::free_item:
    case offer_kind::described: off = 0; break;
    }
    card_discount out{.discount_fen = off, .pay_fen = std::nullopt};
    if (bill_fen) out.pay_fen = *bill_fen - off;
    return out;
}

std::int64_t profit_after_card_fen(std::int64_t paid_fen, std::int64_t discount_fen, std::optional<std::int64_t> pos_profit_fen,
                                   const std::string& category, const margin_table& margins) {
    if (pos_profit_fen || discount_fen <= 0) return order_profit_fen(paid_fen, pos_profit_fen, category, margins);
    const auto before_card = order_profit_fen(paid_fen + discount_fen, std::nullopt, category, margins);
    return std::max<std::int64_t>(0, before_card - discount_fen);
}

}  // namespace sharedstore
