#include "server/http/request_params.hpp"

#include "common/clock.hpp"
#include "server/domain/rfc3339.hpp"
#include "server/http/api_error.hpp"

#include <boost/json/object.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>
#include <set>

namespace sharedstore {

namespace json = boost::json;

std::string client_address(const http_request& request) {
    // host:port -> host (IPv6 remote addresses are bracket-free "a:b::c:port": cut at the last colon).
    auto colon = request.remote_address.rfind(':');
    return colon == std::string::npos ? request.remote_address : request.remote_address.substr(0, colon);
}

std::optional<std::uint64_t> parse_decimal_id(std::string_view text) {
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
    return id;
}

std::uint64_t id_param(const http_request& request, std::string_view name, std::string_view what) {
    if (auto id = parse_decimal_id(request.path_params.at(std::string(name)))) return *id;
    throw api_error(404, std::string(what) + "_not_found", "no such " + std::string(what));
}

std::optional<std::uint64_t> list_query::id_filter(std::string_view name) const {
    auto it = filters.find(name);
    if (it == filters.end()) return std::nullopt;
    if (auto id = parse_decimal_id(it->second)) return id;
    throw api_error(400, "invalid_query", std::string(name) + " must be an id");
}

std::optional<std::string> list_query::choice_filter(std::string_view name, std::initializer_list<std::string_view> allowed) const {
    auto it = filters.find(name);
    if (it == filters.end()) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), it->second) == allowed.end())
        throw api_error(400, "invalid_query", std::string(name) + " has an unknown value");
    return it->second;
}

list_query read_list_query(const http_request& request, std::initializer_list<std::string_view> filter_names) {
    list_query query;
    auto params = boost::urls::parse_query(request.query);
    if (!params) throw api_error(400, "invalid_query", "the query string is malformed");
    std::set<std::string, std::less<>> seen;
    for (auto param : *params) {
        const std::string value = param.value.decode();
        const std::string key = param.key.decode();
        // ?limit=1&limit=2: which one a proxy or a cache keyed on is anybody's guess.
        if (!seen.insert(key).second) throw api_error(400, "invalid_query", "repeated query parameter " + key);
        if (key == "limit") {
            int limit = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
            if (ec != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 100)
                throw api_error(400, "invalid_query", "limit is 1 to 100");
            query.limit = limit;
        } else if (key == "cursor") {
            auto id = value.size() > 1 && value[0] == 'c' ? parse_decimal_id(std::string_view(value).substr(1)) : std::nullopt;
            if (!id) throw api_error(400, "invalid_query", "unknown cursor");
            query.before_id = *id;
        } else if (std::find(filter_names.begin(), filter_names.end(), key) != filter_names.end()) {
            query.filters.emplace(key, value);
        } else {
            throw api_error(400, "invalid_query", "unknown query parameter " + key);
        }
    }
    return query;
}

json::value next_cursor(bool more, std::uint64_t last_id) {
    return more ? json::value("c" + std::to_string(last_id)) : json::value(nullptr);
}

json::array problems_json(const std::vector<validation_problem>& problems) {
    json::array out;
    for (const auto& p : problems) out.push_back(json::object{{"field", p.field}, {"code", p.code}, {"message", p.message}});
    return out;
}

std::pair<std::string, std::string> read_period(const list_query& query) {
    auto text = [&](std::string_view name) {
        auto it = query.filters.find(name);
        if (it == query.filters.end()) throw api_error(400, "invalid_query", std::string(name) + " is required (RFC 3339)");
        auto t = parse_rfc3339(it->second);
        if (!t) throw api_error(400, "invalid_query", std::string(name) + " must be RFC 3339 with a zone");
        return *t;
    };
    const auto from = text("from"), to = text("to");
    if (to <= from || to - from > std::chrono::hours(24 * 366)) throw api_error(400, "invalid_query", "to must be after from, at most 366 days later");
    return {format_sql_datetime_utc(from), format_sql_datetime_utc(to)};
}

}  // namespace sharedstore
