#include "server/services/order_service.hpp"

#include "common/clock.hpp"
#include "common/dependency_error.hpp"
#include "common/random_token.hpp"
#include "server/services/member_journey.hpp"
#include "server/services/member_pricing.hpp"
#include "server/services/card_orders.hpp"
#include "server/services/pay_numbers.hpp"
#include "server/services/alliance_voucher_spending.hpp"
#include "server/domain/card_templates.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/merchant_refund_repository.hpp"
#include "server/storage/merchant_repository.hpp"
#include "server/storage/partner_repository.hpp"
#include "server/storage/user_repository.hpp"


#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;

namespace {


// An order the mini-program's user places (no POS fields; stored value buys purchases only), at
// the price member_pricing gave it.
new_order buyer_order(const order_request& request, std::uint64_t buyer, payment_source source, const std::string& out_trade_no,
                      const priced_order& priced, std::int64_t card_discount_fen) {
    return new_order{.merchant_id = request.merchant_id,
                     .source = source,
                     .kind = request.kind,
                     .out_trade_no = out_trade_no,
                     .merchant_order_id = "",
                     .pos_content_sha256 = "",
                     .customer_user_id = buyer,
                     .description = request.description,
                     .category = "",
                     .amount_fen = priced.amount_fen,
                     .pos_profit_fen = std::nullopt,
                     .member = priced.member,
                     .card_redemption_id = request.card_redemption_id,
                     .card_discount_fen = card_discount_fen,
                     .voucher_fen = request.voucher_fen};
}

// The discount of the card redemption the order names (none: 0), checked as card_customer_for_order checks it.
service_result<std::int64_t> card_discount_for(mysql_connection& db, const order_request& r, std::uint64_t buyer) {
    if (!r.card_redemption_id) return std::int64_t{0};
    auto card = card_customer_for_order(db, r.merchant_id, *r.card_redemption_id, buyer);
    if (!card) return card.error();
    return card.value().discount_fen;
}

member_order_request member_request(const order_request& r, std::uint64_t buyer) {
    return member_order_request{.merchant_id = r.merchant_id,
                                .buyer_user_id = buyer,
                                .kind = r.kind,
                                .pay_with = r.pay_with,
                                .amount_fen = r.amount_fen,
                                .offer_id = r.offer_id,
                                .points = r.points,
                                .voucher_fen = r.voucher_fen};
}

// The order's voucher part, checked before its row is written (a failure writes nothing) and held
// once it is (the check's locks keep it holdable).
std::optional<service_error> check_order_vouchers(mysql_connection& db, const order_request& r, std::uint64_t buyer, const priced_order& priced,
                                                  std::chrono::system_clock::time_point now) {
    if (r.voucher_fen <= 0) return std::nullopt;
    return check_voucher_part(db, r.merchant_id, buyer, priced.amount_fen + r.voucher_fen, r.voucher_fen, now);
}

void hold_order_vouchers(mysql_connection& db, const order_request& r, std::uint64_t buyer, const priced_order& priced, std::uint64_t order_id,
                         std::chrono::system_clock::time_point now) {
    if (r.voucher_fen <= 0) return;
    if (hold_vouchers_for(db, r.merchant_id, buyer, priced.amount_fen + r.voucher_fen, r.voucher_fen, voucher_hold_owner{order_id, std::nullopt}, now))
        throw std::logic_error("vouchers checked in this transaction could not be held");
}

struct prepared_wechat_order {
    std::uint64_t order_id = 0;
    std::string out_trade_no, openid;
    std::int64_t amount_fen = 0;
};

}  // namespace

asio::awaitable<service_result<created_order>> order_service::create(std::uint64_t buyer, order_request request) {
    if (request.pay_with == payment_source::wechat_pay && !pay_) co_return failure(service_failure::payments_unavailable);
    const auto now = clock_.now();
    if (request.pay_with == payment_source::stored_value || request.pay_with == payment_source::prepaid) {
        // Paid at once from the buyer's balance: the account rows are locked, so concurrent spends
        // queue and none can take a balance below zero.
        auto pay = [=](mysql_connection& db) -> service_result<created_order> {
            if (!find_merchant(db, request.merchant_id)) return failure(service_failure::merchant_not_found);
            auto priced = price_member_order(db, member_request(request, buyer), now);
            if (!priced) return priced.error();
            if (request.pay_with == payment_source::stored_value) {
                const account_ref balance_account{account_kind::stored_value, buyer};
                if (account_balance(db, request.merchant_id, balance_account, true) < priced.value().amount_fen)
                    return failure(service_failure::insufficient_stored_value);
            }
            auto card_discount = card_discount_for(db, request, buyer);
            if (!card_discount) return card_discount.error();
            if (auto refused = check_order_vouchers(db, request, buyer, priced.value(), now)) return *refused;
            const auto id = insert_order(db, buyer_order(request, buyer, request.pay_with, "", priced.value(), card_discount.value()));
            if (request.card_redemption_id) attach_card_to_order(db, *request.card_redemption_id, id);
            hold_order_vouchers(db, request, buyer, priced.value(), id, now);
            auto applied = apply_order_paid(db, id, now, "");
            return created_order{std::move(applied.order), std::nullopt, std::move(applied.dividend)};
        };
        auto paid = co_await database_.transaction(std::move(pay));
        if (paid) signal_outbox();  // a dividend, a level reached: reminders may be waiting
        co_return paid;
    }

    auto prepare = [=](mysql_connection& db) -> service_result<prepared_wechat_order> {
        if (!find_merchant(db, request.merchant_id)) return failure(service_failure::merchant_not_found);
        if (request.kind == order_kind::buy_in) {
            auto versions = list_tier_versions(db, request.merchant_id, 1);
            if (versions.empty()) return failure(service_failure::no_tiers);
            auto partner = find_partner_by_user(db, request.merchant_id, buyer);
            if (partner && partner->status == partner_status::ended) return failure(service_failure::partner_ended);
            // A first buy-in reaches the lowest tier; a top-up may be any amount.
            if (!partner && !tier_for_total_buy_in(versions.front().tiers, request.amount_fen)) return failure(service_failure::below_lowest_tier);
            if (auto refused = check_partner_requires_member(db, request.merchant_id, buyer)) return *refused;
        }
        priced_order priced{request.amount_fen, {}};
        if (request.kind != order_kind::buy_in) {
            auto member_priced = price_member_order(db, member_request(request, buyer), now);
            if (!member_priced) return member_priced.error();
            priced = member_priced.value();
        }
        auto card_discount = card_discount_for(db, request, buyer);
        if (!card_discount) return card_discount.error();
        if (auto refused = check_order_vouchers(db, request, buyer, priced, now)) return *refused;
        auto user = find_user(db, buyer);
        prepared_wechat_order prepared{0, new_pay_number("SS"), user ? user->openid : "", priced.amount_fen};
        prepared.order_id =
            insert_order(db, buyer_order(request, buyer, payment_source::wechat_pay, prepared.out_trade_no, priced, card_discount.value()));
        if (request.card_redemption_id) attach_card_to_order(db, *request.card_redemption_id, prepared.order_id);
        // Paid later: its points are held until it is paid or closed (docs/members.md).
        if (priced.member.points_used > 0) hold_points_for_order(db, request.merchant_id, buyer, prepared.order_id, priced.member.points_used, now);
        hold_order_vouchers(db, request, buyer, priced, prepared.order_id, now);
        return prepared;
    };
    auto prepared = co_await database_.transaction(std::move(prepare));
    if (!prepared) co_return prepared.error();

    wechat_pay::jsapi_order jsapi{prepared.value().out_trade_no, request.description, prepared.value().amount_fen, prepared.value().openid, ""};
    auto prepay = co_await pay_->jsapi_prepay(std::move(jsapi));
    if (!prepay) {
        // The order stays `created`; reconciliation finds WeChat Pay never had it.
        log_.warn("wechat_prepay_failed", {{"order_id", prepared.value().order_id}, {"status", prepay.error().http_status}, {"code", prepay.error().code}});
        co_return failure(service_failure::wechat_pay_failed);
    }
    const auto order_id = prepared.value().order_id;
    auto save = [order_id, prepay_id = prepay.value()](mysql_connection& db) {
        set_order_payment_ids(db, order_id, "", prepay_id);
        return *find_order(db, order_id);
    };
    auto order = co_await database_.transaction(std::move(save));
    co_return created_order{std::move(order), pay_->payment_params(prepay.value()), std::nullopt};
}

asio::awaitable<service_result<order_record>> order_service::my_order(std::uint64_t buyer, std::uint64_t order_id) {
    auto read = [=](mysql_connection& db) -> service_result<order_record> {
        auto order = find_order(db, order_id);
        // Someone else's order does not exist for the caller.
        if (!order || order->customer_user_id != buyer) return failure(service_failure::order_not_found);
        return *order;
    };
    co_return co_await database_.run(std::move(read));
}

asio::awaitable<notification_result> order_service::apply_notification(wechat_pay::notification n) {
    if (auto* t = std::get_if<wechat_pay::transaction_info>(&n.resource)) {
        auto transaction = std::move(*t);
        co_return co_await apply_payment(std::move(transaction));
    }
    auto refund = std::get<wechat_pay::refund_info>(std::move(n.resource));
    if (n.event_type != "REFUND.SUCCESS") {
        // REFUND.CLOSED failed and REFUND.ABNORMAL is not final: nothing moved. A store's own
        // request that closed no longer holds its amount back.
        log_.info("wechat_refund_not_applied", {{"event_type", n.event_type}, {"refund_id", refund.refund_id}});
        if (n.event_type == "REFUND.CLOSED") {
            auto close = [no = refund.out_refund_no, id = refund.refund_id](mysql_connection& db) {
                finish_merchant_refund(db, no, refund_request_status::failed, id, "REFUND_CLOSED");
            };
            co_await database_.transaction(std::move(close));
        }
        co_return notification_result{notification_outcome::ignored, "nothing to apply for " + n.event_type};
    }
    co_return co_await apply_wechat_refund(std::move(refund));
}

asio::awaitable<notification_result> order_service::apply_payment(wechat_pay::transaction_info t) {
    if (t.trade_state != "SUCCESS") co_return notification_result{notification_outcome::ignored, "trade_state " + t.trade_state};
    const auto paid_at = parse_rfc3339(t.success_time);
    if (!paid_at) co_return notification_result{notification_outcome::refused, "success_time is not RFC 3339"};
    const auto& config = pay_->config();
    auto apply = [=, &config](mysql_connection& db) -> notification_result {
        auto order = find_order_by_out_trade_no(db, t.out_trade_no, true);
        std::string problem;
        if (!order) problem = "no order " + t.out_trade_no;
        else if (t.appid != config.appid || t.mchid != config.mchid) problem = "appid or mchid is not ours";
        else if (t.total != order->amount_fen) problem = "amount " + std::to_string(t.total) + " but the order is " + std::to_string(order->amount_fen);
        else if (order->transaction_id.size() && order->transaction_id != t.transaction_id) problem = "the order was paid by another transaction";
        else {
            auto buyer = order->customer_user_id ? find_user(db, *order->customer_user_id) : std::nullopt;
            if (!buyer || buyer->openid != t.payer_openid) problem = "the payer is not the order's buyer";
        }
        if (!problem.empty()) {
            // Genuine (signed by WeChat Pay) but not what we ordered: kept for the merchant, not applied.
            record_payment_anomaly(db, order ? std::optional(order->merchant_id) : std::nullopt, order ? std::optional(order->id) : std::nullopt,
                                   payment_anomaly_kind::payment_mismatch, t.transaction_id, problem);
            return {notification_outcome::refused, problem};
        }
        auto applied = apply_order_paid(db, order->id, *paid_at, t.transaction_id);
        return {applied.outcome == payment_outcome::applied ? notification_outcome::applied : notification_outcome::already_applied, ""};
    };
    auto result = co_await database_.transaction(std::move(apply));
    if (result.outcome == notification_outcome::applied) signal_outbox();
    if (result.outcome == notification_outcome::refused) log_.warn("wechat_payment_refused", {{"out_trade_no", t.out_trade_no}, {"reason", result.message}});
    co_return result;
}

asio::awaitable<notification_result> order_service::apply_wechat_refund(wechat_pay::refund_info f) {
    const auto now = clock_.now();
    auto apply = [=](mysql_connection& db) -> notification_result {
        // Locked from the first read: the refund lookup then sees a copy of this notification
        // committed by a concurrent delivery (a plain first read would fix an older snapshot).
        auto order = find_order_by_out_trade_no(db, f.out_trade_no, true);
        if (!order) {
            record_payment_anomaly(db, std::nullopt, std::nullopt, payment_anomaly_kind::refund_unknown_order, f.refund_id, "no order " + f.out_trade_no);
            return {notification_outcome::refused, "no order " + f.out_trade_no};
        }
        auto applied = apply_order_refund(db, order->id, "wechat_pay", f.refund_id, f.refund, now);
        const bool recorded = applied.outcome == refund_outcome::applied || applied.outcome == refund_outcome::already_applied;
        // In the same transaction: the request stops holding its amount back as the refund counts.
        if (recorded && !f.out_refund_no.empty()) finish_merchant_refund(db, f.out_refund_no, refund_request_status::succeeded, f.refund_id, "");
        switch (applied.outcome) {
        case refund_outcome::applied: return {notification_outcome::applied, ""};
        case refund_outcome::already_applied: return {notification_outcome::already_applied, ""};
        case refund_outcome::conflict:
            record_payment_anomaly(db, order->merchant_id, order->id, payment_anomaly_kind::refund_conflict, f.refund_id,
                                   "refund id already recorded for another order or amount");
            return {notification_outcome::refused, "the refund id was recorded for another order or amount"};
        // Its payment notification has not been applied yet: WeChat Pay will send this again.
        case refund_outcome::order_not_paid: return {notification_outcome::retry_later, "the order is not paid yet"};
        case refund_outcome::exceeds_order:
            record_payment_anomaly(db, order->merchant_id, order->id, payment_anomaly_kind::refund_exceeds_order, f.refund_id,
                                   "refund of " + std::to_string(f.refund) + " exceeds what is left of " + std::to_string(order->amount_fen));
            return {notification_outcome::refused, "the refund exceeds the order"};
        }
        return {notification_outcome::refused, "unknown"};
    };
    auto result = co_await database_.transaction(std::move(apply));
    if (result.outcome == notification_outcome::applied) signal_outbox();
    co_return result;
}

asio::awaitable<reconcile_report> order_service::reconcile(std::chrono::seconds min_age, std::chrono::seconds max_age,
                                                           std::chrono::seconds close_after) {
    reconcile_report report;
    if (!pay_) co_return report;
    const auto now = clock_.now();
    const auto from = format_sql_datetime_utc(now - max_age), to = format_sql_datetime_utc(now - min_age);
    auto list = [=](mysql_connection& db) { return list_unpaid_wechat_orders(db, from, to, 1000); };
    auto orders = co_await database_.run(std::move(list));
    for (const auto& order : orders) {
        ++report.checked;
        if (close_after.count() > 0 && order.created_at <= now - close_after) {
            const auto outcome = co_await close_unpaid(order);
            if (outcome == close_outcome::closed) ++report.closed;
            else if (outcome == close_outcome::paid) ++report.applied;
            else ++report.failed;
            continue;
        }
        auto no = order.out_trade_no;
        auto answer = co_await pay_->query_by_out_trade_no(std::move(no));
        if (!answer) {
            ++report.failed;
            log_.warn("reconcile_query_failed", {{"order_id", order.id}, {"code", answer.error().code}});
            continue;
        }
        if (!answer.value() || answer.value()->trade_state != "SUCCESS") {
            ++report.still_unpaid;
            continue;
        }
        auto transaction = *answer.value();
        auto applied = co_await apply_payment(std::move(transaction));
        if (applied.outcome == notification_outcome::applied) ++report.applied;
        else if (applied.outcome != notification_outcome::already_applied) ++report.failed;
        log_.info("reconcile_order", {{"order_id", order.id}, {"outcome", static_cast<int>(applied.outcome)}, {"message", applied.message}});
    }
    co_return report;
}

asio::awaitable<order_service::close_outcome> order_service::close_unpaid(order_record order) {
    // Asked first: a payment WeChat Pay took is applied, never closed over.
    auto no = order.out_trade_no;
    auto answer = co_await pay_->query_by_out_trade_no(std::move(no));
    if (!answer) {
        log_.warn("close_query_failed", {{"order_id", order.id}, {"code", answer.error().code}});
        co_return close_outcome::failed;
    }
    if (answer.value() && (answer.value()->trade_state == "SUCCESS" || answer.value()->trade_state == "REFUND")) {
        auto transaction = *answer.value();
        auto applied = co_await apply_payment(std::move(transaction));
        const bool ok = applied.outcome == notification_outcome::applied || applied.outcome == notification_outcome::already_applied;
        co_return ok ? close_outcome::paid : close_outcome::failed;
    }
    if (!answer.value() && order.created_at > clock_.now() - std::chrono::minutes(5)) {
        // Unknown to WeChat Pay yet: its prepay may still be on the way. Closed here only once it
        // is surely not coming (reconcile-payments after close_unpaid_after_s).
        co_return close_outcome::failed;
    }
    if (answer.value()) {
        // Closed there before it is closed here: once WeChat Pay has closed it, it cannot be paid.
        auto close_no = order.out_trade_no;
        auto closed = co_await pay_->close_order(std::move(close_no));
        if (!closed) {
            // ORDERPAID: paid between the two calls; the notification (or the next run) applies it.
            log_.warn("close_order_failed", {{"order_id", order.id}, {"code", closed.error().code}});
            co_return close_outcome::failed;
        }
    }
    const auto at = clock_.now();
    auto close = [id = order.id, at](mysql_connection& db) {
        auto locked = find_order(db, id, true);
        if (!locked || locked->status != order_status::created) return false;
        mark_order_closed(db, id, format_sql_datetime_utc(at));
        release_held_points(db, id, at);
        if (locked->voucher_fen > 0) release_vouchers(db, lock_order_voucher_holds(db, id), at);
        if (locked->card_redemption_id) detach_card_from_order(db, *locked->card_redemption_id, id);
        return true;
    };
    const bool closed_here = co_await database_.transaction(std::move(close));
    log_.info("order_closed", {{"order_id", order.id}, {"closed_here", closed_here}});
    co_return close_outcome::closed;
}

asio::awaitable<service_result<order_record>> order_service::close_my_order(std::uint64_t buyer_user_id, std::uint64_t order_id) {
    auto find = [=](mysql_connection& db) { return find_order(db, order_id); };
    auto order = co_await database_.run(std::move(find));
    if (!order || order->customer_user_id != buyer_user_id) co_return failure(service_failure::order_not_found);
    if (order->status == order_status::closed) co_return *order;  // closing twice answers the same
    if (order->status != order_status::created || order->source != payment_source::wechat_pay || !pay_)
        co_return failure(service_failure::order_not_closable);
    const auto outcome = co_await close_unpaid(*order);
    if (outcome == close_outcome::failed) co_return failure(service_failure::wechat_pay_failed);
    if (outcome == close_outcome::paid) signal_outbox();
    auto reread = [=](mysql_connection& db) { return *find_order(db, order_id); };
    auto ended = co_await database_.run(std::move(reread));
    co_return ended;
}

}  // namespace sharedstore
