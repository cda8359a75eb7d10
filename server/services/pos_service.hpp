#pragma once
// The store's front-desk system (POS) reporting orders and refunds: signed with the store's API
// key (services/pos_signature.hpp), each nonce accepted once (Redis), idempotent on the POS's own
// ids, and applied through order_payments like any other payment.
#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "server/services/pos_signature.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/order_payments.hpp"
#include "server/storage/alliance_voucher_repository.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {


struct pos_order_input {
    std::string merchant_order_id;
    // The customer, by one of these (a customer unknown to us is recorded, without dividend).
    std::optional<std::uint64_t> user_id;
    std::string openid, phone;
    std::int64_t amount_fen = 0;
    std::optional<std::int64_t> profit_fen;
    std::chrono::system_clock::time_point paid_at;
    std::string paid_at_text;  // as sent: part of what makes a repeat "the same order"
    std::string category;
    std::optional<std::uint64_t> card_redemption_id;  // a card the desk redeemed for this order (card_orders.hpp)
    // Vouchers reserved for this sale (reserve_vouchers): amount_fen is then the money the desk
    // took, and amount_fen + voucher_fen the reservation's order total.
    std::optional<std::uint64_t> voucher_reservation_id;
    std::int64_t voucher_fen = 0;
};

// Step one of spending vouchers at the desk: the customer's code, the sale's own id and amounts.
struct voucher_reservation_input {
    std::string merchant_order_id;
    std::string code_digits;
    std::int64_t order_total_fen = 0;  // the sale before vouchers
    std::int64_t voucher_fen = 0;
};

struct voucher_reservation_result {
    voucher_reservation reservation;
    bool replayed = false;
};

struct pos_order_result {
    order_record order;
    std::optional<dividend_record> dividend;
    bool replayed = false;  // the same order reported again: nothing new was written
};

struct pos_refund_result {
    order_record order;
    std::int64_t reversed_fen = 0;
    bool replayed = false;
};

class pos_service {
public:
    pos_service(mysql_pool& database, redis_client& redis, std::string data_key, std::string appid, logger& log, outbox_signal outbox_written = {},
                const wall_clock& clock = system_clock_instance())
        : database_(database), redis_(redis), data_key_(std::move(data_key)), appid_(std::move(appid)), log_(log),
          outbox_written_(std::move(outbox_written)), clock_(clock) {}

    // The store the request speaks for, or why it is refused. The nonce is spent only once the
    // signature is good, so a forger cannot burn a real client's nonces.
    boost::asio::awaitable<service_result<std::uint64_t>> authenticate(pos_signed_request request);

    boost::asio::awaitable<service_result<pos_order_result>> record_order(std::uint64_t merchant_id, pos_order_input input);
    // Holds the customer's vouchers for the sale `merchant_order_id` until the order callback names
    // the reservation (confirmed in the order's transaction), the desk cancels it, or it expires.
    // The same sale reserved again answers the same reservation; after it ended, it reserves anew
    // (a new code).
    boost::asio::awaitable<service_result<voucher_reservation_result>> reserve_vouchers(std::uint64_t merchant_id, voucher_reservation_input input);
    // The vouchers come back; cancelling twice answers the same; a confirmed one is refused.
    boost::asio::awaitable<service_result<voucher_reservation_result>> cancel_voucher_reservation(std::uint64_t merchant_id,
                                                                                                 std::uint64_t reservation_id);

    boost::asio::awaitable<service_result<pos_refund_result>> record_refund(std::uint64_t merchant_id, std::string merchant_order_id,
                                                                             std::string merchant_refund_id, std::int64_t amount_fen);

private:
    mysql_pool& database_;
    redis_client& redis_;
    std::string data_key_;
    std::string appid_;
    logger& log_;
    outbox_signal outbox_written_;
    const wall_clock& clock_;
};

}  // namespace sharedstore
