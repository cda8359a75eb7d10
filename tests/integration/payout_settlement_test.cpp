// Settlement and clawback at the service tier (docs/payouts.md): payout_service::settle on a
// migrated scratch MariaDB with a clock of the test's own, orders paid and refunded through the one
// payment path, and check-ledger after each step.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/services/order_payments.hpp"
#include "server/services/payout_service.hpp"
#include "server/storage/ledger_check.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/migrations.hpp"
#include "server/storage/payout_repository.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/run_awaitable.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

class test_clock final : public wall_clock {
public:
    wall_time at = std::chrono::system_clock::now();
    wall_time now() const override { return at; }
};

// A customer (user 2) owned by partner 4 (user 3) at the 20 % tier buys 128 yuan at a 30 % margin:
// profit 38.40, dividend 7.68, settling 7 days after payment.
class payout_settlement_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }
    void SetUp() override {
        config_ = test_config().mysql;
        database_ = "scratch_settle_" + random_hex(6);
        admin_ = mysql_connect(config_);
        execute(*admin_, "CREATE DATABASE `" + database_ + "`");
        config_.database = database_;
        config_.pool_size = 3;
        auto native = mysql_connect(config_);
        apply_migrations(*native, prepare_migrations(embedded_migrations()), log_.log());
        db_ = std::make_unique<mysql_connection>(mysql_connect(config_), 16, nullptr);
        for (const char* statement :
             {"INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'owner'), (2, 'wx', 'buyer'), (3, 'wx', 'partner')",
              "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, 's', 1)",
              "INSERT INTO tier_versions (id, merchant_id, version, profit_margin_bp, created_by_user_id, created_at) "
              "VALUES (1, 10, 1, 3000, 1, UTC_TIMESTAMP(6) - INTERVAL 30 DAY)",
              "INSERT INTO tier_version_tiers (tier_version_id, position, name, buy_in_fen, ratio_bp) VALUES (1, 0, '银卡', 1000000, 2000)",
              "INSERT INTO partners (id, merchant_id, user_id, total_buy_in_fen, enrolled_by_user_id) VALUES (4, 10, 3, 1000000, 1)",
              "INSERT INTO lead_history (merchant_id, customer_user_id, partner_id, reason, actor_user_id, created_at) "
              "VALUES (10, 2, 4, 'claimed', 2, UTC_TIMESTAMP(6) - INTERVAL 30 DAY)"})
            execute(db_->native(), statement);
        pool_ = std::make_unique<mysql_pool>(config_, log_.log());
        payouts_ = std::make_unique<payout_service>(*pool_, nullptr, clock_, log_.log(), payout_options{});
    }
    void TearDown() override {
        payouts_.reset();
        if (pool_) pool_->stop();
        pool_.reset();
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
    // A 128-yuan purchase paid `ago` before the test clock; its order id.
    std::uint64_t pay(std::chrono::hours ago) {
        execute(db_->native(), "INSERT INTO orders (merchant_id, source, kind, customer_user_id, amount_fen, status, merchant_order_id) "
                               "SELECT 10, 'pos', 'purchase', 2, 12800, 'created', CONCAT('A-', COALESCE(MAX(id), 0) + 1) FROM orders");
        const auto order = static_cast<std::uint64_t>(scalar("SELECT MAX(id) FROM orders"));
        db_->native().setAutoCommit(false);
        auto paid = apply_order_paid(*db_, order, clock_.at - ago, "");
        db_->native().commit();
        db_->native().setAutoCommit(true);
        EXPECT_EQ(paid.outcome, payment_outcome::applied);
        EXPECT_TRUE(paid.dividend);
        return order;
    }
    std::int64_t refund(std::uint64_t order, const std::string& key, std::int64_t amount) {
        db_->native().setAutoCommit(false);
        auto refunded = apply_order_refund(*db_, order, "pos", key, amount, clock_.at);
        db_->native().commit();
        db_->native().setAutoCommit(true);
        EXPECT_EQ(refunded.outcome, refund_outcome::applied);
        return refunded.reversed_fen;
    }
    std::int64_t balance(account_kind kind) { return account_balance(*db_, 10, {kind, 3}); }
    settle_report settle() { return run_awaitable(payouts_->settle(clock_.at, 100)); }
    // What a withdrawal in flight does to the ledger, without WeChat Pay: the amount leaves the
    // withdrawable balance (the payout flows themselves are tested against the simulator).
    void withdraw_in_flight(std::int64_t amount) {
        db_->native().setAutoCommit(false);
        const auto id = insert_payout(*db_, new_payout{.merchant_id = 10, .partner_id = 4, .partner_user_id = 3, .request_id = "w-" + random_hex(4),
                                                       .amount_fen = amount, .state = payout_state::wait_user_confirm, .openid = "partner",
                                                       .transfer_remark = "r"});
        post_ledger_transaction(*db_, ledger_posting{10, "payout_request", std::to_string(id), 3, withdrawal_entries(3, amount), ""});
        db_->native().commit();
        db_->native().setAutoCommit(true);
    }

    captured_log log_;
    test_clock clock_;
    mysql_config config_;
    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
    std::unique_ptr<mysql_connection> db_;
    std::unique_ptr<mysql_pool> pool_;
    std::unique_ptr<payout_service> payouts_;
};

TEST_F(payout_settlement_test, a_dividend_settles_after_its_delay_once) {
    pay(6 * 24h);
    EXPECT_EQ(settle().dividends, 0) << "six days after payment: still inside the seven-day delay";
    EXPECT_EQ(balance(account_kind::dividend_payable), 768);
    clock_.at += 24h;
    const auto first = settle();
    EXPECT_EQ(first.settlements, 1);
    EXPECT_EQ(first.dividends, 1);
    EXPECT_EQ(first.settled_fen, 768);
    EXPECT_EQ(balance(account_kind::dividend_payable), 0);
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 768);
    EXPECT_EQ(scalar("SELECT settled_at IS NOT NULL FROM dividends"), 1);
    EXPECT_EQ(settle().dividends, 0) << "run again: nothing moves twice";
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 768);
    EXPECT_EQ(broken(), "");
}

TEST_F(payout_settlement_test, two_runs_at_once_settle_each_dividend_once) {
    for (int i = 0; i < 20; ++i) pay(8 * 24h);
    boost::asio::io_context io;
    auto a = boost::asio::co_spawn(io, payouts_->settle(clock_.at, 100), boost::asio::use_future);
    auto b = boost::asio::co_spawn(io, payouts_->settle(clock_.at, 100), boost::asio::use_future);
    io.run();
    const auto ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.dividends + rb.dividends, 20);
    EXPECT_EQ(ra.settled_fen + rb.settled_fen, 20 * 768);
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 20 * 768);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividend_settlements"), ra.settlements + rb.settlements);
    EXPECT_EQ(broken(), "");
}

TEST_F(payout_settlement_test, a_refund_before_settlement_leaves_less_to_settle_and_a_whole_one_nothing) {
    const auto partly = pay(8 * 24h);
    const auto wholly = pay(8 * 24h);
    EXPECT_EQ(refund(partly, "R-1", 2800), 168);
    EXPECT_EQ(refund(wholly, "R-2", 12800), 768);
    const auto r = settle();
    EXPECT_EQ(r.settled_fen, 600);
    EXPECT_EQ(r.dividends, 1);
    EXPECT_EQ(r.closed_reversed, 1) << "the wholly reversed one is closed, not settled";
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 600);
    EXPECT_EQ(broken(), "");
}

TEST_F(payout_settlement_test, a_refund_after_settlement_takes_the_withdrawable_balance_back) {
    const auto order = pay(8 * 24h);
    settle();
    EXPECT_EQ(refund(order, "R-1", 2800), 168);
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 600);
    EXPECT_EQ(balance(account_kind::clawback_receivable), 0);
    EXPECT_EQ(scalar("SELECT from_withdrawable_fen FROM dividend_reversals"), 168);
    EXPECT_EQ(broken(), "");
}

TEST_F(payout_settlement_test, a_refund_after_the_money_was_withdrawn_becomes_a_debt_netted_from_the_next_dividends) {
    const auto order = pay(8 * 24h);
    settle();
    withdraw_in_flight(700);  // 68 fen left withdrawable
    EXPECT_EQ(refund(order, "R-1", 12800), 768);
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 0);
    EXPECT_EQ(balance(account_kind::clawback_receivable), 700) << "68 from the balance, 700 owed";
    EXPECT_EQ(scalar("SELECT to_debt_fen FROM dividend_reversals"), 700);
    EXPECT_EQ(broken(), "");

    // The next dividend (768) pays the debt first: 700 to it, 68 withdrawable.
    pay(8 * 24h);
    const auto r = settle();
    EXPECT_EQ(r.to_debt_fen, 700);
    EXPECT_EQ(balance(account_kind::clawback_receivable), 0);
    EXPECT_EQ(balance(account_kind::dividend_withdrawable), 68);
    EXPECT_EQ(scalar("SELECT to_debt_fen FROM dividend_settlements ORDER BY id DESC LIMIT 1"), 700);
    EXPECT_EQ(broken(), "");

    // The partner and the store see it in the balances.
    const auto mine = user_payout_balances(*db_, 3, 10);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].withdrawable_fen, 68);
    EXPECT_EQ(mine[0].in_flight_fen, 700);
    EXPECT_EQ(mine[0].debt_fen, 0);
    EXPECT_EQ(store_payout_balances(*db_, 10).size(), 1u);
}

TEST_F(payout_settlement_test, check_ledger_sees_a_payable_that_no_longer_matches_its_dividends) {
    pay(1h);
    EXPECT_EQ(broken(), "");
    execute(db_->native(), "UPDATE dividends SET settled_at = UTC_TIMESTAMP(6)");  // settled without moving the money
    EXPECT_NE(broken().find("dividend_payable equals"), std::string::npos) << broken();
}

}  // namespace
