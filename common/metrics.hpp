#pragma once
// A small Prometheus registry: counters and histograms keyed by a label set, plus gauges read
// from callbacks at scrape time. Label values are escaped here; callers keep cardinality bounded
// (route patterns, never raw paths).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sharedstore {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

class metrics_registry {
public:
    void describe_counter(const std::string& name, const std::string& help);
    void describe_histogram(const std::string& name, const std::string& help, std::vector<double> bucket_bounds);
    void describe_gauge(const std::string& name, const std::string& help, std::function<std::vector<std::pair<metric_labels, double>>()> read);

    void increment(const std::string& name, const metric_labels& labels, std::uint64_t delta = 1);
    void observe(const std::string& name, const metric_labels& labels, double value);

    // Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    struct histogram_series {
        std::vector<std::uint64_t> bucket_counts;  // cumulative at render time, per bucket here
        std::uint64_t count = 0;
        double sum = 0;
    };
    struct family {
        std::string help;
        std::string type;
        std::vector<double> bounds;
        std::map<std::string, std::uint64_t> counters;           // rendered labels -> value
        std::map<std::string, histogram_series> histograms;      // rendered labels -> series
        std::function<std::vector<std::pair<metric_labels, double>>()> gauge_reader;
    };

    mutable std::mutex mutex_;
    std::map<std::string, family> families_;
};

std::string render_labels(const metric_labels& labels);

// The standard process gauges of Prometheus client libraries, read from /proc at scrape time
// (Linux): process_resident_memory_bytes, process_open_fds and process_max_fds (the soft
// open-file limit). A value that cannot be read is left out.
void describe_process_metrics(metrics_registry& metrics);

}  // namespace sharedstore
