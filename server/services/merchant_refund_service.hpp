#pragma once
// Refunds a store's owner or manager makes of a WeChat Pay order: recorded once per request_id,
// asked of WeChat Pay under our own out_refund_no, and applied through the one refund path
// (order_service::apply_wechat_refund, keyed by WeChat's refund_id) by whichever tells us first:
// the refund API's answer, the REFUND.SUCCESS notification, or a query.
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "server/services/merchant_service.hpp"
#include "server/services/order_service.hpp"
#include "server/storage/merchant_refund_repository.hpp"
#include "wechat/pay/pay_client.hpp"

#include <boost/asio/awaitable.hpp>

namespace sharedstore {

struct merchant_refund_request {
    std::uint64_t merchant_id = 0, order_id = 0, caller = 0;
    std::string request_id, reason;
    std::int64_t amount_fen = 0;
};

struct merchant_refund_outcome {
    merchant_refund_record refund;  // as it stands after this call
    bool replayed = false;          // the request_id was recorded before: nothing new was asked
};

class merchant_refund_service {
public:
    // `pay` null: WeChat Pay is off (payments_unavailable).
    merchant_refund_service(mysql_pool& database, order_service& orders, wechat_pay::pay_client* pay, logger& log)
        : database_(database), orders_(orders), pay_(pay), log_(log) {}

    boost::asio::awaitable<service_result<merchant_refund_outcome>> refund(merchant_refund_request request);

private:
    // Asks WeChat Pay (again: the same out_refund_no refunds once) and applies what it says.
    boost::asio::awaitable<void> submit(const merchant_refund_record& r, std::string out_trade_no, std::int64_t total_fen);
    // A replayed refund still processing: asks WeChat Pay where it stands, resubmits if unknown there.
    boost::asio::awaitable<void> follow_up(const merchant_refund_record& r, std::string out_trade_no, std::int64_t total_fen);
    boost::asio::awaitable<void> apply_state(const merchant_refund_record& r, const wechat_pay::refund_state& state);
    boost::asio::awaitable<merchant_refund_record> reload(std::uint64_t merchant_id, std::string request_id);

    mysql_pool& database_;
    order_service& orders_;
    wechat_pay::pay_client* pay_;
    logger& log_;
};

}  // namespace sharedstore
