#pragma once
// Beast-free request and response types: handlers, the router and tests see only these, so
// Beast stays inside http_server.cpp.
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sharedstore {

struct http_request {
    std::string method;  // upper case, e.g. "GET"
    std::string target;  // as received: path and query
    std::string path;    // target before '?', not decoded
    std::string query;   // target after '?', not decoded
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;
    std::string remote_address;
    std::string request_id;                          // set by the pipeline
    std::string route;                               // matched route pattern, for metrics and logs
    std::map<std::string, std::string> path_params;  // percent-decoded
    // The body parsed by the pipeline when Content-Type is application/json (absent otherwise).
    std::optional<boost::json::value> json;

    // First header with that name (give it in lower case).
    std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

struct http_response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    static http_response json(int status, const boost::json::value& body);
    static http_response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
    void set_header(std::string name, std::string value);
};

}  // namespace sharedstore
