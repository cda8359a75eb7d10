#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace sharedstore;

TEST(metrics, counters_render_with_labels) {
    metrics_registry m;
    m.describe_counter("requests_total", "Requests.");
    m.increment("requests_total", {{"route", "/a"}, {"status", "200"}});
    m.increment("requests_total", {{"route", "/a"}, {"status", "200"}}, 2);
    m.increment("requests_total", {{"route", "/b\"x"}, {"status", "500"}});
    auto text = m.render();
    EXPECT_NE(text.find("# TYPE requests_total counter"), std::string::npos);
    EXPECT_NE(text.find("requests_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("requests_total{route=\"/b\\\"x\",status=\"500\"} 1\n"), std::string::npos) << text;
}

TEST(metrics, histogram_buckets_are_cumulative) {
    metrics_registry m;
    m.describe_histogram("latency_seconds", "Latency.", {0.1, 1});
    m.observe("latency_seconds", {{"route", "/a"}}, 0.05);
    m.observe("latency_seconds", {{"route", "/a"}}, 0.5);
    m.observe("latency_seconds", {{"route", "/a"}}, 5);
    auto text = m.render();
    EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("latency_seconds_count{route=\"/a\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("latency_seconds_sum{route=\"/a\"} 5.5"), std::string::npos) << text;
}

TEST(metrics, gauges_are_read_at_render_time) {
    metrics_registry m;
    int value = 1;
    m.describe_gauge("open", "Open.", [&value] { return std::vector<std::pair<metric_labels, double>>{{{}, double(value)}}; });
    EXPECT_NE(m.render().find("open 1\n"), std::string::npos);
    value = 7;
    EXPECT_NE(m.render().find("open 7\n"), std::string::npos);
}

TEST(metrics, undeclared_metric_is_a_programming_error) {
    metrics_registry m;
    EXPECT_THROW(m.increment("nope", {}), std::logic_error);
    EXPECT_THROW(m.observe("nope", {}, 1), std::logic_error);
}

TEST(metrics, process_gauges_read_proc) {
    metrics_registry m;
    describe_process_metrics(m);
    const auto text = m.render();
    auto value = [&](const std::string& name) {
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1.0 : std::strtod(text.c_str() + at + name.size() + 2, nullptr);
    };
    EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge"), std::string::npos) << text;
    EXPECT_GT(value("process_resident_memory_bytes"), 1024 * 1024) << text;
    EXPECT_GE(value("process_open_fds"), 3) << text;  // stdin, stdout, stderr at least
    EXPECT_GE(value("process_max_fds"), value("process_open_fds")) << text;
}
