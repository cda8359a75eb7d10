#pragma once
// The business API as tests drive it: signed-in users, stores with tiers and a card, partners
// with a pack and a share link, claims, and direct reads of MariaDB for what the API does not show.
// One simulator and one server per test suite (SetUpTestSuite calls start()).
#include "common/random_token.hpp"
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/integration/support/wechat_simulator.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace sql {
class Connection;
}

namespace sharedstore::test_support {

struct user {
    std::string token;
    std::string id;
    std::string openid;
};

class store_api_test : public ::testing::Test {
protected:
    // `with_notifications`: the server listens on a port chosen first, so WeChat Pay's
    // notifications can reach it.
    static void start(bool with_notifications = false, environment_changes extra = {});
    static void stop();

    static user sign_in(const std::string& unionid = "");
    // A second login of the same WeChat user (another phone): a session of its own.
    static user sign_in_as(const std::string& openid, const std::string& unionid = "");
    static http_reply call(const std::string& method, const std::string& path, const user& who, const boost::json::value& body = nullptr);
    // The reply's JSON when the status is as expected; throws with the body otherwise.
    static boost::json::value ok(const http_reply& reply, int status = 200);
    static std::string text(const boost::json::value& v, std::initializer_list<const char*> path);
    static std::string error_code(const http_reply& r);

    // A store with three tiers (10,000 / 30,000 / 50,000 yuan at 20 / 30 / 50 %, margin 30 %) and one card.
    struct store {
        user owner;
        std::string id;
        std::string card_template_id;
        std::string path() const { return "/api/v1/merchants/" + id; }
    };
    static store open_store(const std::string& valid_from = "2026-06-01T00:00:00Z", const std::string& valid_until = "2029-01-01T00:00:00Z");
    static std::string add_card(const store& s, const std::string& valid_from, const std::string& valid_until);

    struct partner {
        user person;
        std::string id;       // partner id at the store
        std::string pack_id;  // one pack of the store's card
        std::string share_code;
    };
    // Enrolled with a 10,000 yuan cash buy-in (the lowest tier), a pack and a share link.
    static partner enrol(const store& s, int quota = 100, const user& person = sign_in());
    // The claim's outcome, or "HTTP <status> <body>".
    static std::string claim(const user& customer, const std::string& code);

    // A POS API key of the store, and requests signed with it as a front desk would sign them.
    struct pos_key {
        std::string id, secret;
    };
    static pos_key make_pos_key(const store& s);
    static http_reply pos_call(const pos_key& key, const std::string& path, const boost::json::object& body, std::string nonce = "",
                               std::chrono::seconds skew = std::chrono::seconds(0), const std::string& secret_override = "", int port = 0);
    // A POS order of `amount_fen` paid now by `customer`.
    static http_reply pos_order(const pos_key& key, const user& customer, std::int64_t amount_fen, int port = 0);

    // A database of the suite's own, migrated (for suites whose servers must not share state with
    // other tests'); database() and the helpers below then use it.
    // `port`: on a MariaDB of the suite's own (mariadb_server_process) instead of the shared one.
    static std::string create_scratch_database(const std::string& tag, int port = 0);
    static void drop_scratch_database();

    static std::unique_ptr<sql::Connection> database();
    static long long scalar(const std::string& query, const std::vector<std::string>& params = {});
    static void execute(const std::string& statement, const std::vector<std::string>& params = {});

    static simulator_process* sim;
    static server_process* server;
    static std::string scratch_database;  // empty: the shared test database
    static int database_port;             // 0: the shared MariaDB
};

// A cluster of the suite's own: a Redis and a scratch database that no other suite's servers share.
// Instances that share Redis form one cluster (one relay, one fallback sender, one set of jobs),
// which must not mix with other tests' servers and simulators.
class isolated_cluster_test : public store_api_test {
protected:
    // `settings`: what every instance of this suite gets besides its own Redis and database.
    static void start_cluster(const std::string& tag, environment_changes settings, bool with_notifications = true, bool redis_aof = false);
    static void stop_cluster();
    // The environment of every instance of the cluster (the suite's server has it already).
    static environment_changes cluster_environment();
    // A further instance of the cluster, listening on `port` (0: any).
    static environment_changes instance_environment(int port = 0);

    static inline redis_server_process* redis = nullptr;

private:
    static inline environment_changes settings_;
};

}  // namespace sharedstore::test_support
