#include "server/handlers/order_json.hpp"

#include "server/domain/rfc3339.hpp"

#include "server/domain/masking.hpp"

namespace sharedstore {

namespace json = boost::json;

namespace {
json::value text_or_null(const std::string& text) { return text.empty() ? json::value(nullptr) : json::value(text); }
}  // namespace

json::object order_json(const order_record& o) {
    json::object out{{"id", std::to_string(o.id)},
                     {"merchant_id", std::to_string(o.merchant_id)},
                     {"source", to_string(o.source)},
                     {"kind", to_string(o.kind)},
                     {"out_trade_no", text_or_null(o.out_trade_no)},
                     {"merchant_order_id", text_or_null(o.merchant_order_id)},
                     {"customer_user_id", o.customer_user_id ? json::value(std::to_string(*o.customer_user_id)) : json::value(nullptr)},
                     {"description", o.description},
                     {"category", text_or_null(o.category)},
                     {"amount_fen", o.amount_fen},
                     {"voucher_fen", o.voucher_fen},
                     {"status", to_string(o.status)},
                     {"paid_at", o.paid_at ? json::value(format_rfc3339_seconds(*o.paid_at)) : json::value(nullptr)},
                     {"refunded_fen", o.refunded_fen},
                     {"closed_at", o.closed_at ? json::value(format_rfc3339_seconds(*o.closed_at)) : json::value(nullptr)},
                     {"card_redemption_id", o.card_redemption_id ? json::value(std::to_string(*o.card_redemption_id)) : json::value(nullptr)},
                     {"card_discount_fen", o.card_discount_fen},
                     {"created_at", format_rfc3339_micros(o.created_at)}};
    out["profit_fen"] = o.profit_fen ? json::value(*o.profit_fen) : json::value(nullptr);
    // What the member journey did to the price (docs/members.md): the offer, the listed price, the
    // level in force and its discount, the points spent, the pre-stored value's two buckets.
    const auto& m = o.member;
    out["member"] = json::object{{"offer_id", m.offer_id ? json::value(std::to_string(*m.offer_id)) : json::value(nullptr)},
                                 {"listed_fen", m.listed_fen ? json::value(*m.listed_fen) : json::value(nullptr)},
                                 {"level_no", m.level_no ? json::value(*m.level_no) : json::value(nullptr)},
                                 {"discount_bp", m.discount_bp ? json::value(*m.discount_bp) : json::value(nullptr)},
                                 {"points_used", m.points_used},
                                 {"points_discount_fen", m.points_discount_fen},
                                 {"prepaid_principal_fen", m.prepaid_principal_fen},
                                 {"prepaid_bonus_fen", m.prepaid_bonus_fen}};
    return out;
}

json::object dividend_json(const dividend_record& d) {
    return json::object{{"id", std::to_string(d.id)},
                        {"order_id", std::to_string(d.order_id)},
                        {"merchant", json::object{{"id", std::to_string(d.merchant_id)}, {"name", d.merchant_name}}},
                        {"partner_id", std::to_string(d.partner_id)},
                        {"customer", d.customer_phone.empty() ? std::string("微信用户") : mask_phone(d.customer_phone)},
                        {"tier", d.tier_name},
                        {"ratio_bp", d.ratio_bp},
                        {"order_amount_fen", d.order_amount_fen},
                        {"profit_fen", d.profit_fen},
                        {"dividend_fen", d.amount_fen},
                        {"reversed_fen", d.reversed_fen},
                        {"net_fen", d.amount_fen - d.reversed_fen},
                        {"state", to_string(d.state)},
                        {"paid_at", format_rfc3339_seconds(d.paid_at)},
                        {"settles_at", format_rfc3339_seconds(d.settles_at)}};
}

}  // namespace sharedstore
