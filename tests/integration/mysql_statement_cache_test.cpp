// A pooled connection's prepared-statement cache (common/mysql_connection.hpp) against the real
// MariaDB of scripts/test: what the server is asked to prepare, and that reused statements give
// the right answers.
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "tests/integration/support/test_environment.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;

namespace {

class mysql_statement_cache_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }

    std::unique_ptr<mysql_connection> connect(std::size_t limit) {
        return std::make_unique<mysql_connection>(mysql_connect(test_config().mysql), limit, &counters);
    }

    // The server's own count of COM_STMT_PREPARE on this session: what the cache is meant to save.
    static long long server_prepares(mysql_connection& db) {
        std::unique_ptr<sql::Statement> st(db.native().createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"));
        rs->next();
        return std::stoll(std::string(rs->getString(2)));
    }

    static long long single(mysql_statement& st) {
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
        EXPECT_TRUE(rs->next());
        return rs->getInt64(1);
    }

    mysql_statement_counters counters;
};

TEST_F(mysql_statement_cache_test, the_same_text_is_prepared_once_per_connection) {
    auto db = connect(16);
    const auto before = server_prepares(*db);
    for (int i = 1; i <= 5; ++i) {
        auto st = db->prepare("SELECT ? * 10");
        st->setInt(1, i);
        EXPECT_EQ(single(st), i * 10) << "a reused statement binds its new parameter";
    }
    EXPECT_EQ(server_prepares(*db) - before, 1);
    EXPECT_EQ(counters.prepared.load(), 1u);
    EXPECT_EQ(counters.reused.load(), 4u);
    EXPECT_EQ(db->cached_statements(), 1u);
}

TEST_F(mysql_statement_cache_test, a_statement_in_use_is_not_lent_twice) {
    auto db = connect(16);
    // A lookup inside a loop over another query's rows: the same text, two statements at once.
    auto outer = db->prepare("SELECT ? + 0");
    outer->setInt(1, 7);
    std::unique_ptr<sql::ResultSet> rows(outer->executeQuery());
    {
        auto inner = db->prepare("SELECT ? + 0");
        inner->setInt(1, 8);
        EXPECT_EQ(single(inner), 8);
    }
    ASSERT_TRUE(rows->next());
    EXPECT_EQ(rows->getInt64(1), 7) << "the outer result set survives the inner use";
    rows.reset();
    outer = mysql_statement();
    EXPECT_EQ(counters.prepared.load(), 2u);
    EXPECT_EQ(db->cached_statements(), 2u) << "both kept for the next time two are needed";
}

TEST_F(mysql_statement_cache_test, least_recently_used_statement_goes_first) {
    auto db = connect(2);
    for (const char* text : {"SELECT 1", "SELECT 2", "SELECT 1", "SELECT 3"}) {
        auto st = db->prepare(text);
        single(st);
    }
    // "SELECT 2" was the least recently used when "SELECT 3" came back.
    EXPECT_EQ(counters.evicted.load(), 1u);
    EXPECT_EQ(db->cached_statements(), 2u);
    const auto before = counters.prepared.load();
    {
        auto one = db->prepare("SELECT 1");
        auto three = db->prepare("SELECT 3");
        EXPECT_EQ(single(one), 1);
        EXPECT_EQ(single(three), 3);
    }
    EXPECT_EQ(counters.prepared.load(), before) << "SELECT 1 and SELECT 3 were still cached";
    auto two = db->prepare("SELECT 2");
    EXPECT_EQ(counters.prepared.load(), before + 1) << "SELECT 2 had been closed";
}

TEST_F(mysql_statement_cache_test, a_failed_execution_leaves_the_statement_usable) {
    auto db = connect(16);
    const auto table = "stmt_cache_" + random_hex(6);
    db->execute("CREATE TABLE " + table + " (id INT PRIMARY KEY) ENGINE=InnoDB");
    const auto insert = "INSERT INTO " + table + " (id) VALUES (?)";
    for (int id : {1, 1, 2}) {
        auto st = db->prepare(insert);
        st->setInt(1, id);
        if (id == 1 && counters.reused.load() == 1) {
            EXPECT_THROW(st->executeUpdate(), sql::SQLException) << "duplicate key";
        } else {
            EXPECT_EQ(st->executeUpdate(), 1);
        }
    }
    auto count = db->prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_EQ(single(count), 2);
    EXPECT_EQ(counters.reused.load(), 2u);
    db->execute("DROP TABLE " + table);
}

TEST_F(mysql_statement_cache_test, size_zero_and_uncached_statements_prepare_every_time) {
    auto off = connect(0);
    const auto before = server_prepares(*off);
    for (int i = 0; i < 3; ++i) {
        auto st = off->prepare("SELECT 42");
        EXPECT_EQ(single(st), 42);
    }
    EXPECT_EQ(server_prepares(*off) - before, 3);
    EXPECT_EQ(off->cached_statements(), 0u);

    auto on = connect(16);
    for (int i = 0; i < 3; ++i) {
        auto st = on->prepare_uncached("SELECT 43");
        EXPECT_EQ(single(st), 43);
    }
    EXPECT_EQ(on->cached_statements(), 0u);
}

}  // namespace
