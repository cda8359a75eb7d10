#pragma once
// API errors: the stable codes of docs/errors.md and the one function that turns any failure
// inside a request into a JSON response. Handlers throw api_error (or return its response) for
// expected failures; anything else becomes a 500 that tells an attacker nothing.
#include "common/log.hpp"
#include "common/http/message.hpp"

#include <boost/json/value.hpp>

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace sharedstore {

class api_error : public std::exception {
public:
    api_error(int status, std::string code, std::string message)
        : status_(status), code_(std::move(code)), message_(std::move(message)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::string& message() const { return message_; }
    const char* what() const noexcept override { return message_.c_str(); }

    // Extra response headers such as Retry-After.
    std::vector<std::pair<std::string, std::string>> headers;
    // Machine-readable detail, sent as error.details (e.g. every validation problem of a form).
    boost::json::value details;

private:
    int status_;
    std::string code_;
    std::string message_;
};

// {"error":{"code":..,"message":..,"request_id":..}}, for responses that add fields beside it.
boost::json::object error_body(std::string_view code, std::string_view message, std::string_view request_id);

// error_body() as a response with that status.
http_response error_response(int status, std::string_view code, std::string_view message, std::string_view request_id);

// An api_error as the response the request boundary would make of it (details, headers), for
// code that returns a refusal rather than throwing it.
http_response error_response(const api_error& error, std::string_view request_id);

// The request boundary: maps an exception to a response and logs what operators need (the
// internal detail goes to the log, never to the client).
http_response response_for_exception(std::exception_ptr error, const http_request& request, logger& log);

// True when the request declares a JSON body (application/json, any parameters).
bool has_json_content_type(const http_request& request);

// Parses a JSON request body strictly (depth 32, no comments or trailing commas): anything else
// is a 400 `malformed_json`. The pipeline calls it for every JSON request before routing.
boost::json::value parse_json_body(std::string_view body);

// For handlers that need a JSON object body: 415 `unsupported_media_type` without a JSON
// Content-Type, 400 `invalid_body` when the body is not an object.
const boost::json::object& require_json_object(const http_request& request);

}  // namespace sharedstore
