#pragma once
// Strict reading of a JSON object body: each field read once with its type and limits checked,
// and finish() refuses any field nobody asked for. Failures are 400s with a stable code:
// `missing_field`, `invalid_field`, `unknown_field` (the message names the field).
#include "common/http/message.hpp"

#include <boost/json/object.hpp>

#include <set>
#include <string>
#include <string_view>

namespace sharedstore {

class body_reader {
public:
    explicit body_reader(const http_request& request);
    std::string required_string(std::string_view name, std::size_t min_length, std::size_t max_length);
    void finish() const;

private:
    const boost::json::object& body_;
    std::set<std::string, std::less<>> read_;
};

}  // namespace sharedstore
