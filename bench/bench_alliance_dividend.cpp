// sharedstore-bench alliance-dividend: seeds a database of its own (migrated by `sharedstore
// migrate`) with C consumers, M member stores and N paid, vested alliance orders (each a lot for
// its buyer and one for its store: 2N lots), the fund holding every order's share, then times
// `sharedstore run-job pay-alliance-dividends` on it: the start (S_n and V_n over every lot) and
// the chunks to the last commit, the job's peak RSS (wait4) and MariaDB's (VmRSS sampled every
// 100 ms), and checks that the dividend credited exactly what its lots released, once per holder.
// The seed is SQL over MariaDB's sequence engine (seq_1_to_N), not the API: 500,000 orders
// through the POS would take longer than the dividend.
#include "bench/bench_alliance_dividend.hpp"

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

extern char** environ;

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

// KiB of a process's resident set now (VmRSS), 0 when it cannot be read.
long long rss_kib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
    return 0;
}

// CPU seconds a process has used (utime + stime of /proc/PID/stat), 0 when it cannot be read.
double cpu_seconds(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(all.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    // Fields 3.. after the name: state is the first; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::atoll(field.c_str());
        if (i == 15) stime = std::atoll(field.c_str());
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
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
    // `env` replaces variables of the same name (getenv would find the first of two).
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& mine : env) replaced = replaced || mine.rfind(name, 0) == 0;
        if (!replaced) environment.push_back(entry);
    }
    environment.insert(environment.end(), env.begin(), env.end());
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const auto t0 = steady::now();
    child_run run;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0) throw std::runtime_error("cannot start " + argv[0]);
    posix_spawn_file_actions_destroy(&actions);
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
        else return false;
    }
    return o.consumers > 0 && o.merchants > 0 && o.orders > 0 && o.chunk > 0;
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
           "        [--consumers 200000] [--merchants 2000] [--orders 500000] [--chunk 2000] [--pause-ms 0] [--mariadb-pid N] [--keep]\n";
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
    const auto config = load_config_file(o.config, process_environment(), false);
    auto admin = mysql_connect(config.mysql);
    const auto name = "bench_alliance_" + random_hex(4);
    exec(*admin, "CREATE DATABASE `" + name + "`");
    const std::vector<std::string> env{"SHAREDSTORE_MYSQL_DATABASE=" + name, "SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS=" + std::to_string(o.chunk),
                                       "SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_PAUSE_MS=" + std::to_string(o.pause_ms),
                                       // No relay runs here: the frames stay in the outbox, so the job must not wait for them.
                                       "SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_BACKLOG=0"};
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
        const long long mariadb_before = mariadb_pid ? rss_kib(mariadb_pid) : 0;
        std::thread sampler([&] {
            while (running) {
                if (mariadb_pid) mariadb_peak = std::max(mariadb_peak.load(), rss_kib(mariadb_pid));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        const double mariadb_cpu_before = mariadb_pid ? cpu_seconds(mariadb_pid) : 0;
        auto job = run_child({o.binary, "run-job", "--config", o.config, "pay-alliance-dividends"}, env, log);
        running = false;
        sampler.join();
        const double mariadb_cpu = mariadb_pid ? cpu_seconds(mariadb_pid) - mariadb_cpu_before : 0;
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
