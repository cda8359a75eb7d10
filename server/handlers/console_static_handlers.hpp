#pragma once
// The merchant console's files at /console/ (docs/console-login.md, "Serving the console"):
// GET and HEAD /console/{path...}, and /console itself redirected to /console/.
#include "server/handlers/route.hpp"

#include <span>

namespace sharedstore {

std::span<const route> console_static_routes();

// Largest file served (a console build's biggest chunk is well under 2 MiB).
inline constexpr std::size_t max_console_file_bytes = 16 * 1024 * 1024;

}  // namespace sharedstore
