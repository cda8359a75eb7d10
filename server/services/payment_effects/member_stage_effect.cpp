// Stages that follow from payments (docs/members.md, "Stages"): a membership product paid
// qualifies the buyer as a member (member once the terms are accepted too), and refunded inside
// its window takes that back; a top-up that meets the member task qualifies; a buy-in makes a
// partner. Purchases make customers when they vest (vest-member-orders), not here.
#include "server/services/payment_effects/payment_effect.hpp"

#include "server/services/member_journey.hpp"
#include "server/storage/merchant_repository.hpp"

namespace sharedstore {

namespace {

class member_stage_effect final : public payment_effect {
public:
    std::string_view name() const override { return "member_stage"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output&) const override {
        if (!order.customer_user_id) return;
        const auto user = *order.customer_user_id;
        const auto at = order.paid_at;
        switch (order.kind) {
        case order_kind::membership: {
            const auto context = load_member_context(db, order.merchant_id);
            auto profile = lock_member_profile(db, order.merchant_id, user, at);
            if (!profile.member_qualified_at) {
                profile.member_qualified_at = at;
                profile.member_qualified_by = "membership_product";
            }
            apply_stage_event(db, context, profile, stage_event::member_qualified, order.order_id, at);
            return;
        }
        case order_kind::top_up: {
            const auto context = load_member_context(db, order.merchant_id);
            if (!member_task_met(db, context, user, order.amount_fen, at)) return;
            auto profile = lock_member_profile(db, order.merchant_id, user, at);
            if (profile.member_qualified_at) return;
            profile.member_qualified_at = at;
            profile.member_qualified_by = "task_topup";
            apply_stage_event(db, context, profile, stage_event::member_qualified, order.order_id, at);
            return;
        }
        case order_kind::buy_in: {
            const auto context = load_member_context(db, order.merchant_id);
            auto profile = lock_member_profile(db, order.merchant_id, user, at);
            apply_stage_event(db, context, profile, stage_event::became_partner, order.order_id, at);
            return;
        }
        case order_kind::purchase: return;
        }
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output&) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::membership || !order.customer_user_id) return;
        const auto merchant = find_merchant(db, order.merchant_id);
        // Inside its window only: a membership kept past it stays, whatever is refunded later.
        if (!merchant || refund.at >= order.paid_at + std::chrono::days(merchant->settlement_delay_days)) return;
        const auto user = *order.customer_user_id;
        if (holds_membership_product(db, order.merchant_id, user)) return;  // another one still held
        const auto context = load_member_context(db, order.merchant_id);
        auto profile = lock_member_profile(db, order.merchant_id, user, refund.at);
        if (profile.member_qualified_by != "membership_product") return;  // qualified by the task as well
        profile.member_qualified_at.reset();
        profile.member_qualified_by.clear();
        apply_stage_event(db, context, profile, stage_event::membership_refunded, order.order_id, refund.at);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_member_stage_effect() { return std::make_unique<member_stage_effect>(); }

}  // namespace sharedstore
