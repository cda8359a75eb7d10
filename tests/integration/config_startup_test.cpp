// A wrong configuration stops the binary at once with one clear line that names the key.
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/test_environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

struct outcome {
    int exit_code;
    std::string output;
};

outcome run_binary(std::vector<std::string> args, environment_changes env) {
    args.insert(args.begin(), SHAREDSTORE_BINARY);
    child_process process(std::move(args), std::move(env), make_temp_dir("config") + "/out.log");
    auto code = process.wait_exit(15s);
    if (!code) throw std::runtime_error("binary did not exit");
    return {*code, process.output()};
}

TEST(config_startup, bad_value_stops_serve_with_one_line_naming_the_key) {
    auto result = run_binary({"serve", "--config", test_config_path()}, {{"SHAREDSTORE_MYSQL_PORT", std::string("not-a-port")}});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    EXPECT_NE(result.output.find("mysql.port"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("SHAREDSTORE_MYSQL_PORT"), std::string::npos) << result.output;
}

TEST(config_startup, bad_data_key_stops_serve_with_one_line_that_does_not_quote_it) {
    const auto dir = make_temp_dir("data-key");
    const std::string not_a_key = "0123456789abcdef-not-hex-0123456789abcdef0123456789abcdef0123456";
    std::ofstream(dir + "/data-key") << not_a_key << "\n";
    auto result = run_binary({"serve", "--config", test_config_path()}, {{"SHAREDSTORE_SECURITY_DATA_KEY_FILE", dir + "/data-key"}});
    std::filesystem::remove_all(dir);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    EXPECT_NE(result.output.find("security.data_key_file"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("64 hex characters"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find(not_a_key), std::string::npos) << result.output;
}

TEST(config_startup, missing_file_is_one_line) {
    auto result = run_binary({"migrate", "--config", "/nonexistent/sharedstore.json"}, {});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    EXPECT_NE(result.output.find("/nonexistent/sharedstore.json"), std::string::npos);
}

TEST(config_startup, config_get_prints_resolved_values) {
    auto result = run_binary({"config-get", "--config", test_config_path(), "redis.port"}, {{"SHAREDSTORE_REDIS_PORT", std::string("7001")}});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.output, "7001\n");
}

TEST(config_startup, port_in_use_is_one_line) {
    redis_server_process redis;  // anything listening will do
    auto result = run_binary({"serve", "--config", test_config_path()}, {{"SHAREDSTORE_HTTP_PORT", std::to_string(redis.port())}});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.output.find("cannot listen"), std::string::npos) << result.output;
}

}  // namespace
