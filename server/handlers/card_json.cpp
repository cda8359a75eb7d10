#include "server/handlers/card_json.hpp"

#include "server/domain/masking.hpp"
#include "server/domain/rfc3339.hpp"

namespace sharedstore {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<card_time>& t) { return t ? json::value(format_rfc3339_seconds(*t)) : json::value(nullptr); }

json::object card_of(const held_card_record& c) {
    json::object card{{"template_id", std::to_string(c.card_template_id)}, {"kind", c.kind}, {"title", c.title}, {"benefit", c.benefit},
                      {"offer", card_offer_json(c.offer)}};
    card["cover_url"] = c.cover_url.empty() ? json::value(nullptr) : json::value(c.cover_url);
    return card;
}

}  // namespace

json::object card_offer_json(const card_offer& o) {
    json::object out{{"kind", to_string(o.kind)}, {"min_spend_fen", o.min_spend_fen}};
    out["amount_off_fen"] = o.kind == offer_kind::amount_off ? json::value(o.amount_off_fen) : json::value(nullptr);
    out["percent_off_bp"] = o.kind == offer_kind::percent_off ? json::value(o.percent_off_bp) : json::value(nullptr);
    out["cap_fen"] = o.cap_fen ? json::value(*o.cap_fen) : json::value(nullptr);
    out["free_item"] = o.kind == offer_kind::free_item ? json::value(o.free_item) : json::value(nullptr);
    return out;
}

json::object held_card_json(const held_card_view& v) {
    const auto& c = v.card;
    json::object out{{"id", std::to_string(c.id)},
                     {"merchant", json::object{{"id", std::to_string(c.merchant_id)}, {"name", c.merchant_name}}},
                     {"card", card_of(c)},
                     {"state", to_string(v.state)},
                     {"valid_from", format_rfc3339_seconds(v.window.from)},
                     {"valid_until", format_rfc3339_seconds(v.window.until)},
                     {"time_zone", c.time_zone},
                     {"claimed_at", format_rfc3339_seconds(c.claimed_at)}};
    out["redeemed_at"] = v.state == held_card_state::redeemed ? time_or_null(c.redeemed_at) : json::value(nullptr);
    return out;
}

json::object card_redemption_json(const card_redemption_record& r, const held_card_record& card) {
    json::object out{{"id", std::to_string(r.id)},
                     {"merchant_id", std::to_string(r.merchant_id)},
                     {"card_id", std::to_string(r.card_id)},
                     {"card", card_of(card)},
                     {"customer", json::object{{"phone", card.customer_phone.empty() ? json::value(nullptr) : json::value(mask_phone(card.customer_phone))}}},
                     {"request_id", r.request_id},
                     {"via", r.via},
                     {"discount_fen", r.discount_fen},
                     {"state", r.undone_at ? "undone" : "redeemed"},
                     {"created_at", format_rfc3339_seconds(r.created_at)}};
    out["bill_fen"] = r.bill_fen ? json::value(*r.bill_fen) : json::value(nullptr);
    out["pay_fen"] = r.bill_fen ? json::value(*r.bill_fen - r.discount_fen) : json::value(nullptr);
    out["free_item"] = card.offer.kind == offer_kind::free_item ? json::value(card.offer.free_item) : json::value(nullptr);
    out["order_id"] = r.order_id ? json::value(std::to_string(*r.order_id)) : json::value(nullptr);
    out["undone_at"] = time_or_null(r.undone_at);
    return out;
}

}  // namespace sharedstore
