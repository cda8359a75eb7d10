// sharedstore-bench alliance-dividend: seeds a database of its own (migrated by `sharedstore
// migrate`) with C consumers, M member stores and N paid, vested alliance orders (each a lot for
// its buyer and one for its store: 2N lots), the fund holding every order's share, then times
// `sharedstore run-job pay-alliance-dividends` on it: the start (S_n and V_n over every lot) and
// the chunks to the last commit, the job's peak RSS (wait4) and MariaDB's (VmRSS sampled every
// 100 ms), and checks that the dividend credited exactly what its lots released, once per holder.
// The seed is SQL over MariaDB's sequence engine (seq_1_to_N), not the API: 500,000 orders
// through the POS would take longer than the dividend.
#include "bench/bench_alliance_dividend.hpp"

#include "bench/bench_dividend_delivery.hpp"
#include "bench/bench_support.hpp"

#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/config.hpp"

#include <boost/json.hpp>
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sharedstore::bench {

namespace {

namespace json = boost::json;
using steady = std::chrono::steady_clock;

struct options {
    std::string config = "conf/dev.json";
    std::string binary = "build/server/sharedstore";
    long long consumers = 200'000;
    long long merchants = 2'000;
    long long orders = 500'000;
    int chunk = 2000;
    int pause_ms = 0;
    bool keep = false;
    int mariadb_pid = 0;  // 0: read from @@pid_file
    // The second half: holders connected over WebSocket (0: none, no server), probe reminders.
    long long connected = 0;
    int probes = 20;
    double probe_rate = 20;
    double baseline_s = 5;
    double after_s = 40;
};

double seconds_since(steady::time_point t0) { return std::chrono::duration<double>(steady::now() - t0).count(); }

void exec(sql::Connection& db, const std::string& statement) { std::unique_ptr<sql::Statement>(db.createStatement())->execute(statement); }

long long number(sql::Connection& db, const std::string& query) {
    std::unique_ptr<sql::Statement> st(db.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(query));
    return rs->next() && !rs->isNull(1) ? rs->getInt64(1) : 0;
}

std::string text(sql::Connection& db, const std::string& query) {
    std::unique_ptr<sql::Statement> st(db.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(query));
    return rs->next() && !rs->isNull(1) ? std::string(rs->getString(1)) : std::string();
}

struct child_run {
    int status = -1;
    long long max_rss_kib = 0;
    double cpu_s = 0;
    double seconds = 0;
    std::string output;
};

// The command with `env` added to this process's environment, its output in `log`; waits for it.
child_run run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& log) {
    const auto t0 = steady::now();
    child_run run;
    const pid_t pid = spawn_process(argv, env, log);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    run.seconds = seconds_since(t0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.max_rss_kib = usage.ru_maxrss;
    run.cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::ifstream in(log);
    std::stringstream all;
    all << in.rdbuf();
    run.output = all.str();
    return run;
}

bool parse(const std::vector<std::string>& args, options& o) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
            return args[++i];
        };
        if (a == "--config") o.config = value();
        else if (a == "--binary") o.binary = value();
        else if (a == "--consumers") o.consumers = std::stoll(value());
        else if (a == "--merchants") o.merchants = std::stoll(value());
        else if (a == "--orders") o.orders = std::stoll(value());
        else if (a == "--chunk") o.chunk = std::stoi(value());
        else if (a == "--pause-ms") o.pause_ms = std::stoi(value());
        else if (a == "--keep") o.keep = true;
        else if (a == "--mariadb-pid") o.mariadb_pid = std::stoi(value());
        else if (a == "--connected") o.connected = std::stoll(value());
        else if (a == "--probes") o.probes = std::stoi(value());
        else if (a == "--probe-rate") o.probe_rate = std::stod(value());
        else if (a == "--baseline-s") o.baseline_s = std::stod(value());
        else if (a == "--after-s") o.after_s = std::stod(value());
        else return false;
    }
    return o.consumers > 0 && o.merchants > 0 && o.orders > 0 && o.chunk > 0 && o.connected >= 0 && o.connected <= o.consumers && o.probes > 0 &&
           o.probe_rate > 0 && o.baseline_s >= 0;
}

void seed(sql::Connection& db, const options& o) {
    const auto users = o.consumers + o.merchants;
    exec(db, "INSERT INTO users (appid, openid) SELECT 'wxbench', CONCAT('o', seq) FROM seq_1_to_" + std::to_string(users));
    const auto u0 = number(db, "SELECT MIN(id) FROM users WHERE appid = 'wxbench'");
    exec(db, "INSERT INTO merchants (name, owner_user_id) SELECT CONCAT('联盟店 ', seq), " + std::to_string(u0 + o.consumers - 1) + " + seq FROM seq_1_to_" +
                 std::to_string(o.merchants));
    const auto m0 = number(db, "SELECT MIN(id) FROM merchants");
    exec(db, "INSERT INTO alliance_members (merchant_id, admitted_by_user_id, admitted_at) SELECT id, owner_user_id, UTC_TIMESTAMP(6) FROM merchants");
    // Orders of 10.00-499.99 yuan spread over the consumers and the stores, paid ten days ago.
    exec(db, "INSERT INTO orders (merchant_id, source, kind, merchant_order_id, customer_user_id, amount_fen, status, paid_at) "
             "SELECT " + std::to_string(m0) + " + seq % " + std::to_string(o.merchants) + ", 'pos', 'purchase', CONCAT('B', seq), " +
                 std::to_string(u0) + " + seq % " + std::to_string(o.consumers) +
                 ", 1000 + (seq * 7919) % 49000, 'paid', UTC_TIMESTAMP(6) - INTERVAL 10 DAY FROM seq_1_to_" + std::to_string(o.orders));
    // c = 1000 bp, the default fund share 5000 bp, no fan-lock rewards: vested a week after payment.
    exec(db, "INSERT INTO alliance_accruals (order_id, merchant_id, consumer_user_id, concession_version, concession_bp, pool_config_version, "
             "fund_share_bp, lock_bp, amount_fen, base_fen, concession_fen, fund_fen, lock_fen, platform_fen, state, paid_at, vests_at, vested_at) "
             "SELECT id, merchant_id, customer_user_id, 1, 1000, 0, 5000, 100, amount_fen, amount_fen, FLOOR(amount_fen / 10), "
             "FLOOR(FLOOR(amount_fen / 10) / 2), 0, FLOOR(amount_fen / 10) - FLOOR(FLOOR(amount_fen / 10) / 2), 'vested', paid_at, "
             "paid_at + INTERVAL 7 DAY, paid_at + INTERVAL 7 DAY FROM orders WHERE merchant_order_id LIKE 'B%'");
    exec(db, "INSERT INTO alliance_lots (order_id, holder, user_id, merchant_id, cp, state, created_at, vested_at) "
             "SELECT order_id, 'consumer', consumer_user_id, NULL, concession_fen, 'vested', paid_at, vested_at FROM alliance_accruals");
    exec(db, "INSERT INTO alliance_lots (order_id, holder, user_id, merchant_id, cp, state, created_at, vested_at) "
             "SELECT order_id, 'merchant', NULL, merchant_id, concession_fen, 'vested', paid_at, vested_at FROM alliance_accruals");
    // The fund's free balance: every order's share (credit-normal, so negative in the cache).
    exec(db, "INSERT INTO ledger_accounts (book_id, merchant_id, kind, asset, user_id, balance) "
             "SELECT b.id, 0, 'alliance_fund_free', 'cny_fen', 0, -(SELECT SUM(fund_fen) FROM alliance_accruals) FROM ledger_books b WHERE b.kind = 'platform'");
}

}  // namespace

const char* alliance_dividend_usage() {
    return "  sharedstore-bench alliance-dividend [--config conf/dev.json] [--binary build/server/sharedstore]\n"
           "        [--consumers 200000] [--merchants 2000] [--orders 500000] [--chunk 2000] [--pause-ms 0] [--mariadb-pid N] [--keep]\n"
           "        [--connected 10000 [--probes 20] [--probe-rate 20] [--baseline-s 5] [--after-s 40]]   holders on WebSockets of a server of its own\n";
}

int run_alliance_dividend(const std::vector<std::string>& args) {
    options o;
    try {
        if (!parse(args, o)) {
            std::cerr << alliance_dividend_usage();
            return 2;
        }
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n" << alliance_dividend_usage();
        return 2;
    }
    if (o.connected > 0) {
        // A socket a holder, and the probes'.
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    const auto config = load_config_file(o.config, process_environment(), false);
    auto admin = mysql_connect(config.mysql);
    const auto name = "bench_alliance_" + random_hex(4);
    exec(*admin, "CREATE DATABASE `" + name + "`");
    std::vector<std::string> env{"SHAREDSTORE_MYSQL_DATABASE=" + name, "SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS=" + std::to_string(o.chunk),
                                 "SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_PAUSE_MS=" + std::to_string(o.pause_ms)};
    // Without connected holders no relay runs: the frames stay in the outbox, so the job must not
    // wait for them. With them, the configured backlog holds as in production.
    if (o.connected == 0) env.push_back("SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_BACKLOG=0");
    const auto log = "/tmp/" + name + ".log";
    int exit_status = 0;
    try {
        auto migrated = run_child({o.binary, "migrate", "--config", o.config}, env, log);
        if (migrated.status != 0) throw std::runtime_error("migrate failed: " + migrated.output);
        auto db_config = config.mysql;
        db_config.database = name;
        // The seed's statements write hundreds of thousands of rows each.
        db_config.read_timeout = db_config.write_timeout = std::chrono::minutes(30);
        auto db = mysql_connect(db_config);

        const auto seed_t0 = steady::now();
        seed(*db, o);
        const double seed_s = seconds_since(seed_t0);
        const auto lots = number(*db, "SELECT COUNT(*) FROM alliance_lots");
        const auto pool_cp = number(*db, "SELECT SUM(cp) FROM alliance_lots");

        // MariaDB's resident set while the job runs, sampled.
        const auto mariadb_pid = o.mariadb_pid ? o.mariadb_pid : std::atoi(text(*db, "SELECT LOAD_FILE(@@pid_file)").c_str());
        std::atomic<bool> running{true};
        std::atomic<long long> mariadb_peak{0};
        const long long mariadb_before = mariadb_pid ? process_rss_kib(mariadb_pid) : 0;
        std::thread sampler([&] {
            while (running) {
                if (mariadb_pid) mariadb_peak = std::max(mariadb_peak.load(), process_rss_kib(mariadb_pid));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        const double mariadb_cpu_before = mariadb_pid ? process_cpu_seconds(mariadb_pid) : 0;
        child_run job;
        json::object delivery;
        if (o.connected == 0) {
            job = run_child({o.binary, "run-job", "--config", o.config, "pay-alliance-dividends"}, env, log);
        } else {
            // Users without lots for the probe's reminders.
            exec(*db, "INSERT INTO users (appid, openid) SELECT 'wxbench', CONCAT('probe', seq) FROM seq_1_to_" + std::to_string(o.probes));
            const auto first_user = number(*db, "SELECT MIN(id) FROM users WHERE appid = 'wxbench'");
            const auto first_probe = number(*db, "SELECT MIN(id) FROM users WHERE openid LIKE 'probe%'");
            delivery_options d;
            d.binary = o.binary;
            d.config = o.config;
            d.env = env;
            d.mysql = db_config;
            // Spread over the consumers, so over the dividend's chunks (the first ones alone would all
            // be credited in its first seconds).
            const auto stride = o.consumers / o.connected;
            for (long long i = 0; i < o.connected; ++i) d.holders.push_back(static_cast<std::uint64_t>(first_user + i * stride));
            for (int i = 0; i < o.probes; ++i) d.probe_users.push_back(static_cast<std::uint64_t>(first_probe + i));
            d.probe_rate = o.probe_rate;
            d.baseline_s = o.baseline_s;
            d.after_s = o.after_s;
            delivery = measure_delivery(d, [&](const std::vector<std::string>& redis_env) {
                auto with_redis = env;
                with_redis.insert(with_redis.end(), redis_env.begin(), redis_env.end());
                job = run_child({o.binary, "run-job", "--config", o.config, "pay-alliance-dividends"}, with_redis, log);
            });
        }
        running = false;
        sampler.join();
        const double mariadb_cpu = mariadb_pid ? process_cpu_seconds(mariadb_pid) - mariadb_cpu_before : 0;
        if (job.status != 0) throw std::runtime_error("pay-alliance-dividends failed: " + job.output);

        // The job's own figures (its job_done line): the start (S_n) and the chunks (V_n, credits), in ms.
        json::object figures;
        if (const auto at = job.output.rfind("\"job_done\""); at != std::string::npos) {
            const auto begin = job.output.rfind('\n', at) == std::string::npos ? 0 : job.output.rfind('\n', at) + 1;
            figures = json::parse(job.output.substr(begin, job.output.find('\n', at) - begin)).as_object();
        }
        auto ms = [&](const char* key) { return figures.contains(key) ? figures.at(key).to_number<double>() / 1000 : 0.0; };
        const double start_s = ms("start_ms"), chunks_s = ms("chunks_ms");
        const auto released = number(*db, "SELECT released_fen FROM alliance_dividends WHERE number = 1");
        const auto wanted = number(*db, "SELECT wanted_fen FROM alliance_dividends WHERE number = 1");
        const auto holders = number(*db, "SELECT holders_credited FROM alliance_dividends WHERE number = 1");
        const auto chunks = number(*db, "SELECT chunks FROM alliance_dividends WHERE number = 1");
        const auto releases = number(*db, "SELECT COALESCE(SUM(fen), 0) FROM alliance_lot_releases WHERE dividend_number = 1");
        const auto release_rows = number(*db, "SELECT COUNT(*) FROM alliance_lot_releases WHERE dividend_number = 1");
        const auto credits = number(*db, "SELECT COALESCE(SUM(amount_fen), 0) FROM alliance_voucher_credits WHERE dividend_number = 1");
        const auto credit_rows = number(*db, "SELECT COUNT(*) FROM alliance_voucher_credits WHERE dividend_number = 1");
        const auto distinct_holders = number(*db, "SELECT COUNT(DISTINCT holder, COALESCE(user_id, merchant_id)) FROM alliance_lots");
        const bool exact = released == releases && released == credits && credit_rows == distinct_holders && holders == distinct_holders && released == wanted;
        if (!exact) exit_status = 1;

        std::printf("alliance dividend: %lld lots of %lld consumers and %lld stores (%lld orders), S = %lld cp\n", lots, o.consumers, o.merchants, o.orders,
                    pool_cp);
        std::printf("  seed (SQL)                 %8.1f s\n", seed_s);
        std::printf("  job, start to last commit  %8.1f s  (start: S_n %.1f s; %lld chunks of up to %d lots, planning included, %.1f s)\n", job.seconds, start_s, chunks,
                    o.chunk, chunks_s);
        std::printf("  released                   %lld fen of %lld wanted, %lld holders, %lld lot rows, %lld credit rows: %s\n", released, wanted, holders,
                    release_rows, credit_rows, exact ? "exact" : "MISMATCH");
        std::printf("  CPU: job %.1f s, MariaDB %.1f s (%.0f + %.0f us a holder)\n", job.cpu_s, mariadb_cpu, job.cpu_s * 1e6 / std::max<long long>(1, holders),
                    mariadb_cpu * 1e6 / std::max<long long>(1, holders));
        std::printf("  peak RSS: job %lld KiB; MariaDB %lld KiB (before %lld)\n", job.max_rss_kib, mariadb_peak.load(), mariadb_before);
        json::object summary{{"mode", "alliance-dividend"},
                             {"lots", lots},
                             {"consumers", o.consumers},
                             {"merchants", o.merchants},
                             {"chunk_lots", o.chunk},
                             {"seed_s", seed_s},
                             {"job_s", job.seconds},
                             {"start_s", start_s},
                             {"chunks_s", chunks_s},
                             {"chunks", chunks},
                             {"released_fen", released},
                             {"holders", holders},
                             {"exact", exact},
                             {"job_cpu_s", job.cpu_s},
                             {"mariadb_cpu_s", mariadb_cpu},
                             {"job_peak_rss_kib", job.max_rss_kib},
                             {"mariadb_peak_rss_kib", mariadb_peak.load()},
                             {"mariadb_rss_before_kib", mariadb_before}};
        if (!delivery.empty()) {
            auto ms = [](const json::value& l, const char* key) { return l.at(key).to_number<double>(); };
            const auto& h = delivery.at("holder_frame_latency");
            std::printf("  connected holders: %lld of %lld sockets got their frame, the last %+.1f s after the job exited; frame after its row: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
                        static_cast<long long>(delivery.at("holders_with_frame").as_int64()), static_cast<long long>(delivery.at("holders_connected").as_int64()), delivery.at("last_frame_after_job_exit_s").to_number<double>(),
                        ms(h, "p50_ms"), ms(h, "p99_ms"), ms(h, "max_ms"));
            for (const char* window : {"probe_before", "probe_during", "probe_after"}) {
                const auto& p = delivery.at(window);
                std::printf("  core-loop reminders %-7s the job: %5lld, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", window + 6, static_cast<long long>(p.at("count").as_int64()), ms(p, "p50_ms"),
                            ms(p, "p99_ms"), ms(p, "max_ms"));
            }
            std::printf("  server: peak RSS %lld KiB (%lld before), CPU %.1f s; Redis CPU %.1f s; %s\n", static_cast<long long>(delivery.at("server_peak_rss_kib").as_int64()),
                        static_cast<long long>(delivery.at("server_rss_before_kib").as_int64()), delivery.at("server_cpu_s").to_number<double>(), delivery.at("redis_cpu_s").to_number<double>(),
                        delivery.at("complete").as_bool() ? "complete" : "INCOMPLETE (frames missing, repeated or sockets dropped)");
            if (!delivery.at("complete").as_bool()) exit_status = 1;
            summary["delivery"] = std::move(delivery);
        }
        std::cout << json::serialize(summary) << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "alliance-dividend: " << e.what() << "\n";
        exit_status = 1;
    }
    if (!o.keep) exec(*admin, "DROP DATABASE IF EXISTS `" + name + "`");
    else std::cerr << "kept database " << name << "\n";
    return exit_status;
}

}  // namespace sharedstore::bench
