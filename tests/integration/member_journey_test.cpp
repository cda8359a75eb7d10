// The member journey at the service tier (docs/members.md): a migrated scratch MariaDB, a clock of
// the test's own, orders through the one payment path (POS-like rows and order_service), the
// member jobs' steps run at chosen instants, and check-ledger after every step.
#include "common/clock.hpp"
#include "common/mysql_connection.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/domain/referrals.hpp"
#include "server/jobs/member_jobs.hpp"
#include "server/services/member_journey.hpp"
#include "server/services/member_pricing.hpp"
#include "server/services/member_service.hpp"
#include "server/services/order_payments.hpp"
#include "server/services/order_service.hpp"
#include "server/storage/ledger_check.hpp"
#include "server/storage/ledger_repository.hpp"
#include "server/storage/migrations.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/run_awaitable.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <stdexcept>
#include <boost/asio/use_future.hpp>
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <future>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

// A coroutine's value, for results that have no default (use_future needs one). No work guard:
// a pool job is outstanding work on the caller's io_context until it is answered, so io.run()
// returns only when the coroutine has ended (this suite would see an empty value otherwise).
template <class T>
T run_value(boost::asio::awaitable<T> task) {
    boost::asio::io_context io;
    std::optional<T> out;
    std::exception_ptr failed;
    auto body = [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(task)); };
    boost::asio::co_spawn(io, body(), [&](std::exception_ptr e) { failed = e; });
    io.run();
    if (failed) std::rethrow_exception(failed);
    if (!out) throw std::logic_error("io.run() returned before the coroutine ended");
    return std::move(*out);
}

// A coroutine's value into a slot of the caller's: its parameters live in the coroutine's frame
// (a lambda's captures would die with the lambda).
template <class T>
boost::asio::awaitable<void> store_into(std::optional<T>& slot, boost::asio::awaitable<T> task) {
    slot.emplace(co_await std::move(task));
}

class test_clock final : public wall_clock {
public:
    wall_time at = std::chrono::system_clock::now();
    wall_time now() const override { return at; }
};

constexpr std::uint64_t store = 10, owner = 1, buyer = 2, partner_user = 3;

// The worked salon of docs/business-rules.md section 4: L1 普通 0 / none / 1x; L2 银卡 2000 / 95 % / 1.2x, kept with 1000 a
// year; L3 金卡 10000 / 90 % / 1.5x, kept with 5000. One point per yuan, a point is worth a fen, at
// most 200 on an order, valid 24 months; the member task: 1000 yuan spent within 30 days.
class member_journey_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }
    void SetUp() override {
        config_ = test_config().mysql;
        database_ = "scratch_members_" + random_hex(6);
        admin_ = mysql_connect(config_);
        execute(*admin_, "CREATE DATABASE `" + database_ + "`");
        config_.database = database_;
        config_.pool_size = 4;
        auto native = mysql_connect(config_);
        apply_migrations(*native, prepare_migrations(embedded_migrations()), log_.log());
        db_ = std::make_unique<mysql_connection>(mysql_connect(config_), 16, nullptr);
        for (const char* statement :
             {"INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'owner'), (2, 'wx', 'buyer'), (3, 'wx', 'partner'), (4, 'wx', 'friend')",
              "INSERT INTO merchants (id, name, owner_user_id) VALUES (10, '发艺', 1)",
              "INSERT INTO member_programs (merchant_id, points_per_yuan, point_value_fen, max_points_per_order, points_validity_months, "
              "task_spend_fen, task_days, terms_version, terms_text, partner_requires_member, updated_by_user_id, updated_at) "
              "VALUES (10, 1, 1, 200, 24, 100000, 30, 'v1', '会员条款', TRUE, 1, UTC_TIMESTAMP(6))",
              "INSERT INTO member_levels (merchant_id, level_no, name, threshold_growth, discount_bp, points_multiplier_bp, retention_growth_12m) "
              "VALUES (10, 1, '普通', 0, 10000, 10000, 0), (10, 2, '银卡', 2000, 9500, 12000, 1000), (10, 3, '金卡', 10000, 9000, 15000, 5000)",
              "INSERT INTO member_offers (id, merchant_id, kind, name, price_fen, bonus_fen, created_by_user_id, created_at) "
              "VALUES (50, 10, 'topup_package', '充3000送1000', 300000, 100000, 1, UTC_TIMESTAMP(6)), "
              "(51, 10, 'membership_product', '年卡', 19900, 0, 1, UTC_TIMESTAMP(6))"})
            execute(db_->native(), statement);
        pool_ = std::make_unique<mysql_pool>(config_, log_.log());
        orders_ = std::make_unique<order_service>(*pool_, nullptr, log_.log(), outbox_signal{}, clock_);
        members_ = std::make_unique<member_service>(*pool_, clock_);
    }
    void TearDown() override {
        orders_.reset();
        members_.reset();
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
    std::string text(const std::string& query) {
        auto st = db_->prepare_uncached(query);
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
        return rs->next() ? std::string(rs->getString(1)) : std::string();
    }
    std::string broken() {
        std::string out;
        for (const auto& check : check_ledger(*db_))
            for (const auto& id : check.offending) out += check.name + ": " + id + "\n";
        return out;
    }
    template <class Fn>
    auto in_transaction(Fn fn) {
        db_->native().setAutoCommit(false);
        auto result = fn(*db_);
        db_->native().commit();
        db_->native().setAutoCommit(true);
        return result;
    }
    // An order of `kind` the buyer paid `ago` before the test clock (the POS's, or WeChat Pay's for
    // a top-up or membership product naming its offer); its id.
    std::uint64_t pay(std::int64_t amount, std::chrono::hours ago, const std::string& kind = "purchase", std::uint64_t offer = 0,
                      std::uint64_t who = buyer) {
        const auto source = kind == "purchase" ? "pos" : "wechat_pay";
        execute(db_->native(), "INSERT INTO orders (merchant_id, source, kind, customer_user_id, amount_fen, status, merchant_order_id, offer_id) "
                               "SELECT 10, '" + std::string(source) + "', '" + kind + "', " + std::to_string(who) + ", " + std::to_string(amount) +
                                   ", 'created', CONCAT('M-', COALESCE(MAX(id), 0) + 1), " + (offer ? std::to_string(offer) : "NULL") + " FROM orders");
        const auto order = static_cast<std::uint64_t>(scalar("SELECT MAX(id) FROM orders"));
        auto paid = in_transaction([&](mysql_connection& db) { return apply_order_paid(db, order, clock_.at - ago, ""); });
        EXPECT_EQ(paid.outcome, payment_outcome::applied);
        return order;
    }
    void refund(std::uint64_t order, const std::string& key, std::int64_t amount) {
        auto refunded = in_transaction([&](mysql_connection& db) { return apply_order_refund(db, order, "pos", key, amount, clock_.at); });
        EXPECT_EQ(refunded.outcome, refund_outcome::applied);
    }
    job_report run(std::unique_ptr<job> j) { return run_awaitable(j->run_once(clock_.at)); }
    job_report vest() { return run(make_vest_member_orders_job(*pool_, 100)); }
    std::int64_t balance(account_kind kind, std::uint64_t user = buyer) { return account_balance(*db_, store, {kind, user}); }
    std::string stage(std::uint64_t user = buyer) { return text("SELECT stage FROM member_profiles WHERE merchant_id = 10 AND user_id = " + std::to_string(user)); }
    long long level(std::uint64_t user = buyer) {
        return scalar("SELECT COALESCE(level_no, 0) FROM member_profiles WHERE merchant_id = 10 AND user_id = " + std::to_string(user));
    }
    long long growth() { return scalar("SELECT growth FROM member_profiles WHERE merchant_id = 10 AND user_id = 2"); }
    long long frames(const std::string& kind) { return scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = '" + kind + "'"); }
    service_result<created_order> buy(std::int64_t listed, std::int64_t points, payment_source pay_with = payment_source::prepaid) {
        return run_value(orders_->create(buyer, order_request{.merchant_id = store,
                                                                  .amount_fen = listed,
                                                                  .description = "洗剪吹",
                                                                  .kind = order_kind::purchase,
                                                                  .pay_with = pay_with,
                                                                  .offer_id = std::nullopt,
                                                                  .points = points}));
    }

    captured_log log_;
    test_clock clock_;
    mysql_config config_;
    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
    std::unique_ptr<mysql_connection> db_;
    std::unique_ptr<mysql_pool> pool_;
    std::unique_ptr<order_service> orders_;
    std::unique_ptr<member_service> members_;
};

TEST_F(member_journey_test, a_customer_becomes_a_member_with_a_level_and_a_refund_takes_growth_points_and_level_back) {
    in_transaction([](mysql_connection& db) {
        record_member_contact(db, store, buyer, "claim", std::chrono::system_clock::now());
        return 0;
    });
    EXPECT_EQ(stage(), "fan");
    const auto big = pay(1'200'000, 8 * 24h);  // 12000 yuan at the POS, no level yet: 1x
    EXPECT_EQ(balance(account_kind::member_points_pending), 12'000) << "earned at payment, pending inside the refund window";
    EXPECT_EQ(stage(), "fan") << "a customer once the order's window closes";
    EXPECT_EQ(broken(), "");

    EXPECT_EQ(vest().figures.at("orders").as_int64(), 1);
    EXPECT_EQ(vest().figures.at("orders").as_int64(), 0) << "run again: nothing vests twice";
    EXPECT_EQ(stage(), "customer");
    EXPECT_EQ(growth(), 12'000);
    EXPECT_EQ(balance(account_kind::member_points_pending), 0);
    EXPECT_EQ(balance(account_kind::member_points), 12'000);
    EXPECT_EQ(text("SELECT member_qualified_by FROM member_profiles WHERE user_id = 2"), "task_spend") << "1000 yuan within 30 days";
    EXPECT_EQ(level(), 0) << "levels are members'";
    EXPECT_EQ(broken(), "");

    EXPECT_EQ(run_value(members_->accept_terms(buyer, store, "v0")).error().kind, service_failure::member_terms_mismatch);
    ASSERT_TRUE(run_value(members_->accept_terms(buyer, store, "v1")));
    EXPECT_EQ(stage(), "member");
    EXPECT_EQ(level(), 3) << "growth 12000 reaches 金卡 at once";
    EXPECT_EQ(frames("level_up"), 1);

    // The level prices an API order: 388 yuan at 90 % is 349.20, less 100 points; paid from a top-up.
    pay(300'000, 1h, "top_up", 50);
    EXPECT_EQ(balance(account_kind::prepaid_principal), 300'000);
    EXPECT_EQ(balance(account_kind::prepaid_bonus), 100'000);
    auto bought = buy(38'800, 100);
    ASSERT_TRUE(bought) << static_cast<int>(bought.error().kind);
    const auto& order = bought.value().order;
    EXPECT_EQ(order.amount_fen, 34'920 - 100);
    EXPECT_EQ(order.member.listed_fen, 38'800);
    EXPECT_EQ(order.member.level_no, 3);
    EXPECT_EQ(order.member.discount_bp, 9'000);
    EXPECT_EQ(order.member.points_discount_fen, 100);
    EXPECT_EQ(order.member.prepaid_principal_fen, 34'820 * 3 / 4) << "principal and bonus in proportion: 3 to 1";
    EXPECT_EQ(order.member.prepaid_principal_fen + order.member.prepaid_bonus_fen, 34'820);
    EXPECT_EQ(balance(account_kind::member_points), 11'900);
    EXPECT_EQ(balance(account_kind::member_points_pending), 34'820 * 15 / 1000) << "floor(34820 x 1 x 15000 / 10^6) = 522 at 1.5x";
    EXPECT_EQ(broken(), "");

    clock_.at += 8 * 24h;
    EXPECT_EQ(vest().figures.at("orders").as_int64(), 1) << "the purchase; a top-up earns nothing until it is spent";
    EXPECT_EQ(growth(), 12'000 + 348);
    EXPECT_EQ(balance(account_kind::member_points), 11'900 + 522);

    // The big order refunded after its window: its growth and points go back at once, and so does the level.
    refund(big, "R-1", 1'200'000);
    EXPECT_EQ(growth(), 348);
    EXPECT_EQ(level(), 1) << "348 growth is 普通";
    EXPECT_EQ(stage(), "member") << "a refund never lowers a stage";
    EXPECT_EQ(balance(account_kind::member_points), 422);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM member_events WHERE kind = 'level'"), 2);
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, twenty_concurrent_spends_of_one_points_balance_never_take_it_below_zero) {
    pay(100'000, 8 * 24h);  // 1000 points at 1x
    pay(300'000, 8 * 24h, "top_up", 50);
    vest();
    ASSERT_EQ(balance(account_kind::member_points), 1'000);
    boost::asio::io_context io;
    std::vector<std::optional<service_result<created_order>>> spends(20);
    for (auto& slot : spends) {
        const order_request request{.merchant_id = store,
                                    .amount_fen = 1'000,
                                    .description = "x",
                                    .kind = order_kind::purchase,
                                    .pay_with = payment_source::prepaid,
                                    .offer_id = std::nullopt,
                                    .points = 100};
        boost::asio::co_spawn(io, store_into(slot, orders_->create(buyer, request)), [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    }
    io.run();
    int paid = 0, refused = 0;
    for (auto& r : spends) {
        ASSERT_TRUE(r.has_value());
        if (*r) ++paid;
        else if (r->error().kind == service_failure::points_over_balance) ++refused;
    }
    EXPECT_EQ(paid, 10);
    EXPECT_EQ(refused, 10);
    EXPECT_EQ(balance(account_kind::member_points), 0);
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, the_research_notes_top_up_spent_then_refunded_returns_the_principal_left_only) {
    const auto topup = pay(300'000, 1h, "top_up", 50);
    auto spent = buy(359'400, 0);
    ASSERT_TRUE(spent);
    EXPECT_EQ(spent.value().order.member.prepaid_principal_fen, 269'550);
    EXPECT_EQ(spent.value().order.member.prepaid_bonus_fen, 89'850);
    EXPECT_EQ(balance(account_kind::prepaid_principal), 30'450);
    EXPECT_EQ(balance(account_kind::prepaid_bonus), 10'150);
    EXPECT_EQ(buy(40'601, 0).error().kind, service_failure::insufficient_prepaid);
    refund(topup, "T-1", 30'450);
    EXPECT_EQ(balance(account_kind::prepaid_principal), 0);
    EXPECT_EQ(balance(account_kind::prepaid_bonus), 0) << "the bonus goes with the principal";
    EXPECT_EQ(balance(account_kind::prepaid_bonus_expense, 0), 100'000 - 10'150);
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, a_refund_of_a_prepaid_purchase_puts_each_bucket_back_and_returns_its_points) {
    pay(100'000, 8 * 24h);
    pay(300'000, 8 * 24h, "top_up", 50);
    vest();
    auto bought = buy(10'001, 150);
    ASSERT_TRUE(bought);
    const auto id = bought.value().order.id;
    refund(id, "P-1", 3'333);
    refund(id, "P-2", 10'001 - 150 - 3'333);
    EXPECT_EQ(balance(account_kind::prepaid_principal), 300'000);
    EXPECT_EQ(balance(account_kind::prepaid_bonus), 100'000);
    EXPECT_EQ(balance(account_kind::member_points), 1'000) << "the 150 points spent came back";
    EXPECT_EQ(balance(account_kind::member_points_pending), 0) << "and what it earned went";
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, points_expire_after_their_validity_with_one_reminder_first) {
    pay(50'000, 8 * 24h);
    vest();
    ASSERT_EQ(balance(account_kind::member_points), 500);
    clock_.at += 24 * 30 * 24h - 10 * 24h;  // about 23 months and 20 days on
    auto expiry = [&] { return run(make_expire_member_points_job(*pool_, 100)); };
    auto first = expiry();
    EXPECT_EQ(first.figures.at("expired_lots").as_int64(), 0);
    EXPECT_EQ(first.figures.at("reminded_lots").as_int64(), 1);
    EXPECT_EQ(expiry().figures.at("reminded_lots").as_int64(), 0) << "one reminder per lot";
    EXPECT_EQ(frames("points_expiring"), 1);
    clock_.at += 40 * 24h;
    EXPECT_EQ(expiry().figures.at("expired_lots").as_int64(), 1);
    EXPECT_EQ(balance(account_kind::member_points), 0);
    EXPECT_EQ(text("SELECT kind FROM member_point_moves ORDER BY id DESC LIMIT 1"), "expired");
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, a_year_without_the_retention_growth_drops_one_level) {
    execute(db_->native(), "UPDATE member_programs SET task_spend_fen = NULL, task_days = NULL");
    auto product = pay(19'900, 8 * 24h, "membership", 51);
    EXPECT_EQ(text("SELECT member_qualified_by FROM member_profiles WHERE user_id = 2"), "membership_product");
    pay(300'000, 8 * 24h);  // 3000 growth: 银卡
    vest();
    ASSERT_TRUE(run_value(members_->accept_terms(buyer, store, "v1")));
    ASSERT_EQ(level(), 2);
    clock_.at += 200 * 24h;
    auto retention = [&] { return run(make_member_level_retention_job(*pool_, 100)); };
    EXPECT_EQ(retention().figures.at("dropped").as_int64(), 0) << "not a year yet";
    clock_.at += 200 * 24h;
    EXPECT_EQ(retention().figures.at("dropped").as_int64(), 1) << "nothing earned in the last 12 months";
    EXPECT_EQ(level(), 1);
    EXPECT_EQ(growth(), 0) << "growth restarts at 普通's threshold";
    EXPECT_EQ(broken(), "");
    (void)product;
}

TEST_F(member_journey_test, a_membership_product_refunded_inside_its_window_reverts_the_member) {
    execute(db_->native(), "UPDATE member_programs SET task_spend_fen = NULL, task_days = NULL");
    pay(10'000, 9 * 24h);
    vest();
    ASSERT_EQ(stage(), "customer");
    const auto product = pay(19'900, 1h, "membership", 51);
    ASSERT_TRUE(run_value(members_->accept_terms(buyer, store, "v1")));
    EXPECT_EQ(stage(), "member");
    refund(product, "M-1", 19'900);
    EXPECT_EQ(stage(), "customer");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM member_events WHERE kind = 'stage' AND reason = 'membership_refunded'"), 1);
    EXPECT_EQ(broken(), "");
}

TEST_F(member_journey_test, a_store_that_takes_partners_from_members_refuses_a_customers_buy_in) {
    execute(db_->native(), "INSERT INTO tier_versions (id, merchant_id, version, profit_margin_bp, created_by_user_id, created_at) "
                           "VALUES (1, 10, 1, 3000, 1, UTC_TIMESTAMP(6) - INTERVAL 30 DAY)");
    execute(db_->native(), "INSERT INTO tier_version_tiers (tier_version_id, position, name, buy_in_fen, ratio_bp) VALUES (1, 0, '银卡', 100000, 2000)");
    auto refused = in_transaction([](mysql_connection& db) { return check_partner_requires_member(db, store, buyer); });
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->kind, service_failure::member_required);
    execute(db_->native(), "UPDATE member_programs SET partner_requires_member = FALSE");
    EXPECT_FALSE(in_transaction([](mysql_connection& db) { return check_partner_requires_member(db, store, buyer); }));
}

TEST_F(member_journey_test, the_first_referral_link_holds_and_loops_are_refused) {
    auto link = [&](std::uint64_t user, std::uint64_t referrer) {
        return in_transaction([&](mysql_connection& db) { return link_first_referral(db, user, referrer, store, std::nullopt, clock_.at); });
    };
    EXPECT_FALSE(link(buyer, partner_user));
    EXPECT_EQ(link(buyer, 4), referral_refusal::already_set) << "the first link holds";
    EXPECT_EQ(scalar("SELECT referrer_user_id FROM referrals WHERE user_id = 2"), 3);
    EXPECT_FALSE(link(4, buyer));  // 4 -> 2 -> 3
    EXPECT_EQ(link(partner_user, 4), referral_refusal::loop) << "3 -> 4 would close 4 -> 2 -> 3";
    EXPECT_EQ(link(4, 4), referral_refusal::self_referral);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM referrals"), 2);
    // An operator may correct a link, audited, but never into a loop.
    auto correct = [&](std::uint64_t user, std::uint64_t referrer) {
        return in_transaction(
            [&](mysql_connection& db) { return correct_lifetime_referral(db, user, referrer, "ops:li", "wrong share scanned", clock_.at); });
    };
    EXPECT_EQ(correct(partner_user, 4), referral_refusal::loop);
    EXPECT_FALSE(correct(buyer, owner));
    EXPECT_EQ(scalar("SELECT referrer_user_id FROM referrals WHERE user_id = 2"), 1);
    EXPECT_EQ(text("SELECT source FROM referrals WHERE user_id = 2"), "operator");
    EXPECT_EQ(scalar("SELECT previous_referrer_user_id FROM referral_corrections WHERE user_id = 2"), 3);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM referral_corrections"), 1) << "the refused correction left no trace";
}

}  // namespace
