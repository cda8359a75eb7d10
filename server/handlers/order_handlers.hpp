#pragma once
// Money in: orders in the mini-program (/api/v1/orders), WeChat Pay notifications
// (/api/v1/wechat/pay/notify) and the store's POS callbacks (/api/v1/pos/...).
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> order_routes();

}  // namespace sharedstore
