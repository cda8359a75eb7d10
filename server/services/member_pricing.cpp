#include "server/services/member_pricing.hpp"

#include "server/domain/ledger.hpp"
#include "server/domain/member_levels.hpp"
#include "server/domain/member_points.hpp"
#include "server/domain/prepaid_value.hpp"
#include "server/services/member_journey.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/member_repository.hpp"
#include "server/storage/partner_repository.hpp"

namespace sharedstore {

namespace {

service_failure points_failure(points_spend_problem problem) {
    switch (problem) {
    case points_spend_problem::spending_off: return service_failure::points_spending_off;
    case points_spend_problem::over_balance: return service_failure::points_over_balance;
    case points_spend_problem::over_order_maximum: return service_failure::points_over_order_maximum;
    case points_spend_problem::leaves_nothing_to_pay:
    case points_spend_problem::not_positive: return service_failure::points_leave_nothing_to_pay;
    }
    return service_failure::points_over_balance;
}

}  // namespace

service_result<priced_order> price_member_order(mysql_connection& db, const member_order_request& r, std::chrono::system_clock::time_point now) {
    priced_order priced{r.amount_fen, {}};
    const auto context = load_member_context(db, r.merchant_id);
    const bool member_kind = r.kind == order_kind::top_up || r.kind == order_kind::membership;
    if (member_kind) {
        if (!context.program) return failure(service_failure::no_member_program);
        if (!r.offer_id) return failure(service_failure::member_offer_not_found);
        auto offer = find_offer(db, r.merchant_id, *r.offer_id);
        if (!offer) return failure(service_failure::member_offer_not_found);
        const auto wanted = r.kind == order_kind::top_up ? member_offer_kind::topup_package : member_offer_kind::membership_product;
        if (offer->kind != wanted) return failure(service_failure::member_offer_wrong_kind);
        if (!offer->active) return failure(service_failure::member_offer_inactive);
        priced.amount_fen = offer->price_fen;
        priced.member.offer_id = offer->id;
        priced.member.listed_fen = offer->price_fen;
    }
    // The person's profile first: it orders every spend of their points and pre-stored value.
    std::optional<member_profile> profile;
    if (context.program) profile = lock_member_profile(db, r.merchant_id, r.buyer_user_id, now);

    if (r.kind == order_kind::purchase && context.program) {
        priced.member.listed_fen = r.amount_fen;
        if (auto level = level_in_force(context, profile)) {
            priced.member.level_no = level->level_no;
            priced.member.discount_bp = level->discount_bp;
            priced.amount_fen = member_price_fen(r.amount_fen, level->discount_bp);
        }
    }
    if (r.points > 0) {
        if (r.kind != order_kind::purchase || !context.program) return failure(service_failure::no_member_program);
        lock_spendable_lots(db, r.merchant_id, r.buyer_user_id);
        const auto balance = account_balance(db, r.merchant_id, {account_kind::member_points, r.buyer_user_id}, true);
        const auto plan = plan_points_spend(priced.amount_fen, r.points, balance, context.program->points);
        if (plan.problem) return failure(points_failure(*plan.problem));
        priced.member.points_used = plan.spend->points;
        priced.member.points_discount_fen = plan.spend->discount_fen;
        priced.amount_fen -= plan.spend->discount_fen;
    }
    // Vouchers pay part of what is left; the money is the rest (the pre-stored value draws on it).
    if (r.voucher_fen > 0) {
        if (r.kind != order_kind::purchase) return failure(service_failure::vouchers_not_accepted);
        if (r.voucher_fen >= priced.amount_fen) return failure(service_failure::vouchers_leave_nothing_to_pay);
        priced.amount_fen -= r.voucher_fen;
    }
    if (r.pay_with == payment_source::prepaid) {
        if (r.kind == order_kind::top_up) return failure(service_failure::member_offer_wrong_kind);
        const prepaid_buckets buckets{account_balance(db, r.merchant_id, {account_kind::prepaid_principal, r.buyer_user_id}, true),
                                      account_balance(db, r.merchant_id, {account_kind::prepaid_bonus, r.buyer_user_id}, true)};
        const auto draw = draw_prepaid(buckets, priced.amount_fen);
        if (!draw) return failure(service_failure::insufficient_prepaid);
        priced.member.prepaid_principal_fen = draw->principal_fen;
        priced.member.prepaid_bonus_fen = draw->bonus_fen;
    }
    return priced;
}

std::optional<service_error> check_partner_requires_member(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t buyer) {
    const auto program = find_member_program(db, merchant_id);
    if (!program || !program->partner_requires_member) return std::nullopt;
    if (find_partner_by_user(db, merchant_id, buyer)) return std::nullopt;  // a partner's top-up
    const auto profile = find_member_profile(db, merchant_id, buyer);
    if (profile && profile->stage >= member_stage::member) return std::nullopt;
    return failure(service_failure::member_required);
}

order_member_terms record_pos_member_level(mysql_connection& db, const order_record& order) {
    auto terms = order.member;
    const auto context = load_member_context(db, order.merchant_id);
    if (auto level = level_in_force(context, find_member_profile(db, order.merchant_id, *order.customer_user_id))) {
        terms.level_no = level->level_no;
        terms.discount_bp = level->discount_bp;
        set_order_member_level(db, order.id, level->level_no, level->discount_bp);
    }
    return terms;
}

}  // namespace sharedstore
