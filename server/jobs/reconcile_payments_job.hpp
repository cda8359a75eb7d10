#pragma once
// Asks WeChat Pay about orders unpaid longer than wechat_pay.reconcile_after_s (and younger than
// max_age) and applies what it says: WeChat Pay stops retrying a notification after about 24 h.
#include "server/jobs/job.hpp"
#include "server/services/order_service.hpp"

#include <memory>

namespace sharedstore {

std::unique_ptr<job> make_reconcile_payments_job(order_service& orders, std::chrono::seconds min_age, std::chrono::seconds max_age,
                                                 std::chrono::seconds close_after);

}  // namespace sharedstore
