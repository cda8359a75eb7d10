#pragma once
// Method + path routing with `{name}` segments, e.g. "/api/v1/merchants/{id}/tiers", and a last
// `{name...}` segment that takes the rest of the path, e.g. "/console/{path...}" (static files).
// Tells an unknown path (404) from a known path with another method (405 + Allow).
#include "common/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

using route_handler = std::function<boost::asio::awaitable<http_response>(http_request&)>;

enum class route_outcome { found, method_not_allowed, not_found };

struct route_match {
    route_outcome outcome = route_outcome::not_found;
    const route_handler* handler = nullptr;  // when found
    std::string pattern;                     // when found or method_not_allowed
    // `{name}`: the segment percent-decoded. `{name...}`: the rest of the path as received, not
    // decoded (its reader decides what '/', %2F and ".." mean there).
    std::map<std::string, std::string> params;
    std::string allow;  // when method_not_allowed: "GET, POST"
};

class router {
public:
    // Throws std::invalid_argument on a malformed pattern or a duplicate route (a programming error).
    void add(std::string method, std::string pattern, route_handler handler);
    route_match match(std::string_view method, std::string_view path) const;

private:
    struct segment {
        bool is_param;
        std::string text;  // literal text, or the parameter's name
        bool is_tail = false;  // `{name...}`: the rest of the path, one or more segments
    };
    struct route {
        std::string method;
        std::string pattern;
        std::vector<segment> segments;
        route_handler handler;
    };
    std::vector<route> routes_;
};

// Decodes %XX and rejects malformed escapes and NUL; '+' stays '+' (this is a path, not a form).
bool percent_decode(std::string_view in, std::string& out);

}  // namespace sharedstore
