#include "common/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace sharedstore {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    // "/a/b" -> {"a","b"}; "/" -> {""}; an empty segment ("/a//b", "/a/") is kept so it never matches.
    std::vector<std::string_view> parts;
    if (path.empty() || path.front() != '/') return parts;
    path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return false;
        out.push_back(c);
    }
    return true;
}

void router::add(std::string method, std::string pattern, route_handler handler) {
    auto parts = split_path(pattern);
    if (parts.empty()) throw std::invalid_argument("route pattern must start with '/': " + pattern);
    route r{std::move(method), pattern, {}, std::move(handler)};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto part = parts[i];
        if (part.size() > 5 && part.front() == '{' && part.ends_with("...}")) {
            if (i + 1 != parts.size()) throw std::invalid_argument("a {name...} segment must be the last: " + pattern);
            r.segments.push_back({true, std::string(part.substr(1, part.size() - 5)), true});
        } else if (part.size() >= 2 && part.front() == '{' && part.back() == '}')
            r.segments.push_back({true, std::string(part.substr(1, part.size() - 2))});
        else if (part.find_first_of("{}") != std::string_view::npos)
            throw std::invalid_argument("malformed route pattern: " + pattern);
        else
            r.segments.push_back({false, std::string(part)});
    }
    for (const auto& existing : routes_) {
        if (existing.method != r.method || existing.segments.size() != r.segments.size()) continue;
        bool same = std::equal(existing.segments.begin(), existing.segments.end(), r.segments.begin(),
                               [](const segment& a, const segment& b) {
                                   return a.is_param == b.is_param && a.is_tail == b.is_tail && (a.is_param || a.text == b.text);
                               });
        if (same) throw std::invalid_argument("duplicate route: " + r.method + " " + pattern);
    }
    routes_.push_back(std::move(r));
}

route_match router::match(std::string_view method, std::string_view path) const {
    route_match result;
    const auto parts = split_path(path);
    if (parts.empty()) return result;
    std::vector<std::string> allowed;
    // Literal segments beat parameters: of the routes that match, take the one whose first
    // differing segment is literal ("/me" before "/{id}"). A route of the path's own length beats
    // a {rest...} route; of two of those, the longer prefix wins.
    const route* best = nullptr;
    std::map<std::string, std::string> best_params;
    auto is_tail_route = [](const route& r) { return r.segments.back().is_tail; };
    auto more_specific = [&](const route& a, const route& b) {
        if (is_tail_route(a) != is_tail_route(b)) return !is_tail_route(a);
        if (a.segments.size() != b.segments.size()) return a.segments.size() > b.segments.size();
        for (std::size_t i = 0; i < a.segments.size(); ++i)
            if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
        return false;
    };
    for (const auto& r : routes_) {
        const bool tail = is_tail_route(r);
        if (tail ? parts.size() < r.segments.size() : r.segments.size() != parts.size()) continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (std::size_t i = 0; i < r.segments.size() && ok; ++i) {
            const auto& seg = r.segments[i];
            if (seg.is_tail) {
                // Views into `path`: the rest runs from this part to the end, slashes included.
                params[seg.text] = std::string(parts[i].data(), path.data() + path.size() - parts[i].data());
            } else if (seg.is_param) {
                std::string decoded;
                ok = !parts[i].empty() && percent_decode(parts[i], decoded);
                if (ok) params[seg.text] = std::move(decoded);
            } else {
                ok = seg.text == parts[i];
            }
        }
        if (!ok) continue;
        if (r.method != method) {
            if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
            if (!best && result.pattern.empty()) result.pattern = r.pattern;
            continue;
        }
        if (!best || more_specific(r, *best)) {
            best = &r;
            best_params = std::move(params);
        }
    }
    if (best) {
        result.outcome = route_outcome::found;
        result.handler = &best->handler;
        result.pattern = best->pattern;
        result.params = std::move(best_params);
        return result;
    }
    if (!allowed.empty()) {
        std::sort(allowed.begin(), allowed.end());
        result.outcome = route_outcome::method_not_allowed;
        for (const auto& m : allowed) result.allow += (result.allow.empty() ? "" : ", ") + m;
        return result;
    }
    result.pattern.clear();
    return result;
}

}  // namespace sharedstore
