#pragma once
// Strict reading of a JSON object body: each field read once with its type and limits checked,
// and finish() refuses any field nobody asked for. Failures are 400s with a stable code:
// `missing_field`, `invalid_field`, `unknown_field` (the message names the field).
#include "common/clock.hpp"
#include "common/http/message.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>

#include <set>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

namespace sharedstore {

class body_reader {
public:
    explicit body_reader(const http_request& request);
    // A nested object; field names in errors are prefixed ("tiers[2].").
    body_reader(const boost::json::object& object, std::string prefix);

    // Strings are one line of printable text: control characters, line separators and bidi
    // overrides are refused (common/utf8.hpp); `lines::multi` also lets line feeds through.
    enum class lines { single, multi };
    std::string required_string(std::string_view name, std::size_t min_length, std::size_t max_length, lines kind = lines::single);
    // Absent or null: nullopt.
    std::optional<std::string> optional_string(std::string_view name, std::size_t min_length, std::size_t max_length,
                                               lines kind = lines::single);
    std::int64_t required_int(std::string_view name, std::int64_t min, std::int64_t max);
    std::optional<std::int64_t> optional_int(std::string_view name, std::int64_t min, std::int64_t max);
    std::optional<bool> optional_bool(std::string_view name);
    // Ids in bodies are strings, as the API sends them: 400 invalid_field unless a decimal id.
    std::uint64_t required_id(std::string_view name);
    // An array of objects, 0..max_items long.
    const boost::json::array& required_array(std::string_view name, std::size_t max_items);
    // Whole numbers in [min, max], at most max_items of them; absent: empty.
    std::vector<std::int64_t> optional_int_array(std::string_view name, std::size_t max_items, std::int64_t min, std::int64_t max);
    // An object used as a map (keys chosen by the client); absent = nullptr.
    const boost::json::object* optional_object(std::string_view name);
    void finish() const;
    std::string field(std::string_view name) const { return prefix_ + std::string(name); }

private:
    const boost::json::value* find(std::string_view name);
    const boost::json::object& body_;
    std::string prefix_;
    std::set<std::string, std::less<>> read_;
};

// A what-if's window from the body's optional `from` and `to` (RFC 3339): to defaults to now,
// from to `fallback` before it; 400 invalid_field unless to is after from, at most `longest` later.
std::pair<wall_time, wall_time> read_window(body_reader& body, std::chrono::hours fallback, std::chrono::hours longest);

}  // namespace sharedstore
