#include "server/handlers/service_errors.hpp"

#include "server/http/request_params.hpp"


#include <boost/json/object.hpp>

namespace sharedstore {

api_error to_api_error(const merchant_error& e) {
    switch (e.kind) {
    case merchant_failure::merchant_not_found: return api_error(404, "merchant_not_found", "no such store");
    case merchant_failure::not_staff: return api_error(403, "forbidden", "only this store's staff may do this");
    case merchant_failure::role_too_low: return api_error(403, "forbidden", "your role at this store may not do this");
    case merchant_failure::user_not_found: return api_error(404, "user_not_found", "no such user");
    case merchant_failure::owner_is_fixed: return api_error(409, "owner_is_fixed", "the owner's role cannot be changed or removed");
    case merchant_failure::staff_not_found: return api_error(404, "staff_not_found", "that user is not staff of this store");
    case merchant_failure::invalid_tiers:
    case merchant_failure::invalid_card: {
        const bool tiers = e.kind == merchant_failure::invalid_tiers;
        api_error error(400, tiers ? "invalid_tiers" : "invalid_card", tiers ? "the tiers are not valid; see details" : "the card is not valid; see details");
        error.details = boost::json::object{{"problems", problems_json(e.problems)}};
        return error;
    }
    case merchant_failure::partner_not_found: return api_error(404, "partner_not_found", "no such partner at this store");
    case merchant_failure::already_partner: return api_error(409, "already_partner", "that user already is a partner of this store");
    case merchant_failure::no_tiers: return api_error(409, "no_tiers", "the store has no share tiers yet");
    case merchant_failure::below_lowest_tier:
        return api_error(400, "below_lowest_tier", "a first buy-in must reach the lowest tier's buy-in");
    case merchant_failure::partner_ended: return api_error(409, "partner_ended", "this partnership has ended");
    case merchant_failure::partner_not_active: return api_error(409, "partner_not_active", "the partner is paused or ended");
    case merchant_failure::request_id_reused:
        return api_error(409, "request_id_reused", "this request_id was used for a different payment or refund");
    case merchant_failure::card_template_not_found: return api_error(404, "card_template_not_found", "no such card at this store");
    case merchant_failure::card_expired: return api_error(409, "card_expired", "the card's validity window has ended");
    case merchant_failure::card_pack_not_found: return api_error(404, "card_pack_not_found", "no such card pack of yours");
    case merchant_failure::pack_exhausted: return api_error(409, "pack_exhausted", "every card of this pack has been claimed");
    case merchant_failure::too_many_shares: return api_error(409, "too_many_shares", "revoke an old share link of this pack first");
    case merchant_failure::share_not_found: return api_error(404, "share_not_found", "no such share");
    case merchant_failure::self_referral: return api_error(409, "self_referral", "a partner cannot be their own customer");
    case merchant_failure::already_owner: return api_error(409, "already_owner", "the customer already belongs to that partner");
    case merchant_failure::order_not_found: return api_error(404, "order_not_found", "no such order");
    case merchant_failure::payments_unavailable: {
        api_error error(503, "payments_unavailable", "WeChat Pay is not configured on this server");
        return error;
    }
    case merchant_failure::wechat_pay_failed: {
        api_error error(502, "wechat_pay_failed", "WeChat Pay did not accept the order; try again");
        error.headers.emplace_back("Retry-After", "5");
        return error;
    }
    case merchant_failure::insufficient_stored_value:
        return api_error(409, "insufficient_stored_value", "your stored value at this store is below the amount");
    case merchant_failure::order_conflict:
        return api_error(409, "order_conflict", "this merchant_order_id was already used for a different order");
    case merchant_failure::refund_exceeds_order: return api_error(409, "refund_exceeds_order", "the refund is more than what is left of the order");
    case merchant_failure::refund_conflict:
        return api_error(409, "refund_conflict", "this merchant_refund_id was already used for a different refund");
    case merchant_failure::order_not_paid: return api_error(409, "order_not_paid", "the order is not paid");
    case merchant_failure::refund_not_wechat_pay:
        return api_error(409, "refund_not_wechat_pay", "only orders paid through WeChat Pay are refunded through it");
    case merchant_failure::api_key_not_found: return api_error(404, "api_key_not_found", "no such API key at this store");
    case merchant_failure::too_many_api_keys:
        return api_error(409, "too_many_api_keys",
                         "a store has at most " + std::to_string(max_active_pos_keys) + " active API keys; revoke one first");
    }
    return api_error(500, "internal_error", "internal error");
}

}  // namespace sharedstore
