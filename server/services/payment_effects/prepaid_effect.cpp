// A top-up package paid (docs/members.md, "Pre-stored value"): the member is owed its pay as
// principal and its bonus as bonus, two buckets. A refund of the top-up returns principal only
// (at most what is left of it: the merchant's refund request checks that first) and the bonus goes
// with it in proportion, floor(B x R / P), all of it when the principal is gone.
#include "server/services/payment_effects/payment_effect.hpp"

#include "server/domain/prepaid_value.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/member_repository.hpp"

#include <algorithm>

namespace sharedstore {

namespace {

class prepaid_effect final : public payment_effect {
public:
    std::string_view name() const override { return "prepaid"; }

    void paid(mysql_connection& db, const paid_order_facts& order, effect_output& out) const override {
        if (order.kind != order_kind::top_up || !order.customer_user_id) return;
        // The package's bonus as it was when the order was placed (the order keeps its offer id).
        std::int64_t bonus = 0;
        if (order.member.offer_id)
            if (auto offer = find_offer(db, order.merchant_id, *order.member.offer_id)) bonus = offer->bonus_fen;
        for (auto& e : topup_entries(*order.customer_user_id, order.amount_fen, bonus)) out.entries.push_back(e);
    }

    void refunded(mysql_connection& db, const refund_facts& refund, effect_output& out) const override {
        const auto& order = refund.order;
        if (order.kind != order_kind::top_up || !order.customer_user_id) return;
        const auto user = *order.customer_user_id;
        const prepaid_buckets buckets{account_balance(db, order.merchant_id, {account_kind::prepaid_principal, user}, true),
                                      account_balance(db, order.merchant_id, {account_kind::prepaid_bonus, user}, true)};
        // WeChat Pay has refunded already: the buckets give what they hold; money refunded beyond
        // the principal left (spent meanwhile; the store's own refund request refuses that up
        // front) is booked as the store's loss beside the bonus it gave.
        const auto principal = std::min(refund.amount_fen, buckets.principal_fen);
        for (auto& e : topup_refund_entries(user, principal, bonus_forfeited(buckets, principal))) out.entries.push_back(e);
        if (const auto beyond = refund.amount_fen - principal; beyond > 0)
            out.entries.push_back({{account_kind::prepaid_bonus_expense, 0}, {account_kind::wechat_pay_clearing, 0}, beyond});
    }
};

}  // namespace

std::unique_ptr<const payment_effect> make_prepaid_effect() { return std::make_unique<prepaid_effect>(); }

}  // namespace sharedstore
