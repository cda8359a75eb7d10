#pragma once
// The alliance's suites, each test on a cluster of its own (isolated_cluster_test: the pool and its
// dividends are platform-wide): a platform operator, the pool's set-up, member stores and paid
// desk orders. Shared by alliance_dividend_test and alliance_voucher_test.
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

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
};

}  // namespace sharedstore::test_support
