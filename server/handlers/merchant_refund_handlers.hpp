#pragma once
// POST /api/v1/merchants/{id}/orders/{order}/refunds: a store refunds a WeChat Pay order
// (owner or manager; docs/api.md, "Refunds through WeChat Pay").
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> merchant_refund_routes();

}  // namespace sharedstore
