#include "server/http/body_reader.hpp"

#include "server/http/api_error.hpp"

namespace sharedstore {

body_reader::body_reader(const http_request& request) : body_(require_json_object(request)) {}

std::string body_reader::required_string(std::string_view name, std::size_t min_length, std::size_t max_length) {
    read_.emplace(name);
    auto it = body_.find(name);
    if (it == body_.end()) throw api_error(400, "missing_field", std::string(name) + " is required");
    if (!it->value().is_string()) throw api_error(400, "invalid_field", std::string(name) + " must be a string");
    const auto& value = it->value().as_string();
    if (value.size() < min_length || value.size() > max_length)
        throw api_error(400, "invalid_field", std::string(name) + " must be " + std::to_string(min_length) + " to " +
                                                  std::to_string(max_length) + " bytes long");
    return std::string(value);
}

void body_reader::finish() const {
    for (const auto& [key, value] : body_)
        if (!read_.count(key)) throw api_error(400, "unknown_field", "unknown field " + std::string(key));
}

}  // namespace sharedstore
