#pragma once
// How orders and dividends look in answers (docs/api.md), shared by the order and report handlers.
#include "server/storage/order_repository.hpp"

#include <boost/json/object.hpp>

namespace sharedstore {

boost::json::object order_json(const order_record& order);
// As the partner sees it: the customer's phone masked.
boost::json::object dividend_json(const dividend_record& dividend);

}  // namespace sharedstore
