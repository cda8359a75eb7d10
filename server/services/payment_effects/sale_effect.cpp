// A purchase's money: what paid for it (WeChat Pay, the buyer's stored value, the POS) against the
// store's sales; a refund gives that much back.
#include "server/services/payment_effects/payment_effect.hpp"

namespace sharedstore {

namespace {

class sale_effect final : public payment_effect {
public:
    std::string_view name() const override { return "sale"; }

    void paid(mysql_connection&, const paid_order_facts& order, effect_output& out) const override {
        if (order.kind != order_kind::purchase) return;
        for (auto& e : purchase_entries(order.source, order.customer_user_id.value_or(0), order.amount_fen)) out.entries.push_back(e);
    }

    void refunded(mysql_connection&, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::purchase) return;
        for (auto& e : refund_entries(order.source, false, order.customer_user_id.value_or(0), refund.amount_fen)) out.entries.push_back(e);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_sale_effect() { return std::make_unique<sale_effect>(); }

}  // namespace sharedstore
