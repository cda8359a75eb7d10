#pragma once
// Cookies as the console uses them (RFC 6265): reading one from the request's Cookie headers and
// writing a Set-Cookie that is always HttpOnly and SameSite=Strict. Pure.
#include "common/http/message.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sharedstore {

// The value of the first cookie named `name` in the request's Cookie headers; nullopt when absent.
std::optional<std::string> cookie_value(const http_request& request, std::string_view name);

// "name=value; Path=path; Max-Age=N[; Secure]; HttpOnly; SameSite=Strict". `max_age` 0 with an
// empty value deletes the cookie.
std::string set_cookie(std::string_view name, std::string_view value, std::string_view path, std::chrono::seconds max_age, bool secure);

}  // namespace sharedstore
