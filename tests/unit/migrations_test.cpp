#include "server/storage/migrations.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace sharedstore;

namespace {

TEST(split_sql_statements, splits_on_semicolons_outside_quotes_and_comments) {
    auto statements = split_sql_statements(
        "-- leading comment; not a statement\n"
        "CREATE TABLE a (x INT); # hash comment;\n"
        "INSERT INTO a VALUES ('semi;colon', \"dq;\", 'it''s', 'back\\'slash;');\n"
        "/* block; comment */ UPDATE `we;ird` SET x = 1;\n"
        "   \n");
    ASSERT_EQ(statements.size(), 3u);
    EXPECT_EQ(statements[0], "CREATE TABLE a (x INT)");
    EXPECT_EQ(statements[1], "INSERT INTO a VALUES ('semi;colon', \"dq;\", 'it''s', 'back\\'slash;')");
    EXPECT_EQ(statements[2], "UPDATE `we;ird` SET x = 1");
}

TEST(split_sql_statements, last_statement_without_semicolon_counts) {
    auto statements = split_sql_statements("SELECT 1;\nSELECT 2");
    ASSERT_EQ(statements.size(), 2u);
    EXPECT_EQ(statements[1], "SELECT 2");
}

TEST(split_sql_statements, double_dash_without_space_is_not_a_comment) {
    auto statements = split_sql_statements("SELECT 1--1;");
    ASSERT_EQ(statements.size(), 1u);
    EXPECT_EQ(statements[0], "SELECT 1--1");
}

TEST(split_sql_statements, unterminated_quote_or_comment_is_refused) {
    EXPECT_THROW(split_sql_statements("SELECT 'abc;"), std::invalid_argument);
    EXPECT_THROW(split_sql_statements("SELECT 1; /* open"), std::invalid_argument);
}

TEST(prepare_migrations, sorts_by_version_and_checks_names) {
    auto list = prepare_migrations({{"0002_b.sql", "SELECT 2;"}, {"0001_a.sql", "SELECT 1;"}});
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].version, 1);
    EXPECT_EQ(list[1].file_name, "0002_b.sql");
    EXPECT_EQ(list[0].checksum.size(), 64u);
    EXPECT_NE(list[0].checksum, list[1].checksum);

    EXPECT_THROW(prepare_migrations({{"1_a.sql", "SELECT 1;"}}), std::invalid_argument);
    EXPECT_THROW(prepare_migrations({{"0001_a.txt", "SELECT 1;"}}), std::invalid_argument);
    EXPECT_THROW(prepare_migrations({{"0001_a.sql", "-- nothing\n"}}), std::invalid_argument);
    EXPECT_THROW(prepare_migrations({{"0001_a.sql", "SELECT 1;"}, {"0001_b.sql", "SELECT 2;"}}), std::invalid_argument);
}

TEST(embedded_migrations, are_valid_and_numbered_without_gaps) {
    auto list = prepare_migrations(embedded_migrations());
    ASSERT_FALSE(list.empty());
    int expected = 1;
    for (const auto& m : list) {
        EXPECT_EQ(m.version, expected) << m.file_name;
        expected = m.version + 1;
    }
}

}  // namespace
