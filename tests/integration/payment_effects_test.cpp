// Payment effects at the service tier: apply_order_paid / apply_order_refund called directly on a
// migrated scratch MariaDB, with the default effects and with an effect that only this test
// registers, which needs no change to order_payments.
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/services/order_payments.hpp"
#include "server/storage/ledger_check.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/migrations.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/capture_log.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;

namespace {

// Awards the buyer one centipoint per fen paid in the platform's book, and takes it back in
// proportion on a refund: the shape the alliance's points will have.
class points_for_test final : public payment_effect {
public:
    mutable int paid_calls = 0, refunded_calls = 0;
    std::string_view name() const override { return "test_points"; }
    void paid(mysql_connection&, const paid_order_facts& order, effect_output& out) const override {
        ++paid_calls;
        if (!order.customer_user_id) return;
        out.entries.push_back({{account_kind::alliance_points, *order.customer_user_id}, {account_kind::alliance_points_issued, 0}, order.amount_fen});
    }
    void refunded(mysql_connection&, const refund_facts& refund, effect_output& out) const override {
        ++refunded_calls;
        out.entries.push_back(
            {{account_kind::alliance_points_issued, 0}, {account_kind::alliance_points, *refund.order.customer_user_id}, refund.amount_fen});
    }
};

class payment_effects_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }
    void SetUp() override {
        auto config = test_config().mysql;
        database_ = "scratch_effects_" + random_hex(6);
        admin_ = mysql_connect(config);
        execute(*admin_, "CREATE DATABASE `" + database_ + "`");
        config.database = database_;
        captured_log log;
        auto native = mysql_connect(config);
        apply_migrations(*native, prepare_migrations(embedded_migrations()), log.log());
        db_ = std::make_unique<mysql_connection>(mysql_connect(config), 16, nullptr);
        for (const char* statement : {"INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'owner'), (2, 'wx', 'buyer')",
                                      "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, 's', 1)",
                                      "INSERT INTO orders (id, merchant_id, source, kind, customer_user_id, amount_fen, status, merchant_order_id) "
                                      "VALUES (5, 10, 'pos', 'purchase', 2, 12800, 'created', 'A-1')"})
            execute(db_->native(), statement);
    }
    void TearDown() override {
        db_.reset();
        execute(*admin_, "DROP DATABASE IF EXISTS `" + database_ + "`");
    }
    static void execute(sql::Connection& c, const std::string& statement) { std::unique_ptr<sql::Statement>(c.createStatement())->execute(statement); }
    long long scalar(const std::string& query) {
        auto st = db_->prepare_uncached(query);
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
        return rs->next() ? rs->getInt64(1) : -1;
    }
    std::string broken() {
        std::string out;
        for (const auto& check : check_ledger(*db_))
            for (const auto& id : check.offending) out += check.name + ": " + id + "\n";
        return out;
    }

    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
    std::unique_ptr<mysql_connection> db_;
};

TEST_F(payment_effects_test, an_effect_registered_by_a_test_joins_the_payments_one_ledger_transaction_and_its_refund) {
    auto points = std::make_unique<points_for_test>();
    const auto* probe = points.get();
    payment_effects effects;
    effects.push_back(make_sale_effect());
    effects.push_back(make_store_customer_effect());
    effects.push_back(make_dividend_effect());
    effects.push_back(std::move(points));

    auto paid = apply_order_paid(*db_, 5, std::chrono::system_clock::now(), "", effects);
    EXPECT_EQ(paid.outcome, payment_outcome::applied);
    EXPECT_EQ(probe->paid_calls, 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE reference = 'order:5'"), 1) << "one transaction for every effect";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.reference = 'order:5'"), 2);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::alliance_points, 2}), 12800);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::sales, 0}), 12800);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM store_customers WHERE merchant_id = 10 AND user_id = 2"), 1);

    // Paid again (a retried callback): no effect runs twice.
    EXPECT_EQ(apply_order_paid(*db_, 5, std::chrono::system_clock::now(), "", effects).outcome, payment_outcome::already_applied);
    EXPECT_EQ(probe->paid_calls, 1);

    // Refunded in two parts: every effect's reversal runs once a part, in one transaction each.
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-1", 2800, effects).outcome, refund_outcome::applied);
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-2", 10000, effects).outcome, refund_outcome::applied);
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-2", 10000, effects).outcome, refund_outcome::already_applied);
    EXPECT_EQ(probe->refunded_calls, 2);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::alliance_points, 2}), 0);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::sales, 0}), 0);
    EXPECT_EQ(broken(), "");
}

TEST_F(payment_effects_test, the_default_effects_book_a_purchase_without_an_owner_as_a_sale_alone) {
    auto paid = apply_order_paid(*db_, 5, std::chrono::system_clock::now(), "");
    EXPECT_EQ(paid.outcome, payment_outcome::applied);
    EXPECT_FALSE(paid.dividend);
    EXPECT_EQ(paid.order.status, "paid");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_entries"), 1);
    EXPECT_EQ(scalar("SELECT dividend_due FROM orders WHERE id = 5"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events"), 0);
    EXPECT_EQ(broken(), "");
}

}  // namespace
