#include "server/config.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace sharedstore;

namespace {

environment_lookup fake_env(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

const std::string minimal = R"({
  "http": {"port": 8080},
  "mysql": {"host": "127.0.0.1", "port": 3307, "user": "u", "password": "p", "database": "d"},
  "redis": {"host": "127.0.0.1", "port": 6380},
  "wechat": {"appid": "wx1", "app_secret_file": "keys/secret"},
  "security": {"data_key_file": "keys/data-key"}
})";

std::string error_of(const std::string& json, std::map<std::string, std::string> env = {}) {
    try {
        parse_config(json, fake_env(std::move(env)));
    } catch (const config_error& e) {
        return e.what();
    }
    return "no error";
}


TEST(config, minimal_file_gets_defaults) {
    auto c = parse_config(minimal, fake_env({}));
    EXPECT_EQ(c.http.port, 8080);
    EXPECT_EQ(c.http.body_limit_bytes, 1024u * 1024u);
    EXPECT_EQ(c.mysql.port, 3307);
    EXPECT_EQ(c.mysql.password, "p");
    EXPECT_EQ(c.redis.port, 6380);
    EXPECT_EQ(c.shutdown_grace, std::chrono::milliseconds(10000));
    EXPECT_EQ(c.log_min_level, log_level::info);
}

TEST(config, shipped_files_parse) {
    // Without reading secret files: those are made per machine by the scripts.
    EXPECT_NO_THROW(load_config_file(SHAREDSTORE_SOURCE_DIR "/conf/production.example.json", fake_env({}), false));
    auto dev = load_config_file(SHAREDSTORE_SOURCE_DIR "/conf/dev.json", fake_env({}), false);
    EXPECT_EQ(dev.mysql.port, 3307);
    EXPECT_EQ(dev.redis.port, 6380);
    EXPECT_EQ(dev.http.port, 8080);
    // Relative paths in a file are relative to that file's folder.
    EXPECT_EQ(dev.wechat.ca_file, SHAREDSTORE_SOURCE_DIR "/conf/../var/keys/wechat-ca.pem");
    EXPECT_EQ(dev.security.data_key_file, SHAREDSTORE_SOURCE_DIR "/conf/../var/keys/data-key");
}

TEST(config, secret_file_is_read_and_trimmed_and_must_exist) {
    const std::string dir = ::testing::TempDir();
    const std::string config_path = dir + "/secret_test.json";
    std::ofstream(dir + "/app-secret") << "  s3cret\n";
    std::ofstream(dir + "/data-key") << std::string(64, 'a') << "\n";
    std::ofstream(config_path) << minimal.substr(0, minimal.rfind("keys/secret")) + "app-secret\"}, \"security\": {\"data_key_file\": \"data-key\"}}";
    auto c = load_config_file(config_path, fake_env({}));
    EXPECT_EQ(c.wechat.app_secret, "s3cret");
    try {
        load_config_file(config_path, fake_env({{"SHAREDSTORE_WECHAT_APP_SECRET_FILE", dir + "/missing"}}));
        ADD_FAILURE();
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("wechat.app_secret_file"), std::string::npos);
    }
}

TEST(config, data_key_file_must_hold_64_hex_characters) {
    std::string dir = ::testing::TempDir() + "/config-data-key.XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    const std::string config_path = dir + "/data_key_test.json";
    std::ofstream(dir + "/app-secret-2") << "s3cret";
    std::ofstream(config_path) << minimal.substr(0, minimal.rfind("keys/secret")) + "app-secret-2\"}, \"security\": {\"data_key_file\": \"data-key-2\"}}";
    const std::string key_hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
    std::ofstream(dir + "/data-key-2") << key_hex << "\n";
    auto c = load_config_file(config_path, fake_env({}));
    ASSERT_EQ(c.security.data_key.size(), 32u);
    EXPECT_EQ(static_cast<unsigned char>(c.security.data_key[31]), 0xff);
    EXPECT_EQ(config_value_text(c, "security.data_key_file"), dir + "/data-key-2") << "the path, never the key";

    for (const auto& bad : {key_hex.substr(2), key_hex + "00", "zz" + key_hex.substr(2), std::string("")}) {
        std::ofstream(dir + "/data-key-bad") << bad;
        try {
            load_config_file(config_path, fake_env({{"SHAREDSTORE_SECURITY_DATA_KEY_FILE", dir + "/data-key-bad"}}));
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const config_error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("security.data_key_file"), std::string::npos) << message;
            if (!bad.empty()) {
                EXPECT_EQ(message.find(bad), std::string::npos) << "the key's content stays out of the message: " << message;
            }
        }
    }
    try {
        load_config_file(config_path, fake_env({{"SHAREDSTORE_SECURITY_DATA_KEY_FILE", dir + "/missing"}}));
        ADD_FAILURE();
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("security.data_key_file"), std::string::npos);
    }
    // config-get and migrate read no secret files.
    EXPECT_NO_THROW(load_config_file(config_path, fake_env({{"SHAREDSTORE_SECURITY_DATA_KEY_FILE", dir + "/missing"}}), false));
    std::filesystem::remove_all(dir);
}

TEST(config, missing_required_key_is_named_with_its_variable) {
    auto error = error_of(R"({"http":{"port":1},"mysql":{"host":"h","port":1,"user":"u","password":"p"},"redis":{"host":"h","port":1},"wechat":{"appid":"a","app_secret_file":"f"}})");
    EXPECT_NE(error.find("mysql.database"), std::string::npos) << error;
    EXPECT_NE(error.find("SHAREDSTORE_MYSQL_DATABASE"), std::string::npos) << error;
}

TEST(config, wrong_type_names_the_key) {
    auto error = error_of(R"({"http":{"port":"8080"},"mysql":{"host":"h","port":1,"user":"u","password":"p","database":"d"},"redis":{"host":"h","port":1},"wechat":{"appid":"a","app_secret_file":"f"}})");
    EXPECT_NE(error.find("http.port"), std::string::npos) << error;
    EXPECT_NE(error.find("integer"), std::string::npos) << error;
}

TEST(config, out_of_range_names_the_key_and_range) {
    auto error = error_of(minimal, {{"SHAREDSTORE_MYSQL_PORT", "70000"}});
    EXPECT_NE(error.find("mysql.port"), std::string::npos) << error;
    EXPECT_NE(error.find("1 to 65535"), std::string::npos) << error;
    EXPECT_NE(error.find("SHAREDSTORE_MYSQL_PORT"), std::string::npos) << error;
}

TEST(config, unknown_key_is_refused) {
    auto json = minimal;
    json.insert(json.find("\"port\": 8080"), "\"prot\": 1, ");
    auto error = error_of(json);
    EXPECT_NE(error.find("http.prot"), std::string::npos) << error;
    EXPECT_NE(error.find("unknown"), std::string::npos) << error;
}

TEST(config, environment_overrides_the_file) {
    auto c = parse_config(minimal, fake_env({{"SHAREDSTORE_MYSQL_PORT", "4000"},
                                             {"SHAREDSTORE_MYSQL_PASSWORD", "from-env"},
                                             {"SHAREDSTORE_HTTP_HEADER_TIMEOUT_MS", "250"},
                                             {"SHAREDSTORE_LOG_LEVEL", "debug"}}));
    EXPECT_EQ(c.mysql.port, 4000);
    EXPECT_EQ(c.mysql.password, "from-env");
    EXPECT_EQ(c.http.header_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(c.log_min_level, log_level::debug);
}

TEST(config, environment_can_supply_a_required_key) {
    const std::string without_database = R"({"http":{"port":1},"mysql":{"host":"h","port":1,"user":"u","password":"p"},"redis":{"host":"h","port":1},"wechat":{"appid":"a","app_secret_file":"f"},"security":{"data_key_file":"k"}})";
    auto c = parse_config(without_database, fake_env({{"SHAREDSTORE_MYSQL_DATABASE", "x"}}));
    EXPECT_EQ(c.mysql.database, "x");
}

TEST(config, malformed_environment_value_is_refused) {
    for (const char* bad : {"", "12a", " 12", "0x10", "9999999999999999999999"}) {
        auto error = error_of(minimal, {{"SHAREDSTORE_REDIS_PORT", bad}});
        EXPECT_NE(error.find("redis.port"), std::string::npos) << "value '" << bad << "': " << error;
    }
    auto error = error_of(minimal, {{"SHAREDSTORE_LOG_LEVEL", "loud"}});
    EXPECT_NE(error.find("log.level"), std::string::npos) << error;
}

TEST(config, not_json_or_not_an_object) {
    EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
    EXPECT_NE(error_of("[1]").find("JSON object"), std::string::npos);
}

TEST(config, environment_names_and_value_text) {
    EXPECT_EQ(environment_name_for("http.body_limit_bytes"), "SHAREDSTORE_HTTP_BODY_LIMIT_BYTES");
    auto c = parse_config(minimal, fake_env({}));
    EXPECT_EQ(config_value_text(c, "mysql.port"), "3307");
    EXPECT_EQ(config_value_text(c, "http.header_timeout_ms"), "10000");
    EXPECT_EQ(config_value_text(c, "log.level"), "info");
    EXPECT_EQ(config_value_text(c, "no.such"), std::nullopt);
}

}  // namespace

TEST(config, share_settings_wechat_would_refuse_are_refused_at_start) {
    auto c = parse_config(minimal, fake_env({}));
    EXPECT_EQ(c.share.page, "pages/share/index");
    EXPECT_EQ(c.share.qr_env_version, "release");
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_SHARE_QR_ENV_VERSION", "beta"}}).find("share.qr_env_version"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_SHARE_PAGE", "/pages/share/index"}}).find("share.page"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_SHARE_PAGE", "pages/share/index?x=1"}}).find("share.page"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_SHARE_PUBLIC_BASE_URL", "https://a.example/"}}).find("share.public_base_url"), std::string::npos);
}

TEST(config, console_settings_have_defaults_and_take_overrides) {
    auto c = parse_config(minimal, fake_env({}));
    EXPECT_EQ(c.environment, "production") << "development helpers are off unless a config says otherwise";
    EXPECT_TRUE(c.console.static_dir.empty());
    EXPECT_TRUE(c.console.cookie_secure);
    EXPECT_EQ(c.console.session_idle_s, 1800);
    EXPECT_EQ(c.console.session_absolute_s, 43200);
    EXPECT_EQ(c.console.ticket_ttl_s, 120);
    EXPECT_EQ(c.console.long_poll_s, 25);
    auto o = parse_config(minimal, fake_env({{"SHAREDSTORE_CONSOLE_COOKIE_SECURE", "false"},
                                             {"SHAREDSTORE_CONSOLE_SESSION_IDLE_S", "2"},
                                             {"SHAREDSTORE_SERVER_ENVIRONMENT", "development"}}));
    EXPECT_FALSE(o.console.cookie_secure);
    EXPECT_EQ(o.console.session_idle_s, 2);
    EXPECT_EQ(o.environment, "development");
    EXPECT_EQ(config_value_text(o, "console.cookie_secure"), "false");
    auto dev = load_config_file(SHAREDSTORE_SOURCE_DIR "/conf/dev.json", fake_env({}), false);
    EXPECT_EQ(dev.environment, "development");
    EXPECT_FALSE(dev.console.cookie_secure) << "dev serves plain http on loopback";
    EXPECT_EQ(dev.console.static_dir, SHAREDSTORE_SOURCE_DIR "/conf/../console/dist");
    auto production = load_config_file(SHAREDSTORE_SOURCE_DIR "/conf/production.example.json", fake_env({}), false);
    EXPECT_EQ(production.environment, "production");
    EXPECT_TRUE(production.console.cookie_secure);
}

TEST(config, console_values_that_cannot_work_are_refused) {
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_CONSOLE_COOKIE_SECURE", "yes"}}).find("console.cookie_secure: expected true or false"),
              std::string::npos);
    const std::string not_bool = R"({"http": {"port": 8080}, "console": {"cookie_secure": 1},
      "mysql": {"host": "h", "port": 1, "user": "u", "password": "p", "database": "d"}, "redis": {"host": "h", "port": 1},
      "wechat": {"appid": "wx1", "app_secret_file": "s"}, "security": {"data_key_file": "k"}})";
    EXPECT_NE(error_of(not_bool).find("console.cookie_secure"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_SERVER_ENVIRONMENT", "staging"}}).find("server.environment"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_CONSOLE_LOGIN_PAGE", "/pages/x"}}).find("console.login_page"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_CONSOLE_LONG_POLL_S", "120"}}).find("console.long_poll_s"), std::string::npos);
    EXPECT_NE(error_of(minimal, {{"SHAREDSTORE_CONSOLE_TICKET_TTL_S", "1"}}).find("console.ticket_ttl_s"), std::string::npos);
}
