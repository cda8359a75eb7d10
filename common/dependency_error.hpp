#pragma once
#include <stdexcept>
#include <string>

namespace sharedstore {

// A backing service (MariaDB, Redis, WeChat) cannot serve the request right now. The request
// boundary maps it to 503 with Retry-After; the message names the dependency, never its secrets.
class dependency_unavailable : public std::runtime_error {
public:
    dependency_unavailable(std::string dependency, const std::string& what)
        : std::runtime_error(what), dependency_(std::move(dependency)) {}
    const std::string& dependency() const { return dependency_; }

private:
    std::string dependency_;
};

}  // namespace sharedstore
