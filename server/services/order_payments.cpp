#include "server/services/order_payments.hpp"

#include "common/clock.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/dividends.hpp"
#include "server/domain/ledger.hpp"
#include "server/domain/masking.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/partner_repository.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sharedstore {

namespace json = boost::json;

namespace {

payment_source source_of(const std::string& text) {
    if (text == "wechat_pay") return payment_source::wechat_pay;
    if (text == "stored_value") return payment_source::stored_value;
    if (text == "pos") return payment_source::pos;
    throw std::invalid_argument("unknown payment source " + text);
}

void post(mysql_connection& db, std::uint64_t merchant_id, const std::string& kind, const std::string& reference, std::vector<ledger_entry> entries,
          const std::string& booked_at) {
    ledger_posting posting{merchant_id, kind, reference, std::nullopt, std::move(entries), booked_at};
    post_ledger_transaction(db, posting);
}

}  // namespace

std::string dividend_event_payload(const dividend_record& d, const std::string& kind, std::int64_t amount_fen) {
    json::object payload{{"type", kind},
                         {"dividend_id", std::to_string(d.id)},
                         {"order_id", std::to_string(d.order_id)},
                         {"merchant", json::object{{"id", std::to_string(d.merchant_id)}, {"name", d.merchant_name}}},
                         // The partner sees the customer as the store shows them: phone masked, or nothing.
                         {"customer", d.customer_phone.empty() ? std::string("微信用户") : mask_phone(d.customer_phone)},
                         {"order_amount_fen", d.order_amount_fen},
                         {"dividend_fen", d.amount_fen},
                         {"state", d.settled ? "settled" : "pending"},
                         {"paid_at", d.paid_at}};
    if (kind == "reversal") payload["reversed_fen"] = amount_fen;
    return json::serialize(payload);
}

applied_payment apply_order_paid(mysql_connection& db, std::uint64_t order_id, std::chrono::system_clock::time_point paid_at,
                                 const std::string& transaction_id) {
    auto order = find_order(db, order_id, true);
    if (!order) throw std::invalid_argument("apply_order_paid: no order " + std::to_string(order_id));
    if (order->status == "paid") return {payment_outcome::already_applied, *order, find_dividend_by_order(db, order_id)};

    const auto merchant = *find_merchant(db, order->merchant_id);
    // WeChat Pay's success_time has whole seconds: an order paid in the second it was placed
    // would seem paid before it existed (and before the tiers it was placed under). Our own
    // orders are never paid before they were created; a POS may report an earlier payment.
    if (order->source != "pos")
        if (auto created = parse_rfc3339(order->created_at); created && *created > paid_at) paid_at = *created;
    const auto paid = format_sql_datetime_utc(paid_at);
    const auto reference = "order:" + std::to_string(order_id);
    std::optional<std::int64_t> profit;
    std::optional<std::uint64_t> version_id;
    std::optional<new_dividend> dividend;

    if (order->kind == "buy_in") {
        // The buy-in is the partner's own money, kept as stored value: no profit, no dividend.
        const auto buyer = order->customer_user_id.value();
        auto partner = find_partner_by_user(db, merchant.id, buyer);
        const auto partner_id = partner ? partner->id : insert_partner(db, merchant.id, buyer, buyer);
        find_partner(db, merchant.id, partner_id, true);
        ledger_posting posting{merchant.id, "order_paid", reference, std::nullopt, wechat_buy_in_entries(buyer, order->amount_fen), paid};
        const auto transaction = post_ledger_transaction(db, posting);
        insert_buy_in(db, partner_id, merchant.id, order->amount_fen, "wechat_pay", "order " + std::to_string(order_id), std::nullopt, transaction,
                      paid);
        add_partner_buy_in(db, partner_id, order->amount_fen);
    } else {
        auto entries = purchase_entries(source_of(order->source), order->customer_user_id.value_or(0), order->amount_fen);
        const auto version = find_tier_version_at(db, merchant.id, paid);
        if (version) {
            profit = order_profit_fen(order->amount_fen, order->pos_profit_fen, order->category,
                                      margin_table{version->profit_margin_bp, version->category_margins_bp});
            version_id = version->id;
        }
        if (order->customer_user_id) {
            const auto customer = *order->customer_user_id;
            record_store_purchase(db, merchant.id, customer, paid);
            const auto owner = lead_owner_at(db, merchant.id, customer, paid);
            auto partner = owner ? find_partner(db, merchant.id, *owner) : std::nullopt;
            if (partner && version) {
                const auto tier = tier_for_total_buy_in(version->tiers, partner->total_buy_in_fen);
                dividend_facts facts{true, partner->user_id == customer, partner->status == "active",
                                     partner->inactive_dividends == "keep_paying", tier};
                if (auto ratio = dividend_ratio_bp(facts)) {
                    const auto settles = paid_at + std::chrono::hours(24) * merchant.settlement_delay_days;
                    dividend = new_dividend{order_id,     merchant.id, partner->id,        partner->user_id, customer, version->id,
                                            tier->name,  *ratio,      *profit,            dividend_fen(*profit, *ratio),
                                            paid,         format_sql_datetime_utc(settles)};
                    for (auto& e : dividend_entries(partner->user_id, dividend->amount_fen)) entries.push_back(e);
                }
            }
        }
        post(db, merchant.id, "order_paid", reference, std::move(entries), paid);
    }
    mark_order_paid(db, order_id, paid, transaction_id, profit, version_id, dividend.has_value());
    std::optional<dividend_record> written;
    if (dividend) {
        insert_dividend(db, *dividend);
        written = find_dividend_by_order(db, order_id);
        insert_outbox_event(db, written->partner_user_id, "dividend", dividend_event_payload(*written, "dividend", written->amount_fen));
    }
    return {payment_outcome::applied, *find_order(db, order_id), written};
}

applied_refund apply_order_refund(mysql_connection& db, std::uint64_t order_id, const std::string& source, const std::string& refund_key,
                                  std::int64_t amount_fen) {
    auto order = find_order(db, order_id, true);
    if (!order || order->status != "paid") return {refund_outcome::order_not_paid};
    if (auto earlier = find_refund(db, order->merchant_id, source, refund_key))
        return {earlier->order_id == order_id && earlier->amount_fen == amount_fen ? refund_outcome::already_applied : refund_outcome::conflict};
    if (amount_fen <= 0 || amount_fen > order->amount_fen - order->refunded_fen) return {refund_outcome::exceeds_order};

    // One instant for the refund, its reversal and its ledger transaction: reports by period agree.
    const auto now = format_sql_datetime_utc(std::chrono::system_clock::now());
    const auto refund_id = insert_refund(db, order_id, order->merchant_id, source, refund_key, amount_fen, now);
    add_order_refunded(db, order_id, amount_fen);
    const bool buy_in = order->kind == "buy_in";
    const auto buyer = order->customer_user_id.value_or(0);
    auto entries = refund_entries(source_of(order->source), buy_in, buyer, amount_fen);
    if (buy_in) {
        // The money went back: so does the stored value, and the total that sets the tier.
        if (auto partner = find_partner_by_user(db, order->merchant_id, buyer)) {
            find_partner(db, order->merchant_id, partner->id, true);
            add_partner_buy_in(db, partner->id, -amount_fen);
        }
    }
    std::int64_t reversed = 0;
    std::optional<dividend_record> reversed_dividend;
    if (auto dividend = find_dividend_by_order(db, order_id, true)) {
        reversed = reversal_fen(dividend->amount_fen, order->amount_fen, order->refunded_fen, amount_fen);
        if (reversed > 0) {
            insert_reversal(db, dividend->id, refund_id, reversed, now);
            for (auto& e : reversal_entries(dividend->partner_user_id, reversed)) entries.push_back(e);
            reversed_dividend = std::move(dividend);
            reversed_dividend->reversed_fen += reversed;
        }
    }
    post(db, order->merchant_id, "refund", "refund:" + std::to_string(refund_id), std::move(entries), now);
    if (reversed_dividend)  // after the posting: see insert_outbox_event
        insert_outbox_event(db, reversed_dividend->partner_user_id, "reversal", dividend_event_payload(*reversed_dividend, "reversal", reversed));
    return {refund_outcome::applied, reversed};
}

}  // namespace sharedstore
