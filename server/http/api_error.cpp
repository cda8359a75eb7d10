#include "server/http/api_error.hpp"

#include "common/dependency_error.hpp"
#include "common/json_duplicates.hpp"

#include <boost/json/parse.hpp>

#include <cctype>

namespace sharedstore {

boost::json::object error_body(std::string_view code, std::string_view message, std::string_view request_id) {
    boost::json::object error{{"code", code}, {"message", message}, {"request_id", request_id}};
    return boost::json::object{{"error", std::move(error)}};
}

http_response error_response(int status, std::string_view code, std::string_view message, std::string_view request_id) {
    return http_response::json(status, error_body(code, message, request_id));
}

http_response error_response(const api_error& e, std::string_view request_id) {
    auto body = error_body(e.code(), e.message(), request_id);
    if (!e.details.is_null()) body["error"].as_object()["details"] = e.details;
    auto response = http_response::json(e.status(), body);
    for (const auto& [name, value] : e.headers) response.set_header(name, value);
    return response;
}

http_response response_for_exception(std::exception_ptr error, const http_request& request, logger& log) {
    try {
        std::rethrow_exception(error);
    } catch (const api_error& e) {
        return error_response(e, request.request_id);
    } catch (const dependency_unavailable& e) {
        log.warn("dependency_unavailable", {{"request_id", request.request_id}, {"dependency", e.dependency()}, {"error", e.what()}});
        auto response = error_response(503, "dependency_unavailable", e.dependency() + " is unavailable, retry later", request.request_id);
        response.set_header("Retry-After", "1");
        return response;
    } catch (const std::exception& e) {
        log.error("unhandled_exception", {{"request_id", request.request_id}, {"route", request.route}, {"error", e.what()}});
    } catch (...) {
        log.error("unhandled_exception", {{"request_id", request.request_id}, {"route", request.route}, {"error", "non-standard exception"}});
    }
    return error_response(500, "internal_error", "internal error", request.request_id);
}

bool has_json_content_type(const http_request& request) {
    auto content_type = request.header("content-type");
    if (!content_type) return false;
    std::string_view type = *content_type;
    type = type.substr(0, type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    if (type.size() != 16) return false;
    for (std::size_t i = 0; i < type.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(type[i])) != "application/json"[i]) return false;
    return true;
}

boost::json::value parse_json_body(std::string_view body) {
    boost::json::parse_options options;
    options.max_depth = 32;
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec, {}, options);
    if (ec) throw api_error(400, "malformed_json", "request body is not valid JSON: " + ec.message());
    if (auto key = first_duplicate_key(body)) throw api_error(400, "invalid_body", "duplicate key " + *key + " in the body");
    return value;
}

const boost::json::object& require_json_object(const http_request& request) {
    if (!request.json) {
        if (!has_json_content_type(request)) throw api_error(415, "unsupported_media_type", "send the body as application/json");
        throw api_error(400, "invalid_body", "a JSON object body is required");
    }
    if (!request.json->is_object()) throw api_error(400, "invalid_body", "the body must be a JSON object");
    return request.json->as_object();
}

}  // namespace sharedstore
