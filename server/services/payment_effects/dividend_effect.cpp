// The owner's dividend (docs/business-rules.md section 1): planned by plan_dividend from the facts,
// booked as the store's expense owed to the partner, announced to the partner's phone; a refund of
// R out of A reverses floor(dividend x R / A) cumulatively (reversal_fen).
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "server/domain/dividends.hpp"
#include "server/services/order_payments.hpp"

namespace sharedstore {

namespace {

class dividend_effect final : public payment_effect {
public:
    std::string_view name() const override { return "dividend"; }

    void paid(mysql_connection&, const paid_order_facts& order, effect_output& out) const override {
        auto plan = plan_dividend(order);
        if (!plan) return;
        out.dividend_due = true;
        for (auto& e : dividend_entries(plan->partner_user_id, plan->amount_fen)) out.entries.push_back(e);
        const new_dividend row{.order_id = order.order_id,
                               .merchant_id = order.merchant_id,
                               .partner_id = plan->partner_id,
                               .partner_user_id = plan->partner_user_id,
                               .customer_user_id = order.customer_user_id.value(),
                               .tier_version_id = plan->tier_version_id,
                               .tier_name = plan->tier_name,
                               .ratio_bp = plan->ratio_bp,
                               .profit_fen = plan->profit_fen,
                               .amount_fen = plan->amount_fen,
                               .paid_at = format_sql_datetime_utc(order.paid_at),
                               .settles_at = format_sql_datetime_utc(plan->settles_at)};
        // After the order row is marked paid (the dividend points at it) and the posting.
        out.after_posting.push_back([row](mysql_connection& db, posted_payment& posted) {
            insert_dividend(db, row);
            posted.dividend = find_dividend_by_order(db, row.order_id);
            insert_outbox_event(db, posted.dividend->partner_user_id, "dividend",
                                dividend_event_payload(*posted.dividend, "dividend", posted.dividend->amount_fen));
        });
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        auto dividend = find_dividend_by_order(db, refund.order.order_id, true);
        if (!dividend) return;
        const auto reversed = reversal_fen(dividend->amount_fen, refund.order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
        if (reversed == 0) return;
        insert_reversal(db, dividend->id, refund.refund_id, reversed, format_sql_datetime_utc(refund.at));
        for (auto& e : reversal_entries(dividend->partner_user_id, reversed)) out.entries.push_back(e);
        out.dividend_reversed_fen = reversed;
        dividend->reversed_fen += reversed;
        out.after_posting.push_back([dividend = std::move(*dividend), reversed](mysql_connection& db, posted_payment&) {
            insert_outbox_event(db, dividend.partner_user_id, "reversal", dividend_event_payload(dividend, "reversal", reversed));
        });
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_dividend_effect() { return std::make_unique<dividend_effect>(); }

}  // namespace sharedstore
