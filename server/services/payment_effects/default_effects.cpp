#include "server/services/payment_effects/payment_effect.hpp"

namespace sharedstore {

const payment_effects& default_payment_effects() {
    // Built once, never changed: a constant table, not state.
    static const payment_effects effects = [] {
        payment_effects list;
        list.push_back(make_sale_effect());
        list.push_back(make_buy_in_effect());
        list.push_back(make_store_customer_effect());
        list.push_back(make_dividend_effect());
        list.push_back(make_bonus_award_effect());
        list.push_back(make_prepaid_effect());
        list.push_back(make_member_points_effect());
        list.push_back(make_member_stage_effect());
        list.push_back(make_member_growth_effect());
        list.push_back(make_card_effect());
        list.push_back(make_alliance_accrual_effect());
        list.push_back(make_alliance_voucher_effect());
        return list;
    }();
    return effects;
}

}  // namespace sharedstore
