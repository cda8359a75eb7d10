#include "server/http/body_reader.hpp"

#include "server/domain/rfc3339.hpp"

#include "common/utf8.hpp"
#include "server/http/api_error.hpp"
#include "server/http/request_params.hpp"

#include <cstdio>

namespace sharedstore {

body_reader::body_reader(const http_request& request) : body_(require_json_object(request)) {}

body_reader::body_reader(const boost::json::object& object, std::string prefix) : body_(object), prefix_(std::move(prefix)) {}

const boost::json::value* body_reader::find(std::string_view name) {
    read_.emplace(name);
    auto it = body_.find(name);
    return it == body_.end() || it->value().is_null() ? nullptr : &it->value();
}

std::string body_reader::required_string(std::string_view name, std::size_t min_length, std::size_t max_length, lines kind) {
    auto text = optional_string(name, min_length, max_length, kind);
    if (!text) throw api_error(400, "missing_field", field(name) + " is required");
    return *text;
}

std::optional<std::string> body_reader::optional_string(std::string_view name, std::size_t min_length, std::size_t max_length, lines kind) {
    const auto* value = find(name);
    if (!value) return std::nullopt;
    if (!value->is_string()) throw api_error(400, "invalid_field", field(name) + " must be a string");
    const auto& text = value->as_string();
    if (text.size() < min_length || text.size() > max_length)
        throw api_error(400, "invalid_field", field(name) + " must be " + std::to_string(min_length) + " to " +
                                                  std::to_string(max_length) + " bytes long");
    if (auto bad = first_control_character(text, kind == lines::multi)) {
        char code[16];
        std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(*bad));
        throw api_error(400, "invalid_field", field(name) + " contains the control character " + code);
    }
    return std::string(text);
}

std::optional<std::int64_t> body_reader::optional_int(std::string_view name, std::int64_t min, std::int64_t max) {
    const auto* value = find(name);
    if (!value) return std::nullopt;
    // Integers only: 1.0 or "1" is refused, never coerced (money and ratios are exact).
    if (!value->is_int64() && !value->is_uint64()) throw api_error(400, "invalid_field", field(name) + " must be an integer");
    if (value->is_uint64() && value->as_uint64() > static_cast<std::uint64_t>(max))
        throw api_error(400, "invalid_field", field(name) + " must be at most " + std::to_string(max));
    const auto number = value->is_int64() ? value->as_int64() : static_cast<std::int64_t>(value->as_uint64());
    if (number < min || number > max)
        throw api_error(400, "invalid_field", field(name) + " must be from " + std::to_string(min) + " to " + std::to_string(max));
    return number;
}

std::int64_t body_reader::required_int(std::string_view name, std::int64_t min, std::int64_t max) {
    auto number = optional_int(name, min, max);
    if (!number) throw api_error(400, "missing_field", field(name) + " is required");
    return *number;
}

std::optional<bool> body_reader::optional_bool(std::string_view name) {
    const auto* value = find(name);
    if (!value) return std::nullopt;
    if (!value->is_bool()) throw api_error(400, "invalid_field", field(name) + " must be true or false");
    return value->as_bool();
}

const boost::json::array& body_reader::required_array(std::string_view name, std::size_t max_items) {
    const auto* value = find(name);
    if (!value) throw api_error(400, "missing_field", field(name) + " is required");
    if (!value->is_array()) throw api_error(400, "invalid_field", field(name) + " must be an array");
    if (value->as_array().size() > max_items)
        throw api_error(400, "invalid_field", field(name) + " holds at most " + std::to_string(max_items) + " items");
    for (const auto& item : value->as_array())
        if (!item.is_object()) throw api_error(400, "invalid_field", field(name) + " must hold objects");
    return value->as_array();
}

std::vector<std::int64_t> body_reader::optional_int_array(std::string_view name, std::size_t max_items, std::int64_t min, std::int64_t max) {
    const auto* value = find(name);
    if (!value) return {};
    if (!value->is_array() || value->as_array().size() > max_items)
        throw api_error(400, "invalid_field", field(name) + " is an array of at most " + std::to_string(max_items) + " whole numbers");
    std::vector<std::int64_t> out;
    for (const auto& item : value->as_array()) {
        if (!item.is_int64() || item.as_int64() < min || item.as_int64() > max)
            throw api_error(400, "invalid_field", field(name) + " holds whole numbers from " + std::to_string(min) + " to " + std::to_string(max));
        out.push_back(item.as_int64());
    }
    return out;
}

const boost::json::object* body_reader::optional_object(std::string_view name) {
    const auto* value = find(name);
    if (!value) return nullptr;
    if (!value->is_object()) throw api_error(400, "invalid_field", field(name) + " must be an object");
    return &value->as_object();
}

void body_reader::finish() const {
    for (const auto& [key, value] : body_)
        if (!read_.count(key)) throw api_error(400, "unknown_field", "unknown field " + prefix_ + std::string(key));
}

std::pair<wall_time, wall_time> read_window(body_reader& body, std::chrono::hours fallback, std::chrono::hours longest) {
    auto at = [&](std::string_view name) -> std::optional<wall_time> {
        auto text = body.optional_string(name, 1, 40);
        if (!text) return std::nullopt;
        auto t = parse_rfc3339(*text);
        if (!t) throw api_error(400, "invalid_field", std::string(name) + " must be RFC 3339 with a zone");
        return *t;
    };
    const auto from = at("from"), given_to = at("to");
    const auto to = given_to.value_or(std::chrono::time_point_cast<wall_time::duration>(std::chrono::system_clock::now()));
    const auto start = from.value_or(to - fallback);
    if (to <= start || to - start > longest) throw api_error(400, "invalid_field", "to must be after from, at most 366 days later");
    return {start, to};
}

std::uint64_t body_reader::required_id(std::string_view name) {
    if (auto id = parse_decimal_id(required_string(name, 1, 20))) return *id;
    throw api_error(400, "invalid_field", field(name) + " must be an id (a decimal string)");
}

}  // namespace sharedstore
