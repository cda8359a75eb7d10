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

#include <algorithm>
#include <thread>

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
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-1", 2800, std::chrono::system_clock::now(), effects).outcome, refund_outcome::applied);
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-2", 10000, std::chrono::system_clock::now(), effects).outcome, refund_outcome::applied);
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-2", 10000, std::chrono::system_clock::now(), effects).outcome, refund_outcome::already_applied);
    EXPECT_EQ(probe->refunded_calls, 2);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::alliance_points, 2}), 0);
    EXPECT_EQ(account_balance(*db_, 10, {account_kind::sales, 0}), 0);
    EXPECT_EQ(broken(), "");
}

TEST_F(payment_effects_test, the_default_effects_book_a_purchase_without_an_owner_as_a_sale_alone) {
    auto paid = apply_order_paid(*db_, 5, std::chrono::system_clock::now(), "");
    EXPECT_EQ(paid.outcome, payment_outcome::applied);
    EXPECT_FALSE(paid.dividend);
    EXPECT_EQ(paid.order.status, order_status::paid);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_entries"), 1);
    EXPECT_EQ(scalar("SELECT dividend_due FROM orders WHERE id = 5"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events"), 0);
    EXPECT_EQ(broken(), "");
}

// The owner's dividend through every path a payment takes, table-driven: a customer owned by a
// partner at the 20 % tier buys 128 yuan at a 30 % margin (profit 38.40, dividend 7.68).
class owned_purchase_test : public payment_effects_test {
protected:
    void SetUp() override {
        payment_effects_test::SetUp();
        for (const char* statement :
             {"INSERT INTO users (id, appid, openid) VALUES (3, 'wx', 'partner')",
              "INSERT INTO tier_versions (id, merchant_id, version, profit_margin_bp, created_by_user_id, created_at) "
              "VALUES (1, 10, 1, 3000, 1, UTC_TIMESTAMP(6) - INTERVAL 1 DAY)",
              "INSERT INTO tier_version_tiers (tier_version_id, position, name, buy_in_fen, ratio_bp) VALUES (1, 0, '银卡', 1000000, 2000)",
              "INSERT INTO partners (id, merchant_id, user_id, total_buy_in_fen, enrolled_by_user_id) VALUES (4, 10, 3, 1000000, 1)",
              "INSERT INTO lead_history (merchant_id, customer_user_id, partner_id, reason, actor_user_id, created_at) "
              "VALUES (10, 2, 4, 'claimed', 2, UTC_TIMESTAMP(6) - INTERVAL 1 HOUR)"})
            execute(db_->native(), statement);
    }
};

TEST_F(owned_purchase_test, paid_then_refunded_in_parts_reverses_exactly_the_dividend) {
    struct refund_case {
        const char* name;
        std::vector<std::int64_t> refunds;
        std::vector<std::int64_t> reversals;  // floor(768 x refunded so far / 12800), less what went before
    };
    const std::vector<refund_case> cases{
        {"paid, never refunded", {}, {}},
        {"refunded whole", {12800}, {768}},
        {"refunded in two parts", {2800, 10000}, {168, 600}},
        {"refunded a fen at a time first", {1, 1, 12798}, {0, 0, 768}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        // Each case on an order of its own, its reminders counted alone.
        execute(db_->native(), "DELETE FROM outbox_events");
        execute(db_->native(), "INSERT INTO orders (id, merchant_id, source, kind, customer_user_id, amount_fen, status, merchant_order_id) "
                               "SELECT MAX(id) + 1, 10, 'pos', 'purchase', 2, 12800, 'created', CONCAT('A-', MAX(id) + 1) FROM orders");
        const auto order = static_cast<std::uint64_t>(scalar("SELECT MAX(id) FROM orders"));
        auto paid = apply_order_paid(*db_, order, std::chrono::system_clock::now(), "");
        ASSERT_EQ(paid.outcome, payment_outcome::applied);
        ASSERT_TRUE(paid.dividend);
        EXPECT_EQ(paid.dividend->amount_fen, 768);
        EXPECT_EQ(paid.order.profit_fen, 3840);
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = 3 AND kind = 'dividend'"), 1);
        std::int64_t reversed = 0;
        for (std::size_t i = 0; i < c.refunds.size(); ++i) {
            auto refund = apply_order_refund(*db_, order, "pos", "R-" + std::to_string(order) + "-" + std::to_string(i), c.refunds[i], std::chrono::system_clock::now());
            EXPECT_EQ(refund.outcome, refund_outcome::applied);
            EXPECT_EQ(refund.reversed_fen, c.reversals[i]) << "refund " << i;
            reversed += refund.reversed_fen;
        }
        EXPECT_EQ(scalar("SELECT reversed_fen FROM dividends WHERE order_id = " + std::to_string(order)), reversed);
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = 3 AND kind = 'reversal'"),
                  std::count_if(c.reversals.begin(), c.reversals.end(), [](std::int64_t r) { return r > 0; }))
            << "a reminder for every reversal that took something back";
    }
    EXPECT_EQ(broken(), "");
}

TEST_F(owned_purchase_test, a_refund_of_an_order_not_yet_paid_changes_nothing) {
    EXPECT_EQ(apply_order_refund(*db_, 5, "pos", "R-early", 100, std::chrono::system_clock::now()).outcome, refund_outcome::order_not_paid);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM refunds"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions"), 0);
}

// Two notifications of one payment at once, on two connections: the order row's lock makes one
// apply it and the other see it paid.
TEST_F(owned_purchase_test, paid_twice_at_once_pays_one_dividend) {
    auto config = test_config().mysql;
    config.database = database_;
    std::vector<payment_outcome> outcomes(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&, i] {
            mysql_connection db(mysql_connect(config), 16, nullptr);
            db.native().setAutoCommit(false);
            outcomes[i] = apply_order_paid(db, 5, std::chrono::system_clock::now(), "").outcome;
            db.native().commit();
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), payment_outcome::applied), 1);
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), payment_outcome::already_applied), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE order_id = 5"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE reference = 'order:5'"), 1);
    EXPECT_EQ(broken(), "");
}

}  // namespace
