// A sale's money (a purchase, a membership product): what paid for it (WeChat Pay, the buyer's
// stored value, the POS, the member's pre-stored value in its two buckets) against the store's
// sales; a refund gives that much back (the buckets their cumulative proportional parts).
#include "server/services/payment_effects/payment_effect.hpp"

#include "server/domain/prepaid_value.hpp"

namespace sharedstore {

namespace {

bool is_sale(order_kind kind) { return kind == order_kind::purchase || kind == order_kind::membership; }

class sale_effect final : public payment_effect {
public:
    std::string_view name() const override { return "sale"; }

    void paid(mysql_connection&, const paid_order_facts& order, effect_output& out) const override {
        if (!is_sale(order.kind)) return;
        const auto buyer = order.customer_user_id.value_or(0);
        auto entries = order.source == payment_source::prepaid
                           ? prepaid_purchase_entries(buyer, order.member.prepaid_principal_fen, order.member.prepaid_bonus_fen)
                           : purchase_entries(order.source, buyer, order.amount_fen);
        for (auto& e : entries) out.entries.push_back(e);
    }

    void refunded(mysql_connection&, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (!is_sale(order.kind)) return;
        const auto buyer = order.customer_user_id.value_or(0);
        std::vector<ledger_entry> entries;
        if (order.source == payment_source::prepaid) {
            const auto back = prepaid_refund_split({order.member.prepaid_principal_fen, order.member.prepaid_bonus_fen}, order.amount_fen,
                                                   refund.refunded_before_fen, refund.amount_fen);
            entries = prepaid_refund_entries(buyer, back.principal_fen, back.bonus_fen);
        } else {
            entries = refund_entries(order.source, false, buyer, refund.amount_fen);
        }
        for (auto& e : entries) out.entries.push_back(e);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_sale_effect() { return std::make_unique<sale_effect>(); }

}  // namespace sharedstore
