// `sharedstore migrate` against a scratch database on the real MariaDB.
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/storage/migrations.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/test_environment.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

class migrate_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }

    void SetUp() override {
        config_ = test_config().mysql;
        database_ = "scratch_migrate_" + random_hex(6);
        admin_ = mysql_connect(config_);
        std::unique_ptr<sql::Statement>(admin_->createStatement())->execute("CREATE DATABASE `" + database_ + "`");
    }
    void TearDown() override {
        std::unique_ptr<sql::Statement>(admin_->createStatement())->execute("DROP DATABASE IF EXISTS `" + database_ + "`");
    }

    std::pair<int, std::string> migrate() {
        child_process process({SHAREDSTORE_BINARY, "migrate", "--config", test_config_path()},
                              {{"SHAREDSTORE_MYSQL_DATABASE", database_}}, make_temp_dir("migrate") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }

    long long count(const std::string& sql) {
        std::unique_ptr<sql::PreparedStatement> st(admin_->prepareStatement(sql));
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
        rs->next();
        return rs->getInt64(1);
    }

    mysql_config config_;
    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
};

TEST_F(migrate_test, applies_every_migration_once_and_twice_changes_nothing) {
    const auto expected = static_cast<long long>(embedded_migrations().size());

    auto [first_code, first_output] = migrate();
    ASSERT_EQ(first_code, 0) << first_output;
    EXPECT_NE(first_output.find("\"applied\":" + std::to_string(expected)), std::string::npos) << first_output;
    EXPECT_EQ(count("SELECT COUNT(*) FROM `" + database_ + "`.schema_migrations"), expected);
    EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + database_ + "' AND table_name = 'users'"), 1);

    auto [second_code, second_output] = migrate();
    ASSERT_EQ(second_code, 0) << second_output;
    EXPECT_NE(second_output.find("\"applied\":0,\"already_applied\":" + std::to_string(expected)), std::string::npos) << second_output;
    EXPECT_EQ(count("SELECT COUNT(*) FROM `" + database_ + "`.schema_migrations"), expected);
}

TEST_F(migrate_test, an_applied_migration_that_was_edited_stops_the_run) {
    ASSERT_EQ(migrate().first, 0);
    std::unique_ptr<sql::Statement>(admin_->createStatement())
        ->execute("UPDATE `" + database_ + "`.schema_migrations SET checksum = REPEAT('0', 64) WHERE version = 1");
    auto [code, output] = migrate();
    EXPECT_EQ(code, 1);
    EXPECT_NE(output.find("was changed after it was applied"), std::string::npos) << output;
}

}  // namespace
