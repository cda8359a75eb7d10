#pragma once
// The services' one vocabulary of expected failures. Every value has exactly one row in the error
// table (server/handlers/error_table.cpp: HTTP status, stable code, message) and a line in
// docs/errors.md; a unit test walks all three. A new subsystem adds values here and rows there.
#include "common/result.hpp"
#include "server/domain/validation_problem.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace sharedstore {

// Active (not revoked) POS API keys a store may hold at once (pos_key_service).
inline constexpr int max_active_pos_keys = 20;

enum class service_failure {
    // Stores, staff and tiers (merchant_service):
    merchant_not_found,
    not_staff,       // the caller has no role at this store
    role_too_low,    // the caller's role may not do this
    user_not_found,  // the staff member to add does not exist
    owner_is_fixed,  // the owner's role cannot be changed or removed
    staff_not_found,
    invalid_tiers,  // see `problems`
    invalid_card,   // see `problems`
    preview_too_large,  // a tier what-if's window holds more orders (or the store more partners) than it replays
    // Partners, packs, shares and leads (partner_service, share_service):
    partner_not_found,
    already_partner,
    no_tiers,            // the store has no share tiers yet
    below_lowest_tier,   // a first buy-in must reach the lowest tier
    partner_ended,       // an ended partnership takes no more buy-ins, packs or changes
    partner_not_active,  // paused or ended: no new packs, shares or leads
    request_id_reused,   // the same request_id with different content
    card_template_not_found,
    card_expired,
    card_pack_not_found,
    pack_exhausted,
    too_many_shares,
    share_not_found,
    self_referral,  // a partner cannot own their own user
    already_owner,  // the customer already belongs to that partner
    qr_unavailable,  // WeChat did not make a share's QR code
    // Orders and refunds (order_service, pos_service, merchant_refund_service):
    order_not_found,
    payments_unavailable,       // WeChat Pay is not configured on this server
    wechat_pay_failed,          // WeChat Pay refused or could not be reached; the order stays unpaid
    insufficient_stored_value,  // the buyer's stored value at the store is below the amount
    order_conflict,             // a POS order id reused with different content
    refund_exceeds_order,       // more than what is left of the order
    refund_conflict,            // a POS refund id reused with a different amount
    order_not_paid,             // a refund of an order that is not paid
    refund_not_wechat_pay,      // a store's refund through WeChat Pay of an order paid otherwise
    // POS API keys and signed callbacks (pos_key_service, pos_service):
    api_key_not_found,           // no such POS API key at this store
    too_many_api_keys,           // the store has max_active_pos_keys keys not revoked
    signature_header_missing,    // X-Api-Key, X-Timestamp, X-Nonce or X-Signature absent
    signature_header_malformed,  // one of them not in the documented form
    stale_timestamp,             // X-Timestamp more than 300 s from our clock
    unknown_api_key,             // no active key with that id
    invalid_signature,           // the HMAC does not match
    nonce_reused,                // the nonce was seen within the window
    // Sign-in and the phone number (auth_service):
    login_code_invalid,   // WeChat: invalid, expired or used wx.login code
    phone_code_invalid,   // WeChat: invalid, expired or used phone code
    login_rate_limited,   // our own limit (per address or per openid); retry_after set
    wechat_rate_limited,  // WeChat's 45011; retry_after set
    wechat_risky_user,    // WeChat's 40226
    wechat_unavailable,   // busy or unreachable after retries; retry_after set
    wechat_error,         // any other errcode (misconfiguration: wrong secret, appid); `detail` names it
    // Payouts (payout_service):
    payouts_unavailable,           // WeChat Pay's merchant transfer is not configured, or cannot say now
    withdrawal_refused,            // see `problems`: every limit the withdrawal breaks
    payout_not_found,
    payout_not_cancellable,        // already confirmed, paying, or ended
    payout_not_awaiting_approval,  // approve or reject of a payout that does not wait for it
    invalid_real_name,
    invalid_payout_limits,  // see `problems`
    // The merchant console's login and sessions (console_auth_service, the console gate):
    console_ticket_not_found,      // unknown, expired or used login ticket
    console_ticket_taken,          // another staff member confirmed this ticket
    console_not_staff,             // the user is staff of no store
    console_ticket_other_browser,  // the waiting page is not the browser that made the ticket
    csrf_token_invalid,            // a console write without the session's X-CSRF-Token
    // The member journey (member_service, order_service: docs/members.md):
    invalid_member_program,      // see `problems`
    invalid_member_levels,       // see `problems`
    invalid_member_offer,        // see `problems`
    no_member_program,           // the store has no member programme
    member_terms_mismatch,       // accepting terms that are not the store's current version
    member_required,             // partner_requires_member: a buy-in before the member stage
    member_offer_not_found,      // no such top-up package, membership product or points item at the store
    member_offer_inactive,       // withdrawn from sale
    member_offer_wrong_kind,     // e.g. a top-up order naming a membership product
    points_spending_off,         // the store takes no points on orders
    points_over_balance,         // more points than the member holds
    points_over_order_maximum,   // more points than one order may take
    points_leave_nothing_to_pay, // at least 1 fen stays to pay
    insufficient_prepaid,        // the member's pre-stored value is below the amount
    refund_beyond_principal,     // a top-up refund above the principal left
    // The customer's cards and the desk (card_wallet_service, card_orders):
    held_card_not_found,             // no such card held by the caller
    card_not_usable,                 // redeemed, expired or revoked: no code, no redemption (detail: the state)
    card_code_not_found,             // no such live code at this store (unknown, replaced, another store's)
    card_code_expired,               // the code's 2 minutes are over: the customer shows a new one
    card_already_redeemed,           // the card was redeemed (by another cashier, scan or call)
    card_bill_required,              // the offer needs the bill (percent off, a minimum spend)
    card_minimum_spend_not_met,      // the bill is below the offer's minimum spend
    card_redemption_not_found,       // an order names a redemption this store does not have
    card_redemption_used,            // the redemption discounts another order already, or was undone
    card_redemption_other_customer,  // the order's customer is not the card's holder
    order_not_closable,              // paid already, or not a WeChat Pay order: nothing to close
    bonus_config_refused,            // see `problems`: every reason the bonus configuration is unlawful or incomplete
    not_platform_operator,           // only platform operators may do this (docs/alliance.md)
    alliance_config_refused,         // see `problems`: every reason the pool configuration is unfunded or out of range
    not_in_alliance,                 // the store was not admitted to the alliance
    alliance_concession_refused,     // see `problems`: the concession or voucher share is out of range, or leaves the lock reward unfunded
    // Spending vouchers (docs/alliance.md, "Spending vouchers"):
    vouchers_not_accepted,           // the store is no alliance member with a concession in force
    vouchers_spending_off,           // the store lets vouchers pay nothing (voucher_max_bp 0)
    vouchers_over_order_maximum,     // more than the store's voucher_max_bp of the order
    vouchers_leave_nothing_to_pay,   // at least 1 fen is paid in money
    vouchers_over_balance,           // more than the buyer's spendable vouchers
    voucher_code_invalid,            // no live voucher code like that (unknown, replaced, used, expired)
    voucher_reservation_not_found,   // no such reservation at this store
    voucher_reservation_conflict,    // this merchant_order_id reserved other amounts, or for another customer
    voucher_reservation_expired,     // the reservation's hold ended (expired or cancelled): reserve again
    voucher_reservation_mismatch,    // the order does not match its reservation (amounts, customer, order id)
    voucher_reservation_confirmed,   // the reservation paid an order already: nothing to cancel
    voucher_codes_rate_limited,      // this store sent too many wrong voucher codes this minute
    // Supply orders (docs/alliance.md, "Supply orders"):
    supply_order_not_found,          // no such supply order (of this store)
    supply_reference_conflict,       // the store's reference names a supply order of another amount or description
    supply_order_not_open,           // paid, cancelled or refunded already (detail: its state)
    supply_order_not_paid,           // only a paid supply order can be refunded (detail: its state)
    supply_vouchers_over_maximum,    // more than the pool's supply_voucher_max_bp of the order
    supply_vouchers_over_balance,    // more than the store's spendable vouchers
    // Settling with stores (docs/alliance.md, "Settlement"):
    statement_not_found,             // no such statement
    statement_settled,               // settled already, with another transfer reference
    statement_period_invalid,        // the period is not a month like "2026-11"
    statement_period_open,           // the month has not closed yet (its end plus an hour)
    // Regions, promoters and centres (docs/promoters-and-centres.md):
    region_code_unknown,             // no county-level unit (or city without counties) has that code
    region_already_set,              // the store's region is set: only a platform operator changes it
    promoter_not_found,              // no such promoter
    not_promoter,                    // the caller is no promoter
    promoter_exists,                 // the user is a promoter already
    invite_code_unknown,             // no promoter has that invite code
    promoter_already_bound,          // the store has another promoter: only a platform operator changes it
    share_config_refused,            // see `problems`: the sharing configuration is out of range or gives away more than half
    centre_appointment_refused,      // see `problems`: territory, dates, rate, or a recruiting scheme
    centre_not_found,                // no such centre
    centre_contract_conflict,        // the contract reference names another appointment
    centre_end_invalid,              // an early end must fall within the contract's dates
    not_centre_contact,              // the caller reads no centre's statements
    share_statement_not_found,       // no such statement (of the caller's)
    share_statement_paid,            // paid already, with another payment reference
    share_statement_nothing_due,     // the statement pays nothing: there is nothing to mark paid
};
// The last value, for walking them all.
inline constexpr service_failure last_service_failure = service_failure::share_statement_nothing_due;

struct service_error {
    service_failure kind;
    std::vector<validation_problem> problems;  // invalid_tiers, invalid_card: every problem at once
    std::chrono::seconds retry_after{0};       // > 0: Retry-After
    std::string detail;                        // appended to the message (never secrets)
};

template <class T>
using service_result = result<T, service_error>;

inline service_error failure(service_failure kind) { return service_error{kind, {}, {}, {}}; }
inline service_error failure(service_failure kind, std::vector<validation_problem> problems) {
    return service_error{kind, std::move(problems), {}, {}};
}

}  // namespace sharedstore
