#pragma once
// Path ids and list queries, read the same way by every handler: a malformed id names nothing
// (404), a malformed query is a 400 `invalid_query`.
#include "common/http/message.hpp"
#include "server/domain/share_tiers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

namespace sharedstore {

// The caller's address without its port (what per-address rate limits count).
std::string client_address(const http_request& request);

// "123" -> 123; nullopt for anything but a positive decimal without sign or spaces.
std::optional<std::uint64_t> parse_decimal_id(std::string_view text);

// A decimal id from the path (the API sends ids as strings); anything else is 404 `<what>_not_found`.
// Both names are views, not strings: a std::string temporary written inside a co_await expression
// is destroyed twice by GCC 12 (docs/coroutines.md), and handlers call this inside co_await.
std::uint64_t id_param(const http_request& request, std::string_view name, std::string_view what);

// ?limit=1..100 (default 20), ?cursor= as handed out in next_cursor, and the named filters;
// any other parameter is refused.
struct list_query {
    int limit = 20;
    std::uint64_t before_id = 0;  // 0: the first page
    std::map<std::string, std::string, std::less<>> filters;

    // A filter that names an id; 400 when it is not one.
    std::optional<std::uint64_t> id_filter(std::string_view name) const;
    // A filter limited to some values; 400 otherwise.
    std::optional<std::string> choice_filter(std::string_view name, std::initializer_list<std::string_view> allowed) const;
};
list_query read_list_query(const http_request& request, std::initializer_list<std::string_view> filter_names = {});

// ?from=&to= as RFC 3339, to after from, at most 366 days: SQL DATETIME text in UTC (from, to).
std::pair<std::string, std::string> read_period(const list_query& query);

// Cursors are opaque to clients: "c" and the last id of the page; null when nothing follows.
// Callers fetch limit + 1 rows to know whether a next page exists.
boost::json::value next_cursor(bool more, std::uint64_t last_id);

// A list answer, {"items","next_cursor"}, from up to limit + 1 rows fetched newest first.
template <class Row, class ToJson, class IdOf>
boost::json::object page_json(const std::vector<Row>& rows, int limit, ToJson to_json, IdOf id_of) {
    boost::json::array items;
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) items.push_back(to_json(rows[i]));
    const bool more = static_cast<int>(rows.size()) > limit;
    return boost::json::object{{"items", std::move(items)}, {"next_cursor", next_cursor(more, more ? id_of(rows[limit - 1]) : 0)}};
}
// The same for rows whose cursor is their `id`.
template <class Row, class ToJson>
boost::json::object page_json(const std::vector<Row>& rows, int limit, ToJson to_json) {
    return page_json(rows, limit, to_json, [](const Row& row) { return row.id; });
}

// Validation problems as error details: [{"field","code","message"}].
boost::json::array problems_json(const std::vector<validation_problem>& problems);

}  // namespace sharedstore
