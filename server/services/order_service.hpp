#pragma once
// Orders in the mini-program (WeChat Pay JSAPI or the buyer's stored value), WeChat Pay
// notifications, and the reconciliation that asks WeChat Pay about orders whose notification
// never came. Every path that makes an order paid goes through order_payments.
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/order_payments.hpp"
#include "wechat/pay/pay_client.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct order_request {
    std::uint64_t merchant_id = 0;
    std::int64_t amount_fen = 0;
    std::string description;
    order_kind kind = order_kind::purchase;
    // How the buyer pays: WeChat Pay, their tier stored value at the store, or their pre-stored
    // value (top-up packages); the POS has its own path.
    payment_source pay_with = payment_source::wechat_pay;
    // top_up, membership: the package or product (its price is the amount). purchase: amount_fen is
    // the listed price; the member's level discount and `points` come off it (docs/members.md).
    std::optional<std::uint64_t> offer_id;
    std::int64_t points = 0;
    std::optional<std::uint64_t> card_redemption_id;  // a card the desk redeemed for this purchase (card_orders.hpp)
    // A purchase at an alliance store: this much paid with the buyer's vouchers, the rest in money
    // (held until a WeChat Pay order is paid or closed; docs/alliance.md, "Spending vouchers").
    std::int64_t voucher_fen = 0;
};

struct created_order {
    order_record order;
    std::optional<wechat_pay::js_payment_params> payment;  // for wx.requestPayment (pay_with wechat)
    std::optional<dividend_record> dividend;                // paid at once (stored value) and earning one
};

// What the notify endpoint answers (docs/api.md, "WeChat Pay notifications"): applied or already applied -> 204;
// refused -> 4xx (a genuine notification that does not match our order: logged as an anomaly);
// retry_later -> 5xx, WeChat Pay sends it again.
enum class notification_outcome { applied, already_applied, ignored, refused, retry_later };

struct notification_result {
    notification_outcome outcome;
    std::string message;
};

struct reconcile_report {
    int checked = 0, applied = 0, still_unpaid = 0, closed = 0, failed = 0;
};

class order_service {
public:
    // `pay` null: WeChat Pay is off (pay_with wechat is refused).
    order_service(mysql_pool& database, wechat_pay::pay_client* pay, logger& log, outbox_signal outbox_written = {},
                  const wall_clock& clock = system_clock_instance())
        : database_(database), pay_(pay), log_(log), outbox_written_(std::move(outbox_written)), clock_(clock) {}

    boost::asio::awaitable<service_result<created_order>> create(std::uint64_t buyer_user_id, order_request request);
    // The buyer's own order (polling after wx.requestPayment).
    boost::asio::awaitable<service_result<order_record>> my_order(std::uint64_t buyer_user_id, std::uint64_t order_id);

    boost::asio::awaitable<notification_result> apply_notification(wechat_pay::notification notification);
    // A refund WeChat Pay says succeeded (notification, refund answer or query): applied once per
    // refund_id; a store's own refund request (merchant_refunds) becomes 'succeeded' with it.
    boost::asio::awaitable<notification_result> apply_wechat_refund(wechat_pay::refund_info refund);

    // Orders of WeChat Pay unpaid for longer than `min_age` (and younger than `max_age`): asked
    // about one by one, and applied through the notification's code path when WeChat Pay says paid.
    // Those older than `close_after` that WeChat Pay has not seen paid are closed there and here
    // (close_unpaid). `close_after` zero: none is closed.
    boost::asio::awaitable<reconcile_report> reconcile(std::chrono::seconds min_age, std::chrono::seconds max_age,
                                                       std::chrono::seconds close_after = std::chrono::seconds(0));
    // The buyer gives up an unpaid WeChat Pay order: closed at WeChat Pay, then here, releasing
    // what it held (points back to their lots, a card redemption free for another order). Paid at
    // WeChat Pay meanwhile: the payment is applied instead. Answers the order as it ends.
    boost::asio::awaitable<service_result<order_record>> close_my_order(std::uint64_t buyer_user_id, std::uint64_t order_id);

private:
    boost::asio::awaitable<notification_result> apply_payment(wechat_pay::transaction_info transaction);
    enum class close_outcome { closed, paid, failed };
    boost::asio::awaitable<close_outcome> close_unpaid(order_record order);

    void signal_outbox() const {
        if (outbox_written_) outbox_written_();
    }

    mysql_pool& database_;
    wechat_pay::pay_client* pay_;
    logger& log_;
    outbox_signal outbox_written_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
