#pragma once
// The one mapping from the services' expected failures to HTTP statuses and stable codes
// (docs/errors.md), shared by every handler.
#include "server/http/api_error.hpp"
#include "server/services/merchant_service.hpp"

namespace sharedstore {

api_error to_api_error(const merchant_error& e);

template <class T>
T& unwrap(merchant_result<T>& r) {
    if (!r) throw to_api_error(r.error());
    return r.value();
}

}  // namespace sharedstore
