#include "common/http/message.hpp"

#include <boost/json/serialize.hpp>

namespace sharedstore {

std::optional<std::string_view> http_request::header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_case_name) return std::string_view(value);
    return std::nullopt;
}

http_response http_response::json(int status, const boost::json::value& body) {
    http_response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = boost::json::serialize(body);
    return r;
}

http_response http_response::text(int status, std::string body, std::string content_type) {
    http_response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

void http_response::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers)
        if (n == name) {
            v = std::move(value);
            return;
        }
    headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace sharedstore
