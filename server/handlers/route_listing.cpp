#include "server/handlers/route_listing.hpp"

#include "push/push_endpoint.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sharedstore {

std::string route_listing(std::span<const route> routes) {
    std::string out;
    auto line = [&out](std::string_view method, std::string_view pattern, std::string_view access, std::string_view endpoint) {
        boost::json::object row{{"method", method}, {"pattern", pattern}, {"access", access}};
        if (!endpoint.empty()) row["endpoint"] = endpoint;
        out += boost::json::serialize(row);
        out += '\n';
    };
    for (const auto& r : routes) line(r.method, r.pattern, to_string(r.required), "");
    // The upgrade checks the same bearer session as user_session routes (docs/websocket.md).
    line("GET", push_endpoint::path, to_string(route_access::user_session), "websocket");
    return out;
}

}  // namespace sharedstore
