// A store's POS API keys against the real server and MariaDB: the secret is shown once, stored
// sealed, and only the owner manages keys.
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "server/storage/pos_key_repository.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class pos_api_keys_test : public store_api_test {
protected:
    static void SetUpTestSuite() {
        mysql_driver_init();
        start();
    }
    static void TearDownTestSuite() { stop(); }

    static std::string create_store(const user& owner) {
        auto reply = call("POST", "/api/v1/merchants", owner, json::object{{"name", "茶饮小店"}});
        EXPECT_EQ(reply.status, 201) << reply.body;
        return std::string(reply.json().at("merchant").at("id").as_string());
    }
    static std::string keys_path(const std::string& store) { return "/api/v1/merchants/" + store + "/api-keys"; }
    // A new key: {"api_key", "secret"}.
    static json::object create_key(const user& owner, const std::string& store, const std::string& label = "front desk 1") {
        auto reply = call("POST", keys_path(store), owner, json::object{{"label", label}});
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.json().as_object();
    }
    static std::string code_of(const http_reply& r) { return error_code(r); }
    static std::string stored_ciphertext(sql::Connection& db, const std::string& key_id) {
        std::unique_ptr<sql::PreparedStatement> select(db.prepareStatement("SELECT secret_ciphertext FROM pos_api_keys WHERE key_id = ?"));
        select->setString(1, key_id);
        std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
        if (!rs->next()) throw std::runtime_error("no row for " + key_id);
        return rs->getString(1);
    }
};

TEST_F(pos_api_keys_test, the_secret_is_shown_once_and_never_listed) {
    auto owner = sign_in();
    const auto store = create_store(owner);
    auto empty = call("GET", keys_path(store), owner);
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_TRUE(empty.json().at("items").as_array().empty());

    const auto created = create_key(owner, store);
    const auto key = created.at("api_key").as_object();
    const std::string key_id(key.at("id").as_string()), secret(created.at("secret").as_string());
    EXPECT_TRUE(std::regex_match(key_id, std::regex("pk_[0-9a-f]{32}"))) << key_id;
    EXPECT_TRUE(std::regex_match(secret, std::regex("sk_[0-9a-f]{64}"))) << "256 random bits";
    EXPECT_EQ(key.at("label").as_string(), "front desk 1");
    EXPECT_EQ(key.at("created_by_user_id").as_string(), owner.id);
    EXPECT_TRUE(std::regex_match(std::string(key.at("created_at").as_string()), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    EXPECT_TRUE(key.at("revoked_at").is_null());
    EXPECT_FALSE(key.contains("secret"));

    const auto second = create_key(owner, store, "front desk 2");
    EXPECT_NE(second.at("secret").as_string(), secret);
    auto listed = call("GET", keys_path(store), owner);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.body.find(secret), std::string::npos) << "a secret is never shown again";
    EXPECT_EQ(listed.body.find(std::string(second.at("secret").as_string())), std::string::npos);
    EXPECT_EQ(listed.body.find("secret"), std::string::npos) << listed.body;
    const auto items = listed.json().at("items").as_array();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].at("label").as_string(), "front desk 2") << "newest first";
    EXPECT_EQ(items[1].at("id").as_string(), key_id);
    EXPECT_EQ(server->log().find(secret), std::string::npos) << "secrets never reach the log";
}

TEST_F(pos_api_keys_test, revoking_sets_revoked_at_once_and_is_idempotent) {
    auto owner = sign_in();
    const auto store = create_store(owner);
    const std::string key_id(create_key(owner, store).at("api_key").at("id").as_string());
    auto revoked = call("DELETE", keys_path(store) + "/" + key_id, owner);
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    const auto first = revoked.json().at("api_key").as_object();
    EXPECT_EQ(first.at("id").as_string(), key_id);
    ASSERT_TRUE(first.at("revoked_at").is_string()) << revoked.body;
    EXPECT_FALSE(first.contains("secret"));

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a second revocation would show a later time
    auto again = call("DELETE", keys_path(store) + "/" + key_id, owner);
    ASSERT_EQ(again.status, 200) << again.body;
    const auto second = again.json();
    EXPECT_EQ(second.at("api_key").at("revoked_at"), first.at("revoked_at")) << "the first revocation stands";
    auto listed = call("GET", keys_path(store), owner).json();
    EXPECT_EQ(listed.at("items").as_array().at(0).at("revoked_at"), first.at("revoked_at")) << "revoked keys stay listed";
}

TEST_F(pos_api_keys_test, unknown_keys_and_other_stores_keys_are_not_found) {
    auto owner = sign_in(), other_owner = sign_in();
    const auto store = create_store(owner), other_store = create_store(other_owner);
    const std::string key_id(create_key(owner, store).at("api_key").at("id").as_string());

    auto foreign = call("DELETE", keys_path(other_store) + "/" + key_id, other_owner);
    EXPECT_EQ(foreign.status, 404) << foreign.body;
    EXPECT_EQ(code_of(foreign), "api_key_not_found");
    auto unknown = call("DELETE", keys_path(store) + "/pk_" + random_hex(16), owner);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(code_of(unknown), "api_key_not_found");
    EXPECT_EQ(code_of(call("DELETE", keys_path(store) + "/nonsense", owner)), "api_key_not_found");
    EXPECT_TRUE(call("GET", keys_path(other_store), other_owner).json().at("items").as_array().empty());
    EXPECT_TRUE(call("GET", keys_path(store), owner).json().at("items").as_array().at(0).at("revoked_at").is_null())
        << "the other store's owner revoked nothing";

    EXPECT_EQ(code_of(call("GET", keys_path("999999999"), owner)), "merchant_not_found");
    EXPECT_EQ(code_of(call("GET", keys_path(store), other_owner)), "forbidden");
    EXPECT_EQ(http_call(server->port(), "GET", keys_path(store)).status, 401);
}

TEST_F(pos_api_keys_test, a_store_holds_at_most_20_active_keys_even_under_concurrent_creation) {
    auto owner = sign_in();
    const auto store = create_store(owner);
    constexpr int attempts = 24;
    std::vector<std::thread> threads;
    std::vector<int> statuses(attempts);
    for (int i = 0; i < attempts; ++i)
        threads.emplace_back([&, i] { statuses[i] = call("POST", keys_path(store), owner, json::object{{"label", "k" + std::to_string(i)}}).status; });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 20);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), attempts - 20);

    auto refused = call("POST", keys_path(store), owner, json::object{{"label", "one too many"}});
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(code_of(refused), "too_many_api_keys");
    const auto items = call("GET", keys_path(store), owner).json().at("items").as_array();
    ASSERT_EQ(items.size(), 20u);
    ASSERT_EQ(call("DELETE", keys_path(store) + "/" + std::string(items[5].at("id").as_string()), owner).status, 200);
    EXPECT_EQ(call("POST", keys_path(store), owner, json::object{{"label", "replacement"}}).status, 201) << "revoked keys do not count";
    EXPECT_EQ(call("POST", keys_path(store), owner, json::object{{"label", "one too many"}}).status, 409);
}

TEST_F(pos_api_keys_test, the_label_is_required_and_1_to_64_characters) {
    auto owner = sign_in();
    const auto store = create_store(owner);
    auto missing = call("POST", keys_path(store), owner, json::object{});
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(code_of(missing), "missing_field");
    for (const json::value& bad : {json::value(""), json::value(json::string(65, 'a')), json::value(42), json::value(json::string(65 * 3, 'x'))}) {
        auto reply = call("POST", keys_path(store), owner, json::object{{"label", bad}});
        EXPECT_EQ(reply.status, 400) << json::serialize(bad) << ": " << reply.body;
        EXPECT_EQ(code_of(reply), "invalid_field");
    }
    EXPECT_EQ(code_of(call("POST", keys_path(store), owner, json::object{{"label", "a"}, {"secret", "mine"}})), "unknown_field");
    std::string chinese;
    for (int i = 0; i < 64; ++i) chinese += "前";
    auto longest = call("POST", keys_path(store), owner, json::object{{"label", chinese}});
    ASSERT_EQ(longest.status, 201) << "64 characters, 192 bytes: " << longest.body;
    EXPECT_EQ(longest.json().at("api_key").at("label").as_string(), chinese);
    EXPECT_EQ(call("GET", keys_path(store), owner).json().at("items").as_array().size(), 1u) << "refused labels made no key";
}

TEST_F(pos_api_keys_test, only_the_owner_manages_keys) {
    auto owner = sign_in(), manager = sign_in(), cashier = sign_in();
    const auto store = create_store(owner);
    for (auto [who, role] : {std::pair{&manager, "manager"}, {&cashier, "cashier"}})
        ASSERT_EQ(call("PUT", "/api/v1/merchants/" + store + "/staff/" + who->id, owner, json::object{{"role", role}}).status, 200);
    const std::string key_id(create_key(owner, store).at("api_key").at("id").as_string());
    for (const auto* who : {&manager, &cashier}) {
        EXPECT_EQ(call("POST", keys_path(store), *who, json::object{{"label", "x"}}).status, 403);
        EXPECT_EQ(call("GET", keys_path(store), *who).status, 403);
        EXPECT_EQ(call("DELETE", keys_path(store) + "/" + key_id, *who).status, 403);
    }
    EXPECT_TRUE(call("GET", keys_path(store), owner).json().at("items").as_array().at(0).at("revoked_at").is_null());
}

TEST_F(pos_api_keys_test, secrets_are_stored_sealed_and_the_lookup_opens_active_ones_only) {
    auto owner = sign_in();
    const auto store = create_store(owner);
    const auto first = create_key(owner, store), second = create_key(owner, store, "front desk 2");
    const std::string key_id(first.at("api_key").at("id").as_string()), secret(first.at("secret").as_string());
    const std::string second_id(second.at("api_key").at("id").as_string()), second_secret(second.at("secret").as_string());

    mysql_connection db(database(), 0);
    const auto stored = stored_ciphertext(db.native(), key_id);
    EXPECT_EQ(stored.find(secret), std::string::npos);
    EXPECT_EQ(stored.find(secret.substr(3, 16)), std::string::npos) << "not even part of it";
    EXPECT_NE(stored, stored_ciphertext(db.native(), second_id));

    const auto data_key = test_config().security.data_key;
    auto found = find_active_pos_key_secret(db, key_id, data_key);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->secret, secret);
    EXPECT_EQ(std::to_string(found->merchant_id), store);
    EXPECT_FALSE(find_active_pos_key_secret(db, "pk_" + random_hex(16), data_key)) << "unknown key";
    auto other_key = data_key;
    other_key[0] ^= 1;
    EXPECT_THROW(find_active_pos_key_secret(db, key_id, other_key), std::runtime_error) << "another data key opens nothing";

    {
        // A sealed secret moved to another row does not open there: the key id is bound into it.
        std::unique_ptr<sql::PreparedStatement> swap(db.native().prepareStatement("UPDATE pos_api_keys SET secret_ciphertext = ? WHERE key_id = ?"));
        swap->setString(1, stored);
        swap->setString(2, second_id);
        ASSERT_EQ(swap->executeUpdate(), 1);
        EXPECT_THROW(find_active_pos_key_secret(db, second_id, data_key), std::runtime_error);
    }

    ASSERT_EQ(call("DELETE", keys_path(store) + "/" + key_id, owner).status, 200);
    EXPECT_FALSE(find_active_pos_key_secret(db, key_id, data_key)) << "a revoked key is not found";
    EXPECT_EQ(server->log().find(secret), std::string::npos);
    EXPECT_EQ(server->log().find(second_secret), std::string::npos);
}

TEST_F(pos_api_keys_test, the_data_key_never_reaches_the_log) {
    std::ifstream in(test_config().security.data_key_file);
    std::stringstream hex;
    hex << in.rdbuf();
    const auto text = hex.str().substr(0, 64);
    ASSERT_EQ(text.size(), 64u);
    auto owner = sign_in();
    create_key(owner, create_store(owner));
    EXPECT_EQ(server->log().find(text), std::string::npos);
}

}  // namespace
