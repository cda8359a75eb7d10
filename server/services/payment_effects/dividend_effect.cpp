// The owner's dividend (docs/business-rules.md section 1): planned by plan_dividend from the facts,
// booked as the store's expense owed to the partner, announced to the partner's phone; a refund of
// R out of A reverses floor(dividend x R / A) cumulatively (reversal_fen).
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "push/outbox_events.hpp"
#include "server/domain/dividends.hpp"
#include "server/domain/masking.hpp"
#include "server/domain/payouts.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/storage/ledger_repository.hpp"

namespace sharedstore {

namespace {

// The partner's reminder of a dividend, or of `reversed` fen of it taken back (docs/websocket.md).
dividend_event event_of(const dividend_record& d, std::optional<std::int64_t> reversed) {
    return dividend_event{.dividend_id = d.id,
                          .order_id = d.order_id,
                          .merchant_id = d.merchant_id,
                          .merchant_name = d.merchant_name,
                          // The partner sees the customer as the store shows them: phone masked, or nothing.
                          .customer = d.customer_phone.empty() ? std::string("微信用户") : mask_phone(d.customer_phone),
                          .order_amount_fen = d.order_amount_fen,
                          .dividend_fen = d.amount_fen,
                          .reversed_fen = reversed,
                          .state = std::string(to_string(d.state)),
                          .paid_at = format_rfc3339_seconds(d.paid_at)};
}

void announce(mysql_connection& db, std::uint64_t partner_user_id, const dividend_event& event) {
    insert_outbox_event(db, partner_user_id, std::string(event.kind()), to_payload(event));
}

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
            announce(db, posted.dividend->partner_user_id, event_of(*posted.dividend, std::nullopt));
        });
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        auto dividend = find_dividend_by_order(db, refund.order.order_id, true);
        if (!dividend) return;
        const auto reversed = reversal_fen(dividend->amount_fen, refund.order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
        if (reversed == 0) return;
        if (dividend->state == dividend_state::settled) {
            // Already withdrawable: taken back from that balance, and what the partner withdrew
            // meanwhile becomes a debt netted from their next money at the store (docs/payouts.md).
            const account_ref withdrawable{account_kind::dividend_withdrawable, dividend->partner_user_id};
            const auto split = split_settled_reversal(reversed, account_balance(db, dividend->merchant_id, withdrawable, true));
            insert_reversal(db, dividend->id, refund.refund_id, reversed, format_sql_datetime_utc(refund.at), split.from_withdrawable_fen,
                            split.to_debt_fen);
            for (auto& e : settled_reversal_entries(dividend->partner_user_id, split.from_withdrawable_fen, split.to_debt_fen))
                out.entries.push_back(e);
        } else {
            insert_reversal(db, dividend->id, refund.refund_id, reversed, format_sql_datetime_utc(refund.at));
            for (auto& e : reversal_entries(dividend->partner_user_id, reversed)) out.entries.push_back(e);
        }
        out.dividend_reversed_fen = reversed;
        dividend->reversed_fen += reversed;
        out.after_posting.push_back([dividend = std::move(*dividend), reversed](mysql_connection& db, posted_payment&) {
            announce(db, dividend.partner_user_id, event_of(dividend, reversed));
        });
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_dividend_effect() { return std::make_unique<dividend_effect>(); }

}  // namespace sharedstore
