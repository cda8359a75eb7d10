#include "server/services/order_payments.hpp"

#include "common/clock.hpp"
#include "server/domain/card_offers.hpp"
#include "server/domain/dividends.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/services/member_pricing.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/partner_repository.hpp"


#include <stdexcept>

namespace sharedstore {

namespace {


std::uint64_t post(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, const std::string& reference,
                   std::vector<ledger_entry> entries, const std::string& booked_at) {
    const ledger_posting posting{.merchant_id = merchant_id,
                                 .kind = kind,
                                 .reference = reference,
                                 .actor_user_id = std::nullopt,
                                 .entries = std::move(entries),
                                 .booked_at = booked_at};
    return post_ledger_transaction(db, posting);
}

}  // namespace


namespace {


// What every order has, for paid and refunded alike.
paid_order_facts order_facts(const order_record& order, std::chrono::seconds settlement_delay, std::chrono::system_clock::time_point paid_at) {
    return paid_order_facts{.order_id = order.id,
                            .merchant_id = order.merchant_id,
                            .kind = order.kind,
                            .source = order.source,
                            .amount_fen = order.amount_fen,
                            .customer_user_id = order.customer_user_id,
                            .paid_at = paid_at,
                            .settlement_delay = settlement_delay,
                            .member = order.member,
                            .card_redemption_id = order.card_redemption_id,
                            .voucher_fen = order.voucher_fen,
                            .version = std::nullopt,
                            .profit_fen = std::nullopt,
                            .owner = std::nullopt};
}

// A purchase's facts beside the order: the tier version in force at payment, the profit under its
// margins, and the customer's owner at that moment.
void load_purchase_facts(mysql_connection& db, const order_record& order, const std::string& paid, paid_order_facts& facts) {
    if (auto version = find_tier_version_at(db, order.merchant_id, paid)) {
        // A card's discount comes out of the margin (card_offers.hpp); no card: order_profit_fen.
        facts.profit_fen = profit_after_card_fen(order.amount_fen, order.card_discount_fen, order.pos_profit_fen, order.category,
                                                 margin_table{version->profit_margin_bp, version->category_margins_bp});
        facts.version = tier_version_facts{.id = version->id, .tiers = version->tiers};
    }
    if (!order.customer_user_id) return;
    if (auto owner = lead_owner_at(db, order.merchant_id, *order.customer_user_id, paid))
        if (auto partner = find_partner(db, order.merchant_id, *owner))
            facts.owner = partner_facts{.id = partner->id,
                                        .user_id = partner->user_id,
                                        .active = partner->status == partner_status::active,
                                        .inactive_keeps_paying = partner->when_inactive == inactive_dividends::keep_paying,
                                        .total_buy_in_fen = partner->total_buy_in_fen};
}

}  // namespace

applied_payment apply_order_paid(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point paid_at,
                                 const std::string& transaction_id, const payment_effects& effects) {
    auto order = find_order(db, order_id, true);
    if (!order) throw std::invalid_argument("apply_order_paid: no order " + std::to_string(order_id));
    if (order->status == order_status::paid) return {payment_outcome::already_applied, *order, find_dividend_by_order(db, order_id)};

    const auto merchant = *find_merchant(db, order->merchant_id);
    // WeChat Pay's success_time has whole seconds: an order paid in the second it was placed
    // would seem paid before it existed (and before the tiers it was placed under). Our own
    // orders are never paid before they were created; a POS may report an earlier payment.
    if (order->source != payment_source::pos)
        if (order->created_at > paid_at) paid_at = order->created_at;
    const auto paid = format_sql_datetime_utc(paid_at);
    auto facts = order_facts(*order, std::chrono::hours(24) * merchant.settlement_delay_days, paid_at);
    facts.member_program = merchant.has_member_program;
    facts.bonus_config = merchant.has_bonus_config;
    // A POS priced its own order: the level in force is recorded beside the price it sent.
    if (facts.member_program && order->source == payment_source::pos && order->customer_user_id)
        facts.member = record_pos_member_level(db, *order);
    if (facts.kind == order_kind::purchase) load_purchase_facts(db, *order, paid, facts);

    effect_output out;
    for (const auto& effect : effects) effect->paid(db, facts, out);
    posted_payment posted;
    posted.ledger_transaction_id = post(db, merchant.id, "order_paid", "order:" + std::to_string(order_id), std::move(out.entries), paid);
    mark_order_paid(db, order_id, paid, transaction_id, facts.profit_fen, facts.version ? std::optional(facts.version->id) : std::nullopt,
                    out.dividend_due);
    for (auto& write : out.other_postings) write(db, posted);
    for (auto& write : out.after_posting) write(db, posted);
    return {payment_outcome::applied, *find_order(db, order_id), std::move(posted.dividend)};
}

applied_refund apply_order_refund(mysql_connection& db, std::uint64_t order_id, const std::string& source, const std::string& refund_key,
                                  std::int64_t amount_fen, std::chrono::system_clock::time_point at, const payment_effects& effects) {
    auto order = find_order(db, order_id, true);
    if (!order || order->status != order_status::paid) return {refund_outcome::order_not_paid};
    if (auto earlier = find_refund(db, order->merchant_id, source, refund_key))
        return {earlier->order_id == order_id && earlier->amount_fen == amount_fen ? refund_outcome::already_applied : refund_outcome::conflict};
    if (amount_fen <= 0 || amount_fen > order->amount_fen - order->refunded_fen) return {refund_outcome::exceeds_order};

    // One instant for the refund, its reversals and its ledger transaction: reports by period agree.
    const auto now = format_sql_datetime_utc(at);
    const auto refund_id = insert_refund(db, order_id, order->merchant_id, source, refund_key, amount_fen, now);
    add_order_refunded(db, order_id, amount_fen);
    // A refund's effects read their own rows (the dividend knows when it settles): no delay needed.
    const refund_facts refund{.order = order_facts(*order, std::chrono::seconds(0), order->paid_at.value_or(at)),
                              .refund_id = refund_id,
                              .amount_fen = amount_fen,
                              .refunded_before_fen = order->refunded_fen,
                              .at = at};
    effect_output out;
    for (const auto& effect : effects) effect->refunded(db, refund, out);
    posted_payment posted;
    posted.ledger_transaction_id = post(db, order->merchant_id, "refund", "refund:" + std::to_string(refund_id), std::move(out.entries), now);
    for (auto& write : out.other_postings) write(db, posted);
    for (auto& write : out.after_posting) write(db, posted);
    return {refund_outcome::applied, out.dividend_reversed_fen};
}

}  // namespace sharedstore
