#pragma once
// Every route the server answers, each with its declared access: the one list that `serve`
// registers, docs/access-control.md documents and tests/integration/access_control_test.cpp walks.
#include "common/http/router.hpp"
#include "server/handlers/api_services.hpp"
#include "server/handlers/route.hpp"
#include "server/http/access.hpp"

#include <vector>

namespace sharedstore {

// In registration order (the router's 405 label picks the first route of a path).
std::vector<route> api_routes();

// Registers api_routes() on `routes`, each behind the gate of its declared access.
// `services` and `auth` must outlive `routes`.
void add_api_routes(router& routes, const api_services& services, const authenticator& auth);

}  // namespace sharedstore
