#pragma once
// /api/v1/merchants: create a store, read it, its staff, and its versioned share tiers.
#include "common/http/router.hpp"
#include "server/http/api_error.hpp"
#include "server/services/merchant_service.hpp"
#include "server/storage/session_store.hpp"

namespace sharedstore {

// Shared with the other /api/v1/merchants/{merchant_id}/... handlers (pos_key_handlers):
// a decimal path id, or a 404 `<what>_not_found`.
std::uint64_t id_param(const http_request& request, const std::string& name, const char* what);
// The HTTP status and code of each merchant_failure (docs/errors.md).
api_error to_api_error(const merchant_error& e);

template <class T>
T& unwrap(merchant_result<T>& r) {
    if (!r) throw to_api_error(r.error());
    return r.value();
}

void add_merchant_routes(router& routes, merchant_service& merchants, session_store& sessions);

}  // namespace sharedstore
