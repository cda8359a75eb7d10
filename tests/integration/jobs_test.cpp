// Batch jobs (server/jobs/): `sharedstore jobs`, `sharedstore run-job prune-outbox` on a scratch
// database, and the same job on its schedule inside `serve`, with its metrics.
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "push/outbox_store.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/support/eventually.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

class jobs_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mysql_driver_init(); }
    void SetUp() override {
        database_ = "scratch_jobs_" + random_hex(6);
        admin_ = mysql_connect(test_config().mysql);
        execute("CREATE DATABASE `" + database_ + "`");
        env_ = {{"SHAREDSTORE_MYSQL_DATABASE", database_}};
        child_process migrate({SHAREDSTORE_BINARY, "migrate", "--config", test_config_path()}, env_, make_temp_dir("migrate") + "/out.log");
        ASSERT_EQ(migrate.wait_exit(60s), 0) << migrate.output();
        admin_->setSchema(database_);
        execute("INSERT INTO users (id, appid, openid) VALUES (1, 'wx', 'o1')");
        // 25 reminders relayed two days ago (one with its subscribe-message fallback), 3 relayed
        // just now, 2 old ones never relayed.
        for (int i = 1; i <= 25; ++i)
            execute("INSERT INTO outbox_events (id, user_id, kind, payload, created_at, relayed_at) VALUES (" + std::to_string(i) +
                    ", 1, 'dividend', '{}', UTC_TIMESTAMP(6) - INTERVAL 2 DAY, UTC_TIMESTAMP(6) - INTERVAL 2 DAY)");
        execute("INSERT INTO push_fallbacks (outbox_event_id, user_id, outcome) VALUES (7, 1, 'sent')");
        execute("INSERT INTO outbox_events (id, user_id, kind, payload, relayed_at) VALUES (26, 1, 'dividend', '{}', UTC_TIMESTAMP(6)), "
                "(27, 1, 'dividend', '{}', UTC_TIMESTAMP(6)), (28, 1, 'dividend', '{}', UTC_TIMESTAMP(6))");
        execute("INSERT INTO outbox_events (id, user_id, kind, payload, created_at) VALUES (29, 1, 'dividend', '{}', UTC_TIMESTAMP(6) - INTERVAL 3 DAY), "
                "(30, 1, 'dividend', '{}', UTC_TIMESTAMP(6) - INTERVAL 3 DAY)");
    }
    void TearDown() override { execute("DROP DATABASE IF EXISTS `" + database_ + "`"); }

    void execute(const std::string& statement) { std::unique_ptr<sql::Statement>(admin_->createStatement())->execute(statement); }
    long long scalar(const std::string& query) {
        std::unique_ptr<sql::Statement> st(admin_->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(query));
        return rs->next() ? rs->getInt64(1) : -1;
    }
    std::pair<int, std::string> run(std::vector<std::string> args, environment_changes extra = {}) {
        auto env = env_;
        env.insert(env.end(), extra.begin(), extra.end());
        std::vector<std::string> argv{SHAREDSTORE_BINARY};
        argv.insert(argv.end(), args.begin(), args.end());
        child_process process(argv, env, make_temp_dir("job") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }

    std::string database_;
    std::unique_ptr<sql::Connection> admin_;
    environment_changes env_;
};

TEST_F(jobs_test, jobs_lists_every_job_with_its_schedule) {
    auto [code, output] = run({"jobs", "--config", test_config_path()}, {{"SHAREDSTORE_JOBS_PRUNE_OUTBOX_EVERY_S", std::string("3600")}});
    EXPECT_EQ(code, 0) << output;
    EXPECT_NE(output.find("reconcile-payments"), std::string::npos) << output;
    EXPECT_NE(output.find("prune-outbox         every 3600s"), std::string::npos) << output;
    auto [unknown, why] = run({"run-job", "--config", test_config_path(), "no-such-job"});
    EXPECT_EQ(unknown, 2);
    EXPECT_NE(why.find("no job no-such-job"), std::string::npos) << why;
}

TEST_F(jobs_test, prune_outbox_deletes_relayed_reminders_past_the_retention_in_batches_and_nothing_else) {
    auto [code, output] = run({"run-job", "--config", test_config_path(), "prune-outbox"},
                              {{"SHAREDSTORE_JOBS_PRUNE_OUTBOX_RETENTION_S", std::string("86400")}, {"SHAREDSTORE_JOBS_PRUNE_OUTBOX_BATCH", std::string("10")}});
    ASSERT_EQ(code, 0) << output;
    EXPECT_NE(output.find("\"deleted\":25"), std::string::npos) << output;
    EXPECT_NE(output.find("\"batches\":3"), std::string::npos) << output;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events"), 5) << "recent and unrelayed events stay";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE id IN (26, 27, 28, 29, 30)"), 5);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_fallbacks"), 0) << "the fallback went with its event";
    // A fallback still scheduled in Redis for a pruned reminder is not claimed (nor fails on the
    // foreign key, which would stall every later fallback): the relay drops its entry.
    {
        auto config = test_config().mysql;
        config.database = database_;
        mysql_connection db(mysql_connect(config), 4, nullptr);
        fallback_claim claim;
        EXPECT_NO_THROW(claim = claim_fallback(db, 1, 7, "dividend-reminder-dev"));
        EXPECT_FALSE(claim.claimed);
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_fallbacks"), 0);
    }
    // Run again: nothing left to do.
    auto [again, second] = run({"run-job", "--config", test_config_path(), "prune-outbox"}, {{"SHAREDSTORE_JOBS_PRUNE_OUTBOX_RETENTION_S", std::string("86400")}});
    EXPECT_EQ(again, 0);
    EXPECT_NE(second.find("\"deleted\":0"), std::string::npos) << second;
}

TEST_F(jobs_test, serve_runs_a_scheduled_job_and_reports_it_in_metrics) {
    // A Redis of its own: instances that share Redis form one relay cluster, which must not mix
    // this scratch database with the other tests' one.
    redis_server_process redis;
    auto env = env_;
    env.emplace_back("SHAREDSTORE_REDIS_PORT", std::to_string(redis.port()));
    env.emplace_back("SHAREDSTORE_JOBS_PRUNE_OUTBOX_EVERY_S", std::string("1"));
    env.emplace_back("SHAREDSTORE_JOBS_PRUNE_OUTBOX_RETENTION_S", std::string("86400"));
    server_process server(env);
    eventually([&] { return scalar("SELECT COUNT(*) FROM outbox_events") <= 5; }, 10s);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events"), 5);
    std::string metrics;
    for (int i = 0; i < 50; ++i) {
        metrics = http_call(server.port(), "GET", "/metrics").body;
        if (metrics.find("sharedstore_job_runs_total{job=\"prune-outbox\",outcome=\"ok\"}") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(metrics.find("sharedstore_job_runs_total{job=\"prune-outbox\",outcome=\"ok\"}"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("sharedstore_job_last_run_timestamp_seconds{job=\"prune-outbox\"}"), std::string::npos);
    EXPECT_NE(server.log().find("\"event\":\"job_done\",\"job\":\"prune-outbox\""), std::string::npos);
}

}  // namespace
