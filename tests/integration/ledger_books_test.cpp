// The ledger's books and assets on the real MariaDB, repositories called directly: accounts in a
// store's book and the platform's, points beside money, what check-ledger proves of them, and the
// migration that moved a populated per-store ledger into books.
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/domain/ledger.hpp"
#include "server/storage/ledger_check.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/migrations.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/integration/support/test_environment.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;

namespace {

class ledger_books_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }

    void SetUp() override {
        config_ = test_config().mysql;
        database_ = "scratch_books_" + random_hex(6);
        admin_ = mysql_connect(config_);
        execute(*admin_, "CREATE DATABASE `" + database_ + "`");
        config_.database = database_;
    }
    void TearDown() override { execute(*admin_, "DROP DATABASE IF EXISTS `" + database_ + "`"); }

    static void execute(sql::Connection& c, const std::string& statement) { std::unique_ptr<sql::Statement>(c.createStatement())->execute(statement); }

    // Migrations up to (not including) `before`; all of them by default.
    void migrate(int before = 1 << 30) {
        auto all = prepare_migrations(embedded_migrations());
        std::vector<migration> wanted;
        for (auto& m : all)
            if (m.version < before) wanted.push_back(std::move(m));
        captured_log log;
        auto native = mysql_connect(config_);
        apply_migrations(*native, wanted, log.log());
    }
    std::unique_ptr<mysql_connection> connect() { return std::make_unique<mysql_connection>(mysql_connect(config_), 16, nullptr); }

    static long long scalar(mysql_connection& db, const std::string& query) {
        auto st = db.prepare_uncached(query);
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
        return rs->next() ? rs->getInt64(1) : -1;
    }
    static std::string broken(mysql_connection& db) {
        std::string out;
        for (const auto& check : check_ledger(db))
            for (const auto& id : check.offending) out += check.name + ": " + id + "\n";
        return out;
    }

    mysql_config config_;
    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
};

TEST_F(ledger_books_test, a_store_transaction_can_award_points_in_the_platforms_book_and_the_ledger_holds) {
    migrate();
    auto db = connect();
    execute(db->native(), "INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'o1'), (2, 'wx', 'o2')");
    execute(db->native(), "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, 's', 1)");
    // A purchase at the store, and alliance points for its buyer in the same transaction.
    ledger_posting paid{.merchant_id = 10,
                        .kind = "order_paid",
                        .reference = "order:1",
                        .actor_user_id = std::nullopt,
                        .entries = {{{account_kind::pos_receipts, 0}, {account_kind::sales, 0}, 12'800},
                                    {{account_kind::alliance_points, 2}, {account_kind::alliance_points_issued, 0}, 2'560}},
                        .booked_at = ""};
    post_ledger_transaction(*db, paid);
    EXPECT_EQ(account_balance(*db, 10, {account_kind::sales, 0}), 12'800);
    EXPECT_EQ(account_balance(*db, 10, {account_kind::alliance_points, 2}), 2'560);
    EXPECT_EQ(account_balance(*db, 0, {account_kind::alliance_points, 2}), 2'560) << "the platform's accounts belong to no store";
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM ledger_accounts a JOIN ledger_books b ON b.id = a.book_id "
                          "WHERE b.kind = 'platform' AND a.asset = 'points' AND a.merchant_id = 0"),
              2);
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM ledger_accounts a JOIN ledger_books b ON b.id = a.book_id "
                          "WHERE b.merchant_id = 10 AND a.asset = 'cny_fen'"),
              2);
    // The platform alone (a pool dividend, later) posts in its own book; never to a store's.
    ledger_posting platform_only{.merchant_id = 0,
                                 .kind = "points_adjustment",
                                 .reference = "test:1",
                                 .actor_user_id = 1,
                                 .entries = {{{account_kind::alliance_points_issued, 0}, {account_kind::alliance_points, 2}, 60}},
                                 .booked_at = ""};
    post_ledger_transaction(*db, platform_only);
    EXPECT_EQ(account_balance(*db, 0, {account_kind::alliance_points, 2}), 2'500);
    ledger_posting stray{.merchant_id = 0,
                         .kind = "points_adjustment",
                         .reference = "test:2",
                         .actor_user_id = 1,
                         .entries = {{{account_kind::pos_receipts, 0}, {account_kind::sales, 0}, 1}},
                         .booked_at = ""};
    EXPECT_THROW(post_ledger_transaction(*db, stray), std::invalid_argument);
    ledger_posting mixed{.merchant_id = 10,
                         .kind = "order_paid",
                         .reference = "order:2",
                         .actor_user_id = std::nullopt,
                         .entries = {{{account_kind::alliance_points, 2}, {account_kind::sales, 0}, 100}},
                         .booked_at = ""};
    EXPECT_THROW(post_ledger_transaction(*db, mixed), std::invalid_argument) << "points bought with nothing but a sale";
    // Points no lot stands behind break the alliance's own check (each holder's points equal their lots).
    EXPECT_NE(broken(*db).find("alliance_points 2"), std::string::npos) << broken(*db);
    ledger_posting back{.merchant_id = 0,
                        .kind = "points_adjustment",
                        .reference = "test:3",
                        .actor_user_id = 1,
                        .entries = {{{account_kind::alliance_points_issued, 0}, {account_kind::alliance_points, 2}, 2'500}},
                        .booked_at = ""};
    post_ledger_transaction(*db, back);
    EXPECT_EQ(broken(*db), "");
}

TEST_F(ledger_books_test, check_ledger_names_an_entry_that_mixes_assets_and_an_account_outside_its_book) {
    migrate();
    auto db = connect();
    execute(db->native(), "INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'o1')");
    execute(db->native(), "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, 's', 1), (11, 't', 1)");
    ledger_posting paid{.merchant_id = 10,
                        .kind = "order_paid",
                        .reference = "order:1",
                        .actor_user_id = std::nullopt,
                        .entries = {{{account_kind::pos_receipts, 0}, {account_kind::sales, 0}, 500}},
                        .booked_at = ""};
    post_ledger_transaction(*db, paid);
    EXPECT_EQ(broken(*db), "");
    // Written past the repository: points that became money, and a store account in the platform's book.
    execute(db->native(), "UPDATE ledger_accounts SET asset = 'points' WHERE kind = 'sales'");
    execute(db->native(), "INSERT INTO ledger_accounts (id, book_id, merchant_id, kind, asset, user_id) "
                          "SELECT 99, id, 0, 'desk_cash', 'cny_fen', 0 FROM ledger_books WHERE kind = 'platform'");
    const auto problems = broken(*db);
    EXPECT_NE(problems.find("no entry mixes assets"), std::string::npos) << problems;
    EXPECT_NE(problems.find("account 99"), std::string::npos) << problems;
    EXPECT_NE(problems.find("asset points"), std::string::npos) << "points no longer add up to zero: " << problems;
}

// The migration on a copy of a ledger written before books existed: every account lands in its
// store's book with its balance, every entry keeps its amount, and check-ledger passes.
TEST_F(ledger_books_test, the_migration_moves_a_populated_per_store_ledger_into_books_unchanged) {
    migrate(10);
    {
        auto native = mysql_connect(config_);
        for (const char* statement : {
                 "INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'o1'), (2, 'wx', 'o2'), (3, 'wx', 'o3')",
                 "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, 's', 1), (11, 't', 1), (12, 'no ledger yet', 1)",
                 "INSERT INTO ledger_accounts (id, merchant_id, kind, user_id, balance_fen) VALUES "
                 "(1, 10, 'desk_cash', 0, 1000000), (2, 10, 'stored_value', 2, -990000), (3, 10, 'sales', 0, -10000), "
                 "(4, 11, 'pos_receipts', 0, 20000), (5, 11, 'sales', 0, -20000), (6, 11, 'dividend_expense', 0, 1000), "
                 "(7, 11, 'dividend_payable', 3, -1000)",
                 "INSERT INTO ledger_transactions (id, merchant_id, kind, reference) VALUES "
                 "(1, 10, 'buy_in_cash', '10:a'), (2, 10, 'order_paid', 'order:1'), (3, 11, 'order_paid', 'order:2')",
                 "INSERT INTO ledger_entries (transaction_id, debit_account_id, credit_account_id, amount_fen) VALUES "
                 "(1, 1, 2, 1000000), (2, 2, 3, 10000), (3, 4, 5, 20000), (3, 6, 7, 1000)",
                 // The business rows behind order 2's dividend, which the later payout migration
                 // leaves pending (unsettled) and check-ledger matches against dividend_payable.
                 "INSERT INTO partners (id, merchant_id, user_id, total_buy_in_fen, enrolled_by_user_id) VALUES (1, 11, 3, 0, 1)",
                 "INSERT INTO orders (id, merchant_id, source, kind, merchant_order_id, customer_user_id, amount_fen, status, paid_at, "
                 "profit_fen, dividend_due) VALUES (2, 11, 'pos', 'purchase', 'B-2', 2, 20000, 'paid', UTC_TIMESTAMP(6), 5000, 1)",
                 "INSERT INTO dividends (order_id, merchant_id, partner_id, partner_user_id, customer_user_id, tier_version_id, tier_name, "
                 "ratio_bp, profit_fen, amount_fen, paid_at, settles_at) VALUES (2, 11, 1, 3, 2, 1, 'silver', 2000, 5000, 1000, "
                 "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"})
            execute(*native, statement);
    }
    migrate();
    auto db = connect();
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM ledger_books WHERE kind = 'platform' AND merchant_id IS NULL"), 1);
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM ledger_books WHERE kind = 'store'"), 3) << "every store has its book, with a ledger or not";
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM ledger_accounts a JOIN ledger_books b ON b.id = a.book_id "
                          "WHERE b.merchant_id = a.merchant_id AND a.asset = 'cny_fen'"),
              7);
    EXPECT_EQ(account_balance(*db, 10, {account_kind::stored_value, 2}), 990000);
    EXPECT_EQ(account_balance(*db, 11, {account_kind::dividend_payable, 3}), 1000);
    EXPECT_EQ(scalar(*db, "SELECT SUM(amount) FROM ledger_entries"), 1031000);
    EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM dividends WHERE settled_at IS NULL AND settlement_id IS NULL"), 1) << "pending after the migration";
    EXPECT_EQ(broken(*db), "");
    // New postings go on in the migrated books, including the store that had none.
    ledger_posting more{.merchant_id = 12,
                        .kind = "order_paid",
                        .reference = "order:3",
                        .actor_user_id = std::nullopt,
                        .entries = {{{account_kind::pos_receipts, 0}, {account_kind::sales, 0}, 300}},
                        .booked_at = ""};
    post_ledger_transaction(*db, more);
    EXPECT_EQ(account_balance(*db, 12, {account_kind::sales, 0}), 300);
    EXPECT_EQ(broken(*db), "");
}

}  // namespace
