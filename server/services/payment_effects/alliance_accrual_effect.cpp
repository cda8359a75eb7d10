// The alliance's accrual on a paid order at a member store (docs/alliance.md, "Accrual";
// docs/business-rules.md section 3): the buyer's first payment at a member store locks them to it
// (unless another touch did before); the concession K = floor(B x c / 10000) on the money actually
// paid (a pre-stored bonus is the store's gift, not money) is owed to the platform and split into
// the fund's share, the fan-lock reward (only when the buyer is locked to another member) and the
// platform's part; the buyer and the store each get a lot of K centipoints, pending until the
// refund window closes (vest-alliance-lots). A refund reverses each part cumulatively, from where
// it then is: pending, or vested (the lock reward's vouchers at the locking store, and what the
// lots released in dividends taken back in proportion).
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "server/domain/alliance_accrual.hpp"
#include "server/domain/alliance_dividends.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_supply.hpp"
#include "server/services/alliance_fans.hpp"
#include "server/services/platform_net_lines.hpp"
#include "server/storage/alliance_accrual_repository.hpp"
#include "server/storage/alliance_dividend_repository.hpp"
#include "server/storage/alliance_voucher_repository.hpp"
#include "server/storage/alliance_repository.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/region_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

class alliance_accrual_effect final : public payment_effect {
public:
    std::string_view name() const override { return "alliance_accrual"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        // Purchases only: a buy-in is the partner's own money, a top-up is spent later (and accrues then).
        if (order.kind != order_kind::purchase) return;
        if (!find_alliance_member(db, order.merchant_id)) return;
        const auto concession = concession_at(db, order.merchant_id, order.paid_at);
        std::optional<fan_lock> fan;
        if (order.customer_user_id) fan = touch_alliance_fan(db, *order.customer_user_id, order.merchant_id, "payment", order.paid_at);
        if (!concession) return;  // admitted, no concession set yet: the store does not accrue
        const auto pool = pool_config_in_force(db);
        const bool elsewhere = fan && fan->merchant_id != order.merchant_id;
        const auto split = split_concession(order.amount_fen - order.member.prepaid_bonus_fen, concession->concession_bp,
                                            pool.config.fund_share_bp, elsewhere, pool.config.lock_bp);
        if (split.concession_fen <= 0) return;  // too small to concede a fen: nothing accrues

        alliance_accrual a;
        a.order_id = order.order_id;
        a.merchant_id = order.merchant_id;
        a.consumer_user_id = order.customer_user_id;
        a.concession_version = concession->version;
        a.concession_bp = concession->concession_bp;
        a.pool_config_version = pool.version;
        a.fund_share_bp = pool.config.fund_share_bp;
        a.lock_bp = pool.config.lock_bp;
        if (elsewhere && split.lock_fen > 0) a.lock_merchant_id = fan->merchant_id;
        a.amount_fen = order.amount_fen;
        a.base_fen = split.base_fen;
        a.concession_fen = split.concession_fen;
        a.fund_fen = split.fund_fen;
        a.lock_fen = split.lock_fen;
        a.platform_fen = split.platform_fen;
        a.lot_cp = split.lot_cp;
        a.paid_at = order.paid_at;
        a.region_code = merchant_region(db, order.merchant_id, false);  // kept with the order: a later change does not move it
        // The refund window: the pool's vest_days, or the store's own settlement delay when longer.
        a.vests_at = order.paid_at + std::max<std::chrono::seconds>(std::chrono::days(pool.config.vest_days), order.settlement_delay);
        insert_alliance_accrual(db, a);

        const accrual_parts parts{.fund_fen = a.fund_fen,
                                  .lock_fen = a.lock_fen,
                                  .platform_fen = a.platform_fen,
                                  .consumer_cp = a.consumer_user_id ? a.lot_cp : 0,
                                  .merchant_cp = a.lot_cp};
        for (auto& e : accrual_entries(parts, a.consumer_user_id.value_or(0))) out.entries.push_back(e);
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        auto a = find_alliance_accrual(db, refund.order.order_id, true);
        if (!a) return;
        const auto before = a->refunded_fen, now = refund.amount_fen, amount = a->amount_fen;
        accrual_parts r;
        r.fund_fen = reversal_of(a->fund_fen, amount, before, now, a->reversed_fund_fen);
        r.lock_fen = reversal_of(a->lock_fen, amount, before, now, a->reversed_lock_fen);
        r.platform_fen = reversal_of(a->platform_fen, amount, before, now, a->reversed_platform_fen);
        r.merchant_cp = reversal_of(a->lot_cp, amount, before, now, a->reversed_cp);
        r.consumer_cp = a->consumer_user_id ? r.merchant_cp : 0;
        const bool vested = a->state == "vested";
        // Vouchers the lots released in dividends go back in proportion to the points the refund
        // takes (before the fund's share leaves the free balance: what they took returns to it).
        if (vested && r.merchant_cp > 0) {
            const auto cp_before = a->lot_cp - a->reversed_cp, cp_after = cp_before - r.merchant_cp;
            for (const auto& lot : lock_order_lots(db, a->order_id)) {
                const auto claw = released_clawback_fen(lot.released_fen, cp_before, cp_after);
                if (claw <= 0) continue;
                claw_back_lot_release(db, lot.id, claw);
                // Unspent dividend vouchers go back; what the holder spent (or holds for an order)
                // becomes voucher debt, netted from what comes to them later, never cash.
                const auto taken = take_back_dividend_vouchers(db, lot.holder, lot.holder_id, claw);
                // Then what expired of them: its money is in the free balance already, nothing moves.
                const auto lapsed = take_back_expired_dividend_vouchers(db, lot.holder, lot.holder_id, claw - taken);
                const auto spent = claw - taken - lapsed;  // of the vouchers the lot released, what the holder spent
                const bool consumer = lot.holder == "consumer";
                std::int64_t returned = 0;
                if (spent > 0) {
                    // Charged on the dividend credits' spent part (so each holder's dividend credits
                    // still sum to what their lots released); taken from the vouchers returns gave
                    // the holder back (a consumer's refunds, a store's refunded supply bills), and
                    // what the holder does not have is a voucher debt (a store's lot is of this
                    // order's store, so its debt is in this posting's book).
                    if (charge_spent_dividend_vouchers(db, lot.holder, lot.holder_id, spent) != spent)
                        throw std::logic_error("a clawback beyond what the holder's dividend credits released");
                    returned = take_returned_vouchers(db, lot.holder, lot.holder_id, spent);
                    add_voucher_debt(db, lot.holder, lot.holder_id, spent - returned, refund.at);
                    const auto debt = consumer ? voucher_debt_entries(lot.holder_id, spent - returned) : merchant_voucher_debt_entries(spent - returned, false);
                    for (const auto& e : debt) out.entries.push_back(e);
                }
                for (const auto& e : dividend_clawback_entries(consumer ? lot.holder_id : 0, taken + returned)) out.entries.push_back(e);
            }
        }
        add_alliance_reversal(db, a->order_id, now, r);
        const auto reversal = accrual_reversal_entries(r, a->consumer_user_id.value_or(0), vested);
        for (const auto& e : reversal) out.entries.push_back(e);
        if (!vested) return;
        // Settled already: the refund takes back the platform net its statements shared.
        record_reversed_net_line(db, a->order_id, refund.refund_id, r.platform_fen, refund.at);
        if (r.lock_fen > 0 && a->lock_merchant_id) reverse_lock_reward(db, *a, r.lock_fen, refund, out);
        // The fund's share left the free balance (and an expired lock reward's money). A dividend
        // under way has set its money aside, so what is free may not have paid it: the platform then
        // advances the rest (repaid when the next dividend plans) and the free balance never goes
        // below zero. Read after the postings (the last of the other postings, before any outbox
        // row), locked: the postings' ordered updates hold the row already.
        out.other_postings.push_back([refund_id = refund.refund_id, at = refund.at](mysql_connection& db, posted_payment&) {
            const auto free = account_balance(db, 0, {account_kind::alliance_fund_free, 0}, true);
            if (free >= 0) return;
            post_ledger_transaction(db, ledger_posting{.merchant_id = 0,
                                                       .kind = "alliance_fund_shortfall",
                                                       .reference = "refund:" + std::to_string(refund_id),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = fund_shortfall_advance_entries(-free),
                                                       .booked_at = format_sql_datetime_utc(at)});
        });
    }

private:
    static void reverse_lock_reward(mysql_connection& db, const alliance_accrual& a, std::int64_t lock_fen, const refund_facts& refund,
                                    effect_output& out) {
        // The lock reward vested as vouchers of the locking store: taken back here, before any
        // posting locks accounts (a supply payment at that store locks its credits, then accounts),
        // and posted in that store's book (a transaction touches one store's book and the platform's).
        // What the credit still holds comes back; what expired has its money in the fund's free
        // balance, which pays it; what the store spent on supply comes from its refunded supply
        // bills' vouchers, and the rest is its voucher debt.
        const auto locking = *a.lock_merchant_id;
        const auto back = take_back_lock_reward(db, a.order_id, lock_fen);
        if (back.unspent_fen + back.expired_fen + back.spent_fen != lock_fen) throw std::logic_error("a vested lock reward without its credit");
        const auto returned = take_returned_vouchers(db, "merchant", locking, back.spent_fen);
        add_voucher_debt(db, "merchant", locking, back.spent_fen - returned, refund.at);
        auto entries = lock_reward_reversal_entries(back.unspent_fen + returned);
        for (auto& e : expired_lock_reward_reversal_entries(back.expired_fen)) entries.push_back(e);
        for (auto& e : merchant_voucher_debt_entries(back.spent_fen - returned, true)) entries.push_back(e);
        out.other_postings.push_back([locking, entries = std::move(entries), refund_id = refund.refund_id, at = refund.at](mysql_connection& db,
                                                                                                                         posted_payment&) {
            post_ledger_transaction(db, ledger_posting{.merchant_id = locking,
                                                       .kind = "alliance_lock_reversal",
                                                       .reference = "refund:" + std::to_string(refund_id),
                                                       .actor_user_id = std::nullopt,
                                                       .entries = entries,
                                                       .booked_at = format_sql_datetime_utc(at)});
        });
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_alliance_accrual_effect() { return std::make_unique<alliance_accrual_effect>(); }

}  // namespace sharedstore
