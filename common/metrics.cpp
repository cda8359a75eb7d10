#include "common/metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace sharedstore {

static std::string escape_label_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out.push_back(c);
    }
    return out;
}

std::string render_labels(const metric_labels& labels) {
    std::string out;
    for (const auto& [key, value] : labels) {
        if (!out.empty()) out.push_back(',');
        out += key;
        out += "=\"";
        out += escape_label_value(value);
        out.push_back('"');
    }
    return out;
}

// Shortest of %.15g and %.17g that reads back exactly: "0.1", not "0.10000000000000001".
static std::string format_number(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.15g", value);
    if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

void metrics_registry::describe_counter(const std::string& name, const std::string& help) {
    std::lock_guard lock(mutex_);
    auto& f = families_[name];
    f.help = help;
    f.type = "counter";
}

void metrics_registry::describe_histogram(const std::string& name, const std::string& help, std::vector<double> bucket_bounds) {
    std::lock_guard lock(mutex_);
    auto& f = families_[name];
    f.help = help;
    f.type = "histogram";
    f.bounds = std::move(bucket_bounds);
}

void metrics_registry::describe_gauge(const std::string& name, const std::string& help,
                                      std::function<std::vector<std::pair<metric_labels, double>>()> read) {
    std::lock_guard lock(mutex_);
    auto& f = families_[name];
    f.help = help;
    f.type = "gauge";
    f.gauge_reader = std::move(read);
}

void metrics_registry::increment(const std::string& name, const metric_labels& labels, std::uint64_t delta) {
    auto key = render_labels(labels);
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end() || it->second.type != "counter") throw std::logic_error("undeclared counter " + name);
    it->second.counters[key] += delta;
}

void metrics_registry::observe(const std::string& name, const metric_labels& labels, double value) {
    auto key = render_labels(labels);
    std::lock_guard lock(mutex_);
    auto it = families_.find(name);
    if (it == families_.end() || it->second.type != "histogram") throw std::logic_error("undeclared histogram " + name);
    auto& f = it->second;
    auto& series = f.histograms[key];
    if (series.bucket_counts.empty()) series.bucket_counts.assign(f.bounds.size(), 0);
    for (std::size_t i = 0; i < f.bounds.size(); ++i) {
        if (value <= f.bounds[i]) {
            ++series.bucket_counts[i];
            break;
        }
    }
    ++series.count;
    series.sum += value;
}

std::string metrics_registry::render() const {
    // Gauge readers may take other locks (pool state): call them outside our mutex.
    std::vector<std::pair<std::string, std::function<std::vector<std::pair<metric_labels, double>>()>>> readers;
    std::string out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, f] : families_) {
            if (f.type == "gauge") {
                readers.emplace_back(name, f.gauge_reader);
                continue;
            }
            out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
            if (f.type == "counter") {
                for (const auto& [labels, value] : f.counters)
                    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
            } else {
                for (const auto& [labels, series] : f.histograms) {
                    std::uint64_t cumulative = 0;
                    const std::string prefix = labels.empty() ? "" : labels + ",";
                    for (std::size_t i = 0; i < f.bounds.size(); ++i) {
                        cumulative += series.bucket_counts[i];
                        out += name + "_bucket{" + prefix + "le=\"" + format_number(f.bounds[i]) + "\"} " +
                               std::to_string(cumulative) + "\n";
                    }
                    out += name + "_bucket{" + prefix + "le=\"+Inf\"} " + std::to_string(series.count) + "\n";
                    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
                    out += name + "_sum" + braces + " " + format_number(series.sum) + "\n";
                    out += name + "_count" + braces + " " + std::to_string(series.count) + "\n";
                }
            }
        }
    }
    for (const auto& [name, reader] : readers) {
        std::string help;
        {
            std::lock_guard lock(mutex_);
            help = families_.at(name).help;
        }
        out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
        for (const auto& [labels, value] : reader()) {
            auto rendered = render_labels(labels);
            out += name + (rendered.empty() ? "" : "{" + rendered + "}") + " " + format_number(value) + "\n";
        }
    }
    return out;
}

namespace {

using gauge_values = std::vector<std::pair<metric_labels, double>>;

gauge_values one_value(std::optional<double> value) {
    if (!value) return {};
    return {{{}, *value}};
}

// The second field of /proc/self/statm: resident pages.
std::optional<double> resident_memory_bytes() {
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm) return std::nullopt;
    long long size = 0, resident = 0;
    const bool read = std::fscanf(statm, "%lld %lld", &size, &resident) == 2;
    std::fclose(statm);
    if (!read) return std::nullopt;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Entries of /proc/self/fd, less the one this listing holds open.
std::optional<double> open_fds() {
    DIR* fds = opendir("/proc/self/fd");
    if (!fds) return std::nullopt;
    long long count = 0;
    while (const dirent* entry = readdir(fds))
        if (entry->d_name[0] != '.') ++count;
    closedir(fds);
    return static_cast<double>(count - 1);
}

std::optional<double> max_fds() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
    return static_cast<double>(limit.rlim_cur);
}

}  // namespace

void describe_process_metrics(metrics_registry& metrics) {
    metrics.describe_gauge("process_resident_memory_bytes", "Resident memory size in bytes.", [] { return one_value(resident_memory_bytes()); });
    metrics.describe_gauge("process_open_fds", "Number of open file descriptors.", [] { return one_value(open_fds()); });
    metrics.describe_gauge("process_max_fds", "Maximum number of open file descriptors.", [] { return one_value(max_fds()); });
}

}  // namespace sharedstore
