#include "common/log.hpp"

#include "common/clock.hpp"

#include <boost/json/serialize.hpp>

namespace sharedstore {

bool parse_log_level(std::string_view text, log_level& out) {
    if (text == "debug") out = log_level::debug;
    else if (text == "info") out = log_level::info;
    else if (text == "warn") out = log_level::warn;
    else if (text == "error") out = log_level::error;
    else return false;
    return true;
}

static std::string_view level_name(log_level level) {
    switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "info";
}

logger::logger(log_level min_level, std::FILE* sink) : min_level_(min_level), sink_(sink) {}

void logger::write(log_level level, std::string_view event, boost::json::object fields) {
    if (!enabled(level)) return;
    boost::json::object line;
    line.reserve(fields.size() + 3);
    line["ts"] = format_rfc3339_utc(std::chrono::system_clock::now());
    line["level"] = level_name(level);
    line["event"] = event;
    for (auto& field : fields) line[field.key()] = std::move(field.value());
    std::string text = boost::json::serialize(line);
    text.push_back('\n');
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), sink_);
    std::fflush(sink_);
}

}  // namespace sharedstore
