#pragma once
// The route table as text for tools and tests (`sharedstore routes`): one JSON object a line,
// {"method","pattern","access"}, in registration order, then the WebSocket endpoint, which the
// HTTP server hands to push/ before routing (it is no route, but it is part of the API).
// tests/contract/route_table_vs_spec.mjs compares these lines with docs/openapi.yaml.
#include "server/handlers/route.hpp"

#include <span>
#include <string>

namespace sharedstore {

std::string route_listing(std::span<const route> routes);

}  // namespace sharedstore
