#pragma once
// Reading WeChat Pay's JSON answers and notification resources field by field: a required field
// that is missing or of another type makes the whole decode fail (the caller returns nullopt).
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sharedstore::wechat_pay::json_fields {

inline const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

// A string field; a `required` one must be present and non-empty. Null counts as absent.
inline bool take_string(const boost::json::object& o, std::string_view key, std::string& out, bool required = true) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return !required;
    if (!it->value().is_string()) return false;
    out = std::string(it->value().as_string());
    return !required || !out.empty();
}

// A non-negative integer field (amounts in fen).
inline bool take_int(const boost::json::object& o, std::string_view key, std::int64_t& out, bool required = true) {
    auto it = o.find(key);
    if (it == o.end()) return !required;
    if (!it->value().is_int64() && !it->value().is_uint64()) return false;
    if (it->value().is_uint64() && it->value().as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return false;
    out = it->value().is_int64() ? it->value().as_int64() : static_cast<std::int64_t>(it->value().as_uint64());
    return out >= 0;
}

}  // namespace sharedstore::wechat_pay::json_fields
