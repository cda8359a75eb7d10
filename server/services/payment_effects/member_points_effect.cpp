// Member points on a purchase (docs/members.md, "Member points"): points spent on the order leave
// the member's lots (earliest expiry first); points earned, floor(paid x points_per_yuan x
// multiplier / 10^6), wait in a pending lot until the refund window closes (vest-member-orders).
// A refund takes back its cumulative share of the earned points (pending, or spendable once
// vested: never below zero, the shortfall named `unrecovered`) and gives back its share of the
// points spent, as a new lot.
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "server/services/member_journey.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/ledger_repository.hpp"

#include <algorithm>

namespace sharedstore {

namespace {

class member_points_effect final : public payment_effect {
public:
    std::string_view name() const override { return "member_points"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        if (order.kind != order_kind::purchase || !order.customer_user_id || !order.member_program) return;
        const auto user = *order.customer_user_id;
        const auto context = load_member_context(db, order.merchant_id);
        if (const auto spent = order.member.points_used; spent > 0) {
            std::int64_t from_lots = spent;
            if (order.source == payment_source::wechat_pay) {
                // Held since the order was placed: the holds are spent.
                const auto held = spend_held_points(db, order.order_id, order.paid_at);
                for (auto& e : points_hold_spent_entries(user, held)) out.entries.push_back(e);
                // Paid after it was closed (its holds released): what the lots still have, never below zero.
                from_lots = held == spent ? 0 : take_points_from_lots(db, order.merchant_id, user, spent - held);
            } else if (take_points_from_lots(db, order.merchant_id, user, spent) != spent) {
                // The order was priced with these points in the same transaction, the lots locked.
                throw std::logic_error("points spent beyond the member's lots");
            }
            for (auto& e : points_redeemed_entries(user, from_lots)) out.entries.push_back(e);
            if (from_lots > 0)
                out.after_posting.push_back([order, user, from_lots](mysql_connection& db, posted_payment& posted) {
                    insert_point_move(db, order.merchant_id, user, "spent", from_lots, order.order_id, std::nullopt, std::nullopt,
                                      posted.ledger_transaction_id, order.paid_at);
                });
        }
        const auto level = level_in_force(context, find_member_profile(db, order.merchant_id, user));
        const auto earned = points_earned(order.amount_fen, context.program->points.points_per_yuan, level ? level->points_multiplier_bp : 10'000);
        if (earned <= 0) return;
        for (auto& e : points_earned_entries(user, earned)) out.entries.push_back(e);
        out.after_posting.push_back([order, user, earned](mysql_connection& db, posted_payment& posted) {
            const auto lot = insert_point_lot(db, order.merchant_id, user, "order", order.order_id, order.order_id, earned, lot_state::pending,
                                              std::nullopt, std::nullopt, order.paid_at);
            insert_point_move(db, order.merchant_id, user, "earned", earned, order.order_id, lot, std::nullopt, posted.ledger_transaction_id,
                              order.paid_at);
        });
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::purchase || !order.customer_user_id) return;
        const auto user = *order.customer_user_id;
        std::vector<std::function<void(mysql_connection&, posted_payment&)>> moves;
        if (auto lot = find_order_lot(db, order.order_id, true)) {
            const auto due = points_reversed(lot->earned, order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
            const auto back = take_back_lot_points(db, lot->id, due);
            for (auto& e : points_reversed_entries(user, back.taken, back.vested)) out.entries.push_back(e);
            if (back.taken > 0)
                moves.push_back([=, lot_id = lot->id, taken = back.taken](mysql_connection& db, posted_payment& posted) {
                    insert_point_move(db, order.merchant_id, user, "reversed", taken, order.order_id, lot_id, std::nullopt,
                                      posted.ledger_transaction_id, refund.at);
                });
        }
        if (order.member.points_used > 0) {
            const auto back = points_reversed(order.member.points_used, order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
            if (back > 0) {
                const auto context = load_member_context(db, order.merchant_id);
                const auto validity = context.program ? context.program->points.validity_months : 24;
                const auto expires = points_expire_at(refund.at, validity, context.utc_offset);
                for (auto& e : points_returned_entries(user, back)) out.entries.push_back(e);
                moves.push_back([=](mysql_connection& db, posted_payment& posted) {
                    const auto lot = insert_point_lot(db, order.merchant_id, user, "returned", refund.refund_id, order.order_id, back, lot_state::vested,
                                                      refund.at, expires, refund.at);
                    insert_point_move(db, order.merchant_id, user, "returned", back, order.order_id, lot, std::nullopt, posted.ledger_transaction_id,
                                      refund.at);
                });
            }
        }
        for (auto& m : moves) out.after_posting.push_back(std::move(m));
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_member_points_effect() { return std::make_unique<member_points_effect>(); }

}  // namespace sharedstore
