#pragma once
// The alliance's suites, each test on a cluster of its own (isolated_cluster_test: the pool and its
// dividends are platform-wide): a platform operator, the pool's set-up, member stores and paid
// desk orders, the alliance's jobs and check-ledger. Shared by alliance_dividend_test,
// alliance_voucher_test and alliance_supply_test.
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

namespace sharedstore::test_support {

class alliance_cluster_test : public isolated_cluster_test {
protected:
    static user make_operator() {
        auto person = sign_in();
        child_process grant({SHAREDSTORE_BINARY, "grant-platform-operator", "--config", test_config_path(), "--user", person.id, "--by", "alliance-test"},
                            cluster_environment(), make_temp_dir("grant-operator") + "/out.log");
        if (grant.wait_exit(std::chrono::seconds(60)).value_or(-1) != 0) throw std::runtime_error("grant failed: " + grant.output());
        return person;
    }
    // The defaults with S0 and the first dividend's holders lowered (the worked example's set-up).
    static void set_pool(const user& op, std::int64_t initial_value_cp, int min_holders) {
        auto config = ok(call("GET", "/api/v1/platform/alliance/config", op)).at("current").at("config").as_object();
        config["initial_value_cp"] = initial_value_cp;
        config["min_holders"] = min_holders;
        ok(call("PUT", "/api/v1/platform/alliance/config", op, config));
    }
    // An admitted store with its concession and voucher share set.
    static store member_store(const user& op, int concession_bp, int voucher_max_bp = 5000) {
        auto s = open_store();
        ok(call("POST", "/api/v1/platform/alliance/merchants", op, boost::json::object{{"merchant_id", s.id}}), 201);
        ok(call("PUT", s.path() + "/alliance", s.owner, boost::json::object{{"concession_bp", concession_bp}, {"voucher_max_bp", voucher_max_bp}}));
        return s;
    }
    // A desk order of `fen` paid now by `who`, recorded.
    static http_reply paid(const pos_key& key, const user& who, std::int64_t fen) {
        auto r = pos_order(key, who, fen);
        if (r.status != 201) throw std::runtime_error("order: " + std::to_string(r.status) + " " + r.body);
        return r;
    }
    // A job's environment: the cluster's, with `extra` settings.
    static environment_changes job_environment(environment_changes extra = {}) {
        auto env = instance_environment(server ? server->port() : 0);
        env.insert(env.end(), extra.begin(), extra.end());
        return env;
    }
    // A job run once against this cluster; its figures (the "job_done" log line).
    static boost::json::object run_job(const std::string& name, environment_changes extra = {}) {
        child_process job({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, job_environment(std::move(extra)),
                          make_temp_dir("run-job") + "/out.log");
        if (job.wait_exit(std::chrono::seconds(90)).value_or(-1) != 0) throw std::runtime_error(name + " failed: " + job.output());
        const auto out = job.output();
        const auto at = out.rfind("\"job_done\"");
        if (at == std::string::npos) throw std::runtime_error(name + " logged no job_done: " + out);
        const auto start = out.rfind('\n', at) == std::string::npos ? 0 : out.rfind('\n', at) + 1;
        const auto end = out.find('\n', at);
        return boost::json::parse(out.substr(start, end == std::string::npos ? std::string::npos : end - start)).as_object();
    }
    // check-ledger's exit code and what it printed.
    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, cluster_environment(),
                              make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(std::chrono::seconds(60));
        return {code.value_or(-1), process.output()};
    }
    // Every pending accrual's refund window closed, and the vesting job run.
    static void vest_everything() {
        execute("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE state = 'pending'");
        run_job("vest-alliance-lots");
    }
};

}  // namespace sharedstore::test_support
