#pragma once
// Structured logging: one JSON object a line, written whole (no interleaving between threads).
#include <boost/json/object.hpp>

#include <cstdio>
#include <mutex>
#include <string_view>

namespace sharedstore {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug" | "info" | "warn" | "error"; returns false on anything else.
bool parse_log_level(std::string_view text, log_level& out);

class logger {
public:
    explicit logger(log_level min_level = log_level::info, std::FILE* sink = stderr);

    bool enabled(log_level level) const { return level >= min_level_; }
    // `fields` must never hold a secret: callers pass only what may be read by operators.
    void write(log_level level, std::string_view event, boost::json::object fields = {});
    void debug(std::string_view event, boost::json::object fields = {}) { write(log_level::debug, event, std::move(fields)); }
    void info(std::string_view event, boost::json::object fields = {}) { write(log_level::info, event, std::move(fields)); }
    void warn(std::string_view event, boost::json::object fields = {}) { write(log_level::warn, event, std::move(fields)); }
    void error(std::string_view event, boost::json::object fields = {}) { write(log_level::error, event, std::move(fields)); }

private:
    log_level min_level_;
    std::FILE* sink_;
    std::mutex mutex_;
};

}  // namespace sharedstore
