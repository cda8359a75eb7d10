#pragma once
// The one mapping from the services' expected failures to HTTP statuses and stable codes
// (error_table.cpp, docs/errors.md), shared by every handler.
#include "server/http/api_error.hpp"
#include "server/services/service_error.hpp"

#include <optional>
#include <string_view>

namespace sharedstore {

api_error to_api_error(const service_error& e);

// A failure's row of the table; nullopt for a value without one (a unit test proves there is none).
struct error_mapping {
    int status;
    std::string_view code;
    std::string_view message;
};
std::optional<error_mapping> error_mapping_of(service_failure kind);

template <class T>
T& unwrap(service_result<T>& r) {
    if (!r) throw to_api_error(r.error());
    return r.value();
}

}  // namespace sharedstore
