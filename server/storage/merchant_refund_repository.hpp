#pragma once
// Refunds a store asked WeChat Pay for (schema/0009): the request, its out_refund_no, and what
// WeChat Pay said. Blocking: call inside a mysql_pool transaction. The money itself moves through
// apply_order_refund (order_payments.hpp).
#include "common/mysql_connection.hpp"
#include "server/domain/order_vocabulary.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sharedstore {

struct merchant_refund_record {
    std::uint64_t id = 0, merchant_id = 0, order_id = 0, requested_by_user_id = 0;
    std::string request_id, out_refund_no, reason, wechat_refund_id, failure_code;
    std::chrono::system_clock::time_point created_at;
    refund_request_status status = refund_request_status::processing;
    std::int64_t amount_fen = 0;
};

// Locking reads: they see rows a concurrent duplicate committed, whatever this transaction read before.
std::optional<merchant_refund_record> find_merchant_refund_by_request(mysql_connection& db, std::uint64_t merchant_id,
                                                                      const std::string& request_id);
std::optional<merchant_refund_record> find_merchant_refund_by_out_refund_no(mysql_connection& db, const std::string& out_refund_no);
// Amounts of the order's refunds still 'processing': held back from what is left to refund.
std::int64_t processing_refund_total(mysql_connection& db, std::uint64_t order_id);
std::uint64_t insert_merchant_refund(mysql_connection& db, const merchant_refund_record& r);
// 'succeeded' with WeChat's refund id, or 'failed' with its code; a final row is left alone.
void finish_merchant_refund(mysql_connection& db, const std::string& out_refund_no, refund_request_status status,
                            const std::string& wechat_refund_id, const std::string& failure_code);
void set_merchant_refund_wechat_id(mysql_connection& db, const std::string& out_refund_no, const std::string& wechat_refund_id);

}  // namespace sharedstore
