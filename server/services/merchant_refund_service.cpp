#include "server/services/merchant_refund_service.hpp"

#include "server/storage/ledger_repository.hpp"

#include "common/random_token.hpp"
#include "server/services/pay_numbers.hpp"
#include "server/storage/order_repository.hpp"

#include <algorithm>
#include <cctype>

namespace sharedstore {

namespace asio = boost::asio;

namespace {


struct recorded {
    merchant_refund_record refund;
    bool replayed = false;
    std::string out_trade_no;
    std::int64_t total_fen = 0;
};

}  // namespace

asio::awaitable<service_result<merchant_refund_outcome>> merchant_refund_service::refund(merchant_refund_request in) {
    if (!pay_) co_return failure(service_failure::payments_unavailable);
    auto record = [in](mysql_connection& db) -> service_result<recorded> {
        if (auto denied = check_store_access(db, in.merchant_id, in.caller, {staff_role::owner, staff_role::manager})) return *denied;
        // The order's row lock queues every refund of it, so what is left is read after the others committed.
        auto order = find_order(db, in.order_id, true);
        if (!order || order->merchant_id != in.merchant_id) return failure(service_failure::order_not_found);
        if (auto earlier = find_merchant_refund_by_request(db, in.merchant_id, in.request_id)) {
            if (earlier->order_id != in.order_id || earlier->amount_fen != in.amount_fen || earlier->reason != in.reason)
                return failure(service_failure::request_id_reused);
            return recorded{*earlier, true, order->out_trade_no, order->amount_fen};
        }
        if (order->source != payment_source::wechat_pay) return failure(service_failure::refund_not_wechat_pay);
        if (order->status != order_status::paid) return failure(service_failure::order_not_paid);
        if (in.amount_fen > order->amount_fen - order->refunded_fen - processing_refund_total(db, order->id))
            return failure(service_failure::refund_exceeds_order);
        if (order->kind == order_kind::top_up && order->customer_user_id) {
            // Refunding pre-stored value returns the principal left, never the bonus or what was
            // spent (docs/members.md): the member's principal bucket, locked, less refunds in flight.
            const auto left = account_balance(db, in.merchant_id, {account_kind::prepaid_principal, *order->customer_user_id}, true) -
                              processing_refund_total(db, order->id);
            if (in.amount_fen > left) {
                auto refused = failure(service_failure::refund_beyond_principal);
                refused.problems.push_back({"amount_fen", "beyond_principal", "the member has " + std::to_string(std::max<std::int64_t>(left, 0)) +
                                                                                  " fen of principal left to refund"});
                return refused;
            }
        }
        merchant_refund_record r;
        r.merchant_id = in.merchant_id;
        r.order_id = in.order_id;
        r.requested_by_user_id = in.caller;
        r.request_id = in.request_id;
        r.out_refund_no = new_pay_number("RF");
        r.reason = in.reason;
        r.amount_fen = in.amount_fen;
        r.status = refund_request_status::processing;
        insert_merchant_refund(db, r);
        return recorded{*find_merchant_refund_by_out_refund_no(db, r.out_refund_no), false, order->out_trade_no, order->amount_fen};
    };
    // Duplicates at once for two orders of the store race on the request_id key: run again, the
    // loser finds the winner's row.
    auto outcome = co_await database_.transaction(std::move(record), mysql_pool::conflicts::rerun_on_duplicate_key);
    if (!outcome) co_return outcome.error();
    auto done = std::move(outcome.value());
    if (done.replayed) {
        if (done.refund.status == refund_request_status::processing) co_await follow_up(done.refund, done.out_trade_no, done.total_fen);
    } else {
        co_await submit(done.refund, done.out_trade_no, done.total_fen);
    }
    auto now = co_await reload(done.refund.merchant_id, done.refund.request_id);
    co_return merchant_refund_outcome{std::move(now), done.replayed};
}

asio::awaitable<void> merchant_refund_service::submit(const merchant_refund_record& r, std::string out_trade_no, std::int64_t total_fen) {
    wechat_pay::refund_request request{out_trade_no, r.out_refund_no, r.reason, r.amount_fen, total_fen};
    auto answer = co_await pay_->create_refund(std::move(request));
    if (answer) {
        co_await apply_state(r, answer.value());
        co_return;
    }
    const auto& e = answer.error();
    log_.warn("wechat_refund_failed", {{"out_refund_no", r.out_refund_no}, {"status", e.http_status}, {"code", e.code}});
    // A 4xx is WeChat Pay's final word on this request (it refunds nothing); anything else is
    // unclear and stays processing: a replay asks again with the same out_refund_no.
    if (e.http_status >= 400 && e.http_status < 500 && e.code != "bad_answer_signature") {
        auto fail = [no = r.out_refund_no, code = e.code](mysql_connection& db) { finish_merchant_refund(db, no, refund_request_status::failed, "", code); };
        co_await database_.transaction(std::move(fail));
    }
}

asio::awaitable<void> merchant_refund_service::follow_up(const merchant_refund_record& r, std::string out_trade_no, std::int64_t total_fen) {
    auto no = r.out_refund_no;
    auto state = co_await pay_->query_refund(std::move(no));
    if (!state) co_return;  // unclear: the next replay or the notification settles it
    if (!state.value()) {
        // WeChat Pay never got it (our call was lost on the way): ask again, the same refund.
        co_await submit(r, std::move(out_trade_no), total_fen);
        co_return;
    }
    co_await apply_state(r, *state.value());
}

asio::awaitable<void> merchant_refund_service::apply_state(const merchant_refund_record& r, const wechat_pay::refund_state& state) {
    if (state.status == "SUCCESS") {
        // The same path as the notification: applied once per refund_id, whichever comes first.
        wechat_pay::refund_info info;
        info.out_trade_no = state.out_trade_no;
        info.transaction_id = state.transaction_id;
        info.refund_id = state.refund_id;
        info.out_refund_no = r.out_refund_no;
        info.refund_status = state.status;
        info.refund = state.refund_fen;
        info.total = state.total_fen;
        auto applied = co_await orders_.apply_wechat_refund(std::move(info));
        if (applied.outcome == notification_outcome::refused || applied.outcome == notification_outcome::retry_later)
            log_.warn("merchant_refund_not_applied", {{"out_refund_no", r.out_refund_no}, {"reason", applied.message}});
        co_return;
    }
    auto record = [no = r.out_refund_no, state](mysql_connection& db) {
        if (state.status == "CLOSED") finish_merchant_refund(db, no, refund_request_status::failed, state.refund_id, "REFUND_CLOSED");
        else set_merchant_refund_wechat_id(db, no, state.refund_id);  // PROCESSING, ABNORMAL: not final
    };
    co_await database_.transaction(std::move(record));
}

asio::awaitable<merchant_refund_record> merchant_refund_service::reload(std::uint64_t merchant_id, std::string request_id) {
    auto read = [merchant_id, request_id](mysql_connection& db) { return *find_merchant_refund_by_request(db, merchant_id, request_id); };
    co_return co_await database_.transaction(std::move(read));
}

}  // namespace sharedstore
