#pragma once
// Money in: orders in the mini-program (/api/v1/orders), WeChat Pay notifications
// (/api/v1/wechat/pay/notify) and the store's POS callbacks (/api/v1/pos/...).
#include "common/http/router.hpp"
#include "server/services/order_service.hpp"
#include "server/services/pos_service.hpp"
#include "server/storage/session_store.hpp"
#include "wechat/pay/pay_notification.hpp"

namespace sharedstore {

// `verifier` null: WeChat Pay is off, and the notify endpoint answers 503.
void add_order_routes(router& routes, order_service& orders, pos_service& pos, session_store& sessions,
                      const wechat_pay::signature_verifier* verifier, logger& log);

}  // namespace sharedstore
