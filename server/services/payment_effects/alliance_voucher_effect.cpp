// Vouchers paying part of an order (docs/alliance.md, "Spending vouchers"): when it is paid, the
// vouchers its placing (or the desk's reservation) held are spent, their money moves from the
// fund's reserve to what the platform owes the accepting store, and the store's book shows that
// part of the sale as owed by the platform. A refund gives back its share of the voucher part
// (a credit of its own, valid at least 30 days more; a voucher debt of the buyer's paid from it
// first) and the store owes that reimbursement back.
#include "server/services/payment_effects/payment_effect.hpp"

#include "common/clock.hpp"
#include "server/domain/alliance_ledger.hpp"
#include "server/domain/alliance_vouchers.hpp"
#include "server/storage/alliance_voucher_repository.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

class alliance_voucher_effect final : public payment_effect {
public:
    std::string_view name() const override { return "alliance_vouchers"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        if (order.voucher_fen <= 0) return;
        if (!order.customer_user_id) throw std::logic_error("an order paid with vouchers has no buyer");
        const auto user = *order.customer_user_id;
        const auto holds = lock_order_voucher_holds(db, order.order_id);
        std::int64_t held = 0;
        for (const auto& h : holds)
            if (h.state == "held") held += h.amount_fen;
        end_voucher_holds(db, holds, "spent", order.paid_at);
        // Paid after it was closed (WeChat Pay took the money late): its holds came back meanwhile.
        // What the buyer still has is spent; what they spent elsewhere since becomes their voucher
        // debt, its money advanced from the fund's free balance (the store is reimbursed in full).
        const auto missing = order.voucher_fen - std::min(held, order.voucher_fen);
        const auto from_balance = missing > 0 ? take_spendable_vouchers(db, user, missing, order.paid_at) : 0;
        const auto unbacked = missing - from_balance;
        if (unbacked > 0) add_voucher_debt(db, "consumer", user, unbacked, order.paid_at);
        for (auto& e : voucher_spend_entries(user, std::min(held, order.voucher_fen), from_balance, unbacked)) out.entries.push_back(e);
        for (auto& e : voucher_sale_entries(order.voucher_fen)) out.entries.push_back(e);
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.voucher_fen <= 0 || !order.customer_user_id) return;
        const auto back = vouchers_returned_fen(order.voucher_fen, order.amount_fen, refund.refunded_before_fen, refund.amount_fen);
        if (back <= 0) return;
        // The latest expiry among the vouchers the order spent (none found: the refund's own date).
        auto spent_expiry = refund.at;
        for (const auto& h : lock_order_voucher_holds(db, order.order_id))
            if (h.state == "spent") spent_expiry = std::max(spent_expiry, h.credit_expires_at);
        // What the buyer owes in vouchers (spent ones a refund took back) is paid first from them.
        const auto user = *order.customer_user_id;
        const auto to_debt = std::min(back, lock_voucher_debt(db, "consumer", user));
        net_voucher_debt(db, "consumer", user, to_debt, refund.at);
        insert_refund_return_credit(db, user, order.order_id, refund.refund_id, back, back - to_debt, refund_return_expiry(spent_expiry, refund.at),
                                    refund.at);
        for (auto& e : voucher_return_entries(user, back - to_debt, to_debt)) out.entries.push_back(e);
        for (auto& e : voucher_sale_reversal_entries(back)) out.entries.push_back(e);
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_alliance_voucher_effect() { return std::make_unique<alliance_voucher_effect>(); }

}  // namespace sharedstore
