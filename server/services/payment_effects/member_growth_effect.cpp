// Growth value taken back by a refund (docs/members.md, "Member levels"): once an order has vested
// its growth, a refund lowers it to floor((amount - refunded) / 100) and the level may drop at
// once. Before vesting nothing was granted, so nothing is taken (vest-member-orders grants what
// is left).
#include "server/services/payment_effects/payment_effect.hpp"

#include "server/services/member_journey.hpp"

namespace sharedstore {

namespace {

class member_growth_effect final : public payment_effect {
public:
    std::string_view name() const override { return "member_growth"; }

    void paid(mysql_connection&, const paid_order_facts&, effect_output&) const override {}

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output&) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::purchase || !order.customer_user_id) return;
        auto row = find_order(db, order.order_id);
        if (!row || !row->member_vested_at) return;
        const auto granted = order_growth_granted(db, order.order_id);
        const auto due = order_growth(order.amount_fen, refund.refunded_before_fen + refund.amount_fen);
        if (due >= granted) return;
        const auto context = load_member_context(db, order.merchant_id);
        auto profile = lock_member_profile(db, order.merchant_id, *order.customer_user_id, refund.at);
        apply_growth(db, context, profile, due - granted, "refund", order.order_id, refund.refund_id, refund.at);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_member_growth_effect() { return std::make_unique<member_growth_effect>(); }

}  // namespace sharedstore
