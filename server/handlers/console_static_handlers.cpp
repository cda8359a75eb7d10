#include "server/handlers/console_static_handlers.hpp"

#include "common/log.hpp"
#include "server/handlers/api_services.hpp"
#include "server/http/api_error.hpp"
#include "server/http/static_files.hpp"

namespace sharedstore {

namespace asio = boost::asio;

namespace {

constexpr std::string_view immutable = "public, max-age=31536000, immutable";

http_response not_found(const http_request& request) { return error_response(404, "not_found", "no such endpoint", request.request_id); }

// If-None-Match names the file's current ETag (among a list, or "*"): the browser's copy is good.
bool still_fresh(const http_request& request, std::string_view etag) {
    auto given = request.header("if-none-match");
    if (!given) return false;
    std::string_view rest = *given;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        auto item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison (RFC 9110 section 13.1.2)
        if (item == "*" || item == etag) return true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
}

// Headers every console answer carries: the page may not be framed (its QR code is a login).
void protect(http_response& response) {
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Content-Security-Policy", "frame-ancestors 'none'");
    response.set_header("Referrer-Policy", "same-origin");
}

http_response file_response(const http_request& request, static_file file, std::string_view name, std::string_view cache_control) {
    http_response response;
    protect(response);
    response.set_header("Cache-Control", std::string(cache_control));
    response.set_header("ETag", file.etag);
    response.content_type = std::string(content_type_for(name));
    if (still_fresh(request, file.etag)) {
        response.status = 304;
        return response;
    }
    response.body = std::move(file.body);
    return response;
}

asio::awaitable<http_response> handle_console_file(const api_services& s, http_request& request, const caller&) {
    if (s.console_static_dir.empty()) co_return not_found(request);
    auto segments = static_path_segments(request.path_params.at("path"));
    if (!segments) co_return not_found(request);
    static_file file;
    if (!segments->empty()) {
        auto read = read_static_file(s.console_static_dir, *segments, max_console_file_bytes, file);
        if (read == static_read::too_large) {
            s.log.warn("console_file_too_large", {{"request_id", request.request_id}, {"limit_bytes", max_console_file_bytes}});
            co_return not_found(request);
        }
        if (read == static_read::found) {
            // Vite names what it puts under assets/ by content hash: a new build, new names.
            const bool hashed = segments->size() >= 2 && segments->front() == "assets";
            co_return file_response(request, std::move(file), segments->back(), hashed ? immutable : "no-cache");
        }
        // A missing file is a 404; a path without an extension is a page of the app.
        if (has_extension(segments->back())) co_return not_found(request);
    }
    const std::vector<std::string> index{"index.html"};
    if (read_static_file(s.console_static_dir, index, max_console_file_bytes, file) != static_read::found) co_return not_found(request);
    co_return file_response(request, std::move(file), "index.html", "no-cache");
}

asio::awaitable<http_response> handle_console_root(const api_services& s, http_request& request, const caller&) {
    if (s.console_static_dir.empty()) co_return not_found(request);
    http_response response;
    response.status = 308;
    response.set_header("Location", request.query.empty() ? "/console/" : "/console/?" + request.query);
    co_return response;
}

constexpr route table[] = {
    {"GET",  "/console",           route_access::none, handle_console_root},
    {"HEAD", "/console",           route_access::none, handle_console_root},
    {"GET",  "/console/{path...}", route_access::none, handle_console_file},
    {"HEAD", "/console/{path...}", route_access::none, handle_console_file},
};

}  // namespace

std::span<const route> console_static_routes() { return table; }

}  // namespace sharedstore
