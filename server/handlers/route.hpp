#pragma once
// One line of the route table: method, pattern, declared access, named handler. Each area file
// (merchant_handlers.cpp, ...) holds its table; api_routes.hpp gathers them.
#include "server/http/access.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace sharedstore {

struct api_services;

// Runs after the pipeline established `who` as the route's access requires.
using route_function = boost::asio::awaitable<http_response> (*)(const api_services& services, http_request& request, const caller& who);

struct route {
    std::string_view method;
    std::string_view pattern;
    route_access required;
    route_function handler;
};

}  // namespace sharedstore
