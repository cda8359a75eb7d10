// A buy-in paid through WeChat Pay (docs/business-rules.md section 1): the buyer becomes (or stays)
// the store's partner, the money is kept as their stored value, and the total that sets their tier
// grows. A refund takes the stored value and the total back.
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "server/storage/partner_repository.hpp"

namespace sharedstore {

namespace {

class buy_in_effect final : public payment_effect {
public:
    std::string_view name() const override { return "buy_in"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        if (order.kind != order_kind::buy_in) return;
        const auto buyer = order.customer_user_id.value();
        auto partner = find_partner_by_user(db, order.merchant_id, buyer);
        const auto partner_id = partner ? partner->id : insert_partner(db, order.merchant_id, buyer, buyer);
        find_partner(db, order.merchant_id, partner_id, true);
        for (auto& e : wechat_buy_in_entries(buyer, order.amount_fen)) out.entries.push_back(e);
        out.after_posting.push_back([order, partner_id](mysql_connection& db, posted_payment& posted) {
            // The buy-in row points at the ledger transaction that holds its money.
            insert_buy_in(db, partner_id, order.merchant_id, order.amount_fen, "wechat_pay", "order " + std::to_string(order.order_id),
                          std::nullopt, posted.ledger_transaction_id, format_sql_datetime_utc(order.paid_at));
            add_partner_buy_in(db, partner_id, order.amount_fen);
        });
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::buy_in) return;
        const auto buyer = order.customer_user_id.value_or(0);
        for (auto& e : refund_entries(order.source, true, buyer, refund.amount_fen)) out.entries.push_back(e);
        // The money went back: so does the stored value, and the total that sets the tier.
        if (auto partner = find_partner_by_user(db, order.merchant_id, buyer)) {
            find_partner(db, order.merchant_id, partner->id, true);
            add_partner_buy_in(db, partner->id, -refund.amount_fen);
        }
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_buy_in_effect() { return std::make_unique<buy_in_effect>(); }

}  // namespace sharedstore
