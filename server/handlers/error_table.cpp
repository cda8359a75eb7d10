#include "server/handlers/service_errors.hpp"

#include "server/http/request_params.hpp"

#include <boost/json/object.hpp>

#include <array>

namespace sharedstore {

namespace {

struct error_row {
    service_failure kind;
    int status;
    std::string_view code;
    std::string_view message;
    int retry_after_s = 0;  // Retry-After unless the failure names its own
};

// One row per failure, in the enum's order (a unit test checks both, and docs/errors.md).
constexpr std::array error_table{
    error_row{service_failure::merchant_not_found, 404, "merchant_not_found", "no such store"},
    error_row{service_failure::not_staff, 403, "forbidden", "only this store's staff may do this"},
    error_row{service_failure::role_too_low, 403, "forbidden", "your role at this store may not do this"},
    error_row{service_failure::user_not_found, 404, "user_not_found", "no such user"},
    error_row{service_failure::owner_is_fixed, 409, "owner_is_fixed", "the owner's role cannot be changed or removed"},
    error_row{service_failure::staff_not_found, 404, "staff_not_found", "that user is not staff of this store"},
    error_row{service_failure::invalid_tiers, 400, "invalid_tiers", "the tiers are not valid; see details"},
    error_row{service_failure::invalid_card, 400, "invalid_card", "the card is not valid; see details"},
    error_row{service_failure::preview_too_large, 400, "preview_too_large",
              "the what-if would replay too much (over 200,000 orders, 50,000 partners or 1,000 tier versions): choose a shorter window"},
    error_row{service_failure::partner_not_found, 404, "partner_not_found", "no such partner at this store"},
    error_row{service_failure::already_partner, 409, "already_partner", "that user already is a partner of this store"},
    error_row{service_failure::no_tiers, 409, "no_tiers", "the store has no share tiers yet"},
    error_row{service_failure::below_lowest_tier, 400, "below_lowest_tier", "a first buy-in must reach the lowest tier's buy-in"},
    error_row{service_failure::partner_ended, 409, "partner_ended", "this partnership has ended"},
    error_row{service_failure::partner_not_active, 409, "partner_not_active", "the partner is paused or ended"},
    error_row{service_failure::request_id_reused, 409, "request_id_reused", "this request_id was used for a different payment or refund"},
    error_row{service_failure::card_template_not_found, 404, "card_template_not_found", "no such card at this store"},
    error_row{service_failure::card_expired, 409, "card_expired", "the card's validity window has ended"},
    error_row{service_failure::card_pack_not_found, 404, "card_pack_not_found", "no such card pack of yours"},
    error_row{service_failure::pack_exhausted, 409, "pack_exhausted", "every card of this pack has been claimed"},
    error_row{service_failure::too_many_shares, 409, "too_many_shares", "revoke an old share link of this pack first"},
    error_row{service_failure::share_not_found, 404, "share_not_found", "no such share"},
    error_row{service_failure::self_referral, 409, "self_referral", "a partner cannot be their own customer"},
    error_row{service_failure::already_owner, 409, "already_owner", "the customer already belongs to that partner"},
    error_row{service_failure::qr_unavailable, 503, "wechat_unavailable", "WeChat did not make the QR code; try again shortly", 5},
    error_row{service_failure::order_not_found, 404, "order_not_found", "no such order"},
    error_row{service_failure::payments_unavailable, 503, "payments_unavailable", "WeChat Pay is not configured on this server"},
    error_row{service_failure::wechat_pay_failed, 502, "wechat_pay_failed", "WeChat Pay did not accept the order; try again", 5},
    error_row{service_failure::insufficient_stored_value, 409, "insufficient_stored_value", "your stored value at this store is below the amount"},
    error_row{service_failure::order_conflict, 409, "order_conflict", "this merchant_order_id was already used for a different order"},
    error_row{service_failure::refund_exceeds_order, 409, "refund_exceeds_order", "the refund is more than what is left of the order"},
    error_row{service_failure::refund_conflict, 409, "refund_conflict", "this merchant_refund_id was already used for a different refund"},
    error_row{service_failure::order_not_paid, 409, "order_not_paid", "the order is not paid"},
    error_row{service_failure::refund_not_wechat_pay, 409, "refund_not_wechat_pay", "only orders paid through WeChat Pay are refunded through it"},
    error_row{service_failure::api_key_not_found, 404, "api_key_not_found", "no such API key at this store"},
    error_row{service_failure::too_many_api_keys, 409, "too_many_api_keys", "a store has at most 20 active API keys; revoke one first"},
    error_row{service_failure::signature_header_missing, 401, "missing_signature_header",
              "X-Api-Key, X-Timestamp, X-Nonce and X-Signature are required"},
    error_row{service_failure::signature_header_malformed, 401, "malformed_signature_header", "a signature header is not in the documented form"},
    error_row{service_failure::stale_timestamp, 401, "stale_timestamp", "X-Timestamp is more than 300 s from the server's clock"},
    error_row{service_failure::unknown_api_key, 401, "unknown_api_key", "no active API key with that id"},
    error_row{service_failure::invalid_signature, 401, "invalid_signature", "the signature does not match the request"},
    error_row{service_failure::nonce_reused, 401, "nonce_reused", "this nonce was already used"},
    error_row{service_failure::login_code_invalid, 401, "wechat_code_invalid", "the login code is invalid, expired or used; call wx.login again"},
    error_row{service_failure::phone_code_invalid, 400, "phone_code_invalid", "the phone code is invalid, expired or used; ask the user again"},
    error_row{service_failure::login_rate_limited, 429, "rate_limited", "too many logins; retry later"},
    error_row{service_failure::wechat_rate_limited, 429, "wechat_rate_limited", "WeChat limits this user's logins; retry in a minute"},
    error_row{service_failure::wechat_risky_user, 403, "wechat_risky_user", "WeChat refused this user as risky"},
    error_row{service_failure::wechat_unavailable, 503, "wechat_unavailable", "WeChat is busy or unreachable; retry shortly"},
    error_row{service_failure::wechat_error, 502, "wechat_error", "WeChat refused the request"},
    error_row{service_failure::payouts_unavailable, 503, "payouts_unavailable", "WeChat Pay transfers are not available now; try again later", 30},
    error_row{service_failure::withdrawal_refused, 409, "withdrawal_refused", "the withdrawal breaks a limit; see details"},
    error_row{service_failure::payout_not_found, 404, "payout_not_found", "no such payout"},
    error_row{service_failure::payout_not_cancellable, 409, "payout_not_cancellable", "the payout was already confirmed or has ended"},
    error_row{service_failure::payout_not_awaiting_approval, 409, "payout_not_awaiting_approval", "the payout does not wait for approval"},
    error_row{service_failure::invalid_real_name, 400, "invalid_real_name", "a real name is 2 to 40 letters, without digits or control characters"},
    error_row{service_failure::invalid_payout_limits, 400, "invalid_payout_limits", "the payout limits are not valid; see details"},
    error_row{service_failure::console_ticket_not_found, 404, "console_ticket_not_found",
              "no such login ticket, or it expired or was used; scan a new QR code"},
    error_row{service_failure::console_ticket_taken, 409, "console_ticket_taken", "another staff member confirmed this login ticket"},
    error_row{service_failure::console_not_staff, 403, "console_not_staff", "only the staff of a store may sign in to the merchant console"},
    error_row{service_failure::console_ticket_other_browser, 403, "console_ticket_other_browser",
              "this login ticket was made by another browser"},
    error_row{service_failure::csrf_token_invalid, 403, "csrf_token_invalid",
              "a console write needs the session's CSRF token in X-CSRF-Token (GET /api/v1/console/me)"},
    error_row{service_failure::invalid_member_program, 400, "invalid_member_program", "the member programme is not valid; see details"},
    error_row{service_failure::invalid_member_levels, 400, "invalid_member_levels", "the member levels are not valid; see details"},
    error_row{service_failure::invalid_member_offer, 400, "invalid_member_offer", "the offer is not valid; see details"},
    error_row{service_failure::no_member_program, 409, "no_member_program", "this store has no member programme"},
    error_row{service_failure::member_terms_mismatch, 409, "member_terms_mismatch", "those are not the store's current member terms; read them again"},
    error_row{service_failure::member_required, 409, "member_required", "this store takes partners from its members: become a member first"},
    error_row{service_failure::member_offer_not_found, 404, "member_offer_not_found", "no such offer at this store"},
    error_row{service_failure::member_offer_inactive, 409, "member_offer_inactive", "that offer is no longer sold"},
    error_row{service_failure::member_offer_wrong_kind, 409, "member_offer_wrong_kind", "that offer is not of the kind the order names"},
    error_row{service_failure::points_spending_off, 409, "points_spending_off", "this store takes no points on orders"},
    error_row{service_failure::points_over_balance, 409, "points_over_balance", "you hold fewer points than that"},
    error_row{service_failure::points_over_order_maximum, 409, "points_over_order_maximum", "one order takes fewer points than that"},
    error_row{service_failure::points_leave_nothing_to_pay, 409, "points_leave_nothing_to_pay", "points may not pay the whole order: at least 1 fen stays"},
    error_row{service_failure::insufficient_prepaid, 409, "insufficient_prepaid", "your pre-stored value at this store is below the amount"},
    error_row{service_failure::refund_beyond_principal, 409, "refund_beyond_principal",
              "a top-up refund returns at most the principal left; see details"},
    error_row{service_failure::held_card_not_found, 404, "held_card_not_found", "no such card of yours"},
    error_row{service_failure::card_not_usable, 409, "card_not_usable", "the card is not usable"},
    error_row{service_failure::card_code_not_found, 404, "card_code_not_found",
              "no such card code at this store (a code stops working when a newer one is shown)"},
    error_row{service_failure::card_code_expired, 409, "card_code_expired", "the card code has expired; ask the customer to show a new one"},
    error_row{service_failure::card_already_redeemed, 409, "card_already_redeemed", "the card was already redeemed"},
    error_row{service_failure::card_bill_required, 400, "card_bill_required", "this card needs the bill before the card: send bill_fen"},
    error_row{service_failure::card_minimum_spend_not_met, 409, "card_minimum_spend_not_met", "the bill is below the card's minimum spend"},
    error_row{service_failure::card_redemption_not_found, 404, "card_redemption_not_found", "no such card redemption at this store"},
    error_row{service_failure::card_redemption_used, 409, "card_redemption_used",
              "the card redemption already discounts another order, or a refund gave the card back"},
    error_row{service_failure::card_redemption_other_customer, 409, "card_redemption_other_customer",
              "the order's customer is not the card's holder"},
    error_row{service_failure::order_not_closable, 409, "order_not_closable", "the order is paid or is not a WeChat Pay order: there is nothing to close"},
    error_row{service_failure::bonus_config_refused, 422, "bonus_config_refused",
              "the bonus configuration is refused; every reason is in details.problems"},
    error_row{service_failure::not_platform_operator, 403, "forbidden", "only platform operators may do this"},
    error_row{service_failure::alliance_config_refused, 422, "alliance_config_refused",
              "the pool configuration is refused; every reason is in details.problems"},
    error_row{service_failure::not_in_alliance, 409, "not_in_alliance", "the store was not admitted to the alliance"},
    error_row{service_failure::alliance_concession_refused, 422, "alliance_concession_refused",
              "the concession is refused; every reason is in details.problems"},
    error_row{service_failure::vouchers_not_accepted, 409, "vouchers_not_accepted", "this store does not take alliance vouchers"},
    error_row{service_failure::vouchers_spending_off, 409, "vouchers_spending_off", "this store lets vouchers pay no part of an order"},
    error_row{service_failure::vouchers_over_order_maximum, 409, "vouchers_over_order_maximum",
              "vouchers may pay at most the store's share of an order (voucher_max_bp)"},
    error_row{service_failure::vouchers_leave_nothing_to_pay, 409, "vouchers_leave_nothing_to_pay",
              "vouchers may not pay the whole order: at least 1 fen is paid in money"},
    error_row{service_failure::vouchers_over_balance, 409, "vouchers_over_balance", "you hold fewer spendable vouchers than that"},
    error_row{service_failure::voucher_code_invalid, 409, "voucher_code_invalid",
              "no live voucher code like that (unknown, replaced, used or expired): the customer shows a new one"},
    error_row{service_failure::voucher_reservation_not_found, 404, "voucher_reservation_not_found", "no such voucher reservation at this store"},
    error_row{service_failure::voucher_reservation_conflict, 409, "voucher_reservation_conflict",
              "this merchant_order_id already reserved vouchers of other amounts or another customer"},
    error_row{service_failure::voucher_reservation_expired, 409, "voucher_reservation_expired",
              "the reservation no longer holds the vouchers (expired or cancelled): reserve them again"},
    error_row{service_failure::voucher_reservation_mismatch, 409, "voucher_reservation_mismatch",
              "the order does not match its voucher reservation (amounts, customer or merchant_order_id)"},
    error_row{service_failure::voucher_reservation_confirmed, 409, "voucher_reservation_confirmed", "the reservation paid an order already"},
    error_row{service_failure::voucher_codes_rate_limited, 429, "rate_limited", "too many wrong voucher codes from this store; retry in a minute", 60},
    error_row{service_failure::supply_order_not_found, 404, "supply_order_not_found", "no such supply order"},
    error_row{service_failure::supply_reference_conflict, 409, "supply_reference_conflict",
              "this reference names another supply order of the store (another amount or description)"},
    error_row{service_failure::supply_order_not_open, 409, "supply_order_not_open", "the supply order is not open for payment"},
    error_row{service_failure::supply_order_not_paid, 409, "supply_order_not_paid", "only a paid supply order can be refunded"},
    error_row{service_failure::supply_vouchers_over_maximum, 409, "supply_vouchers_over_maximum",
              "vouchers may pay at most the alliance's share of a supply order (supply_voucher_max_bp)"},
    error_row{service_failure::supply_vouchers_over_balance, 409, "supply_vouchers_over_balance", "the store holds fewer spendable vouchers than that"},
    error_row{service_failure::statement_not_found, 404, "statement_not_found", "no such statement"},
    error_row{service_failure::statement_settled, 409, "statement_settled", "the statement was settled already, with another transfer reference"},
    error_row{service_failure::statement_period_invalid, 400, "invalid_field", "period must be a month like 2026-11"},
    error_row{service_failure::statement_period_open, 409, "statement_period_open", "that month has not closed yet: statements are issued an hour after it ends"},
    error_row{service_failure::region_code_unknown, 422, "region_code_unknown", "no county-level unit (or city without counties) has that GB/T 2260 code"},
    error_row{service_failure::region_already_set, 409, "region_already_set", "the store's region is set: a platform operator changes it, with a reason"},
    error_row{service_failure::promoter_not_found, 404, "promoter_not_found", "no such promoter"},
    error_row{service_failure::not_promoter, 403, "forbidden", "only a promoter (or a service centre's contact) reads this"},
    error_row{service_failure::promoter_exists, 409, "promoter_exists", "that user is a promoter already"},
    error_row{service_failure::invite_code_unknown, 404, "invite_code_unknown", "no promoter has that invite code"},
    error_row{service_failure::promoter_already_bound, 409, "promoter_already_bound",
              "the store has another promoter: the first binding wins, and a platform operator changes it"},
    error_row{service_failure::share_config_refused, 422, "share_config_refused", "the sharing configuration is refused; every reason is in details.problems"},
    error_row{service_failure::centre_appointment_refused, 422, "centre_appointment_refused",
              "the appointment is refused; every reason is in details.problems"},
    error_row{service_failure::centre_not_found, 404, "centre_not_found", "no such service centre"},
    error_row{service_failure::centre_contract_conflict, 409, "centre_contract_conflict", "that contract reference names another appointment"},
    error_row{service_failure::centre_end_invalid, 422, "centre_end_invalid", "an early end falls on or after the contract's start and before its end"},
    error_row{service_failure::not_centre_contact, 403, "forbidden", "only a service centre's contact reads this"},
    error_row{service_failure::share_statement_not_found, 404, "share_statement_not_found", "no such statement"},
    error_row{service_failure::share_statement_paid, 409, "share_statement_paid", "the statement was paid already, with another payment reference"},
    error_row{service_failure::share_statement_nothing_due, 409, "share_statement_nothing_due", "the statement pays nothing: there is nothing to mark paid"},
};
static_assert(error_table.size() == static_cast<std::size_t>(last_service_failure) + 1, "every service_failure has a row");
static_assert(max_active_pos_keys == 20, "too_many_api_keys' message names the limit");

const error_row* row_of(service_failure kind) {
    const auto index = static_cast<std::size_t>(kind);
    return index < error_table.size() && error_table[index].kind == kind ? &error_table[index] : nullptr;
}

}  // namespace

std::optional<error_mapping> error_mapping_of(service_failure kind) {
    const auto* row = row_of(kind);
    if (!row) return std::nullopt;
    return error_mapping{row->status, row->code, row->message};
}

api_error to_api_error(const service_error& e) {
    const auto* row = row_of(e.kind);
    if (!row) return api_error(500, "internal_error", "internal error");
    std::string message(row->message);
    if (!e.detail.empty()) message += " (" + e.detail + ")";
    api_error error(row->status, std::string(row->code), std::move(message));
    if (!e.problems.empty()) error.details = boost::json::object{{"problems", problems_json(e.problems)}};
    const auto retry_after = e.retry_after.count() > 0 ? e.retry_after.count() : row->retry_after_s;
    if (retry_after > 0) error.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return error;
}

}  // namespace sharedstore
