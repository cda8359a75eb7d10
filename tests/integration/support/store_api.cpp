#include "tests/integration/support/store_api.hpp"

#include "common/clock.hpp"
#include "common/mysql_pool.hpp"
#include "common/sha256.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace sharedstore::test_support {

namespace json = boost::json;

simulator_process* store_api_test::sim = nullptr;
server_process* store_api_test::server = nullptr;
std::string store_api_test::scratch_database;

int store_api_test::database_port = 0;

namespace {
mysql_config suite_mysql(int port) {
    auto config = test_config().mysql;
    if (port) config.port = port;
    return config;
}
}  // namespace

std::string store_api_test::create_scratch_database(const std::string& tag, int port) {
    database_port = port;
    scratch_database = "scratch_" + tag + "_" + random_hex(6);
    auto admin = mysql_connect(suite_mysql(database_port));
    std::unique_ptr<sql::Statement>(admin->createStatement())->execute("CREATE DATABASE `" + scratch_database + "`");
    child_process migrate({SHAREDSTORE_BINARY, "migrate", "--config", test_config_path()},
                          {{"SHAREDSTORE_MYSQL_DATABASE", scratch_database},
                           {"SHAREDSTORE_MYSQL_PORT", std::to_string(suite_mysql(database_port).port)}},
                          make_temp_dir("migrate") + "/out.log");
    if (migrate.wait_exit(std::chrono::seconds(60)) != 0) throw std::runtime_error("migrate failed: " + migrate.output());
    return scratch_database;
}

void store_api_test::drop_scratch_database() {
    if (scratch_database.empty()) return;
    auto admin = mysql_connect(suite_mysql(database_port));
    std::unique_ptr<sql::Statement>(admin->createStatement())->execute("DROP DATABASE IF EXISTS `" + scratch_database + "`");
    scratch_database.clear();
    database_port = 0;
}

void store_api_test::start(bool with_notifications, environment_changes extra) {
    sim = new simulator_process();
    auto env = sim->server_environment(with_notifications ? free_tcp_port() : 0);
    env.insert(env.end(), extra.begin(), extra.end());
    server = new server_process(env);
}

void store_api_test::stop() {
    delete server;
    delete sim;
    server = nullptr;
    sim = nullptr;
}

user store_api_test::sign_in(const std::string& unionid) { return sign_in_as("o" + random_hex(10), unionid); }

user store_api_test::sign_in_as(const std::string& openid, const std::string& unionid) {
    auto reply = http_call(server->port(), "POST", "/api/v1/auth/wechat/login", json::serialize(json::object{{"code", sim->login_code(openid, unionid)}}),
                           {{"Content-Type", "application/json"}});
    if (reply.status != 200) throw std::runtime_error("sign-in failed: " + reply.body);
    const auto body = reply.json();
    return {std::string(body.at("token").as_string()), std::string(body.at("user").at("id").as_string()), openid};
}

http_reply store_api_test::call(const std::string& method, const std::string& path, const user& who, const json::value& body) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!who.token.empty()) headers.emplace_back("Authorization", "Bearer " + who.token);
    std::string text;
    if (!body.is_null()) {
        headers.emplace_back("Content-Type", "application/json");
        text = json::serialize(body);
    }
    return http_call(server->port(), method, path, text, headers);
}

json::value store_api_test::ok(const http_reply& reply, int status) {
    if (reply.status != status) throw std::runtime_error("expected " + std::to_string(status) + ", got " + std::to_string(reply.status) + ": " + reply.body);
    return reply.json();
}

std::string store_api_test::text(const json::value& v, std::initializer_list<const char*> path) {
    const json::value* at = &v;
    for (const char* key : path) at = &at->at(key);
    return std::string(at->as_string());
}

std::string store_api_test::error_code(const http_reply& r) { return text(r.json(), {"error", "code"}); }

store_api_test::store store_api_test::open_store(const std::string& valid_from, const std::string& valid_until) {
    store s{sign_in(), "", ""};
    s.id = text(ok(call("POST", "/api/v1/merchants", s.owner, json::object{{"name", "茶饮小店"}}), 201), {"merchant", "id"});
    ok(call("PUT", s.path() + "/tiers", s.owner,
            json::object{{"tiers", json::array{json::object{{"name", "银卡"}, {"buy_in_fen", 1000000}, {"ratio_bp", 2000}},
                                               json::object{{"name", "金卡"}, {"buy_in_fen", 3000000}, {"ratio_bp", 3000}},
                                               json::object{{"name", "钻石"}, {"buy_in_fen", 5000000}, {"ratio_bp", 5000}}}},
                         {"profit_margin_bp", 3000}}));
    s.card_template_id = add_card(s, valid_from, valid_until);
    return s;
}

std::string store_api_test::add_card(const store& s, const std::string& valid_from, const std::string& valid_until) {
    return text(ok(call("POST", s.path() + "/card-templates", s.owner,
                        json::object{{"kind", "vip"}, {"title", "VIP 会员卡"}, {"benefit", "全场九折"}, {"valid_from", valid_from}, {"valid_until", valid_until}}),
                   201),
                {"card_template", "id"});
}

store_api_test::partner store_api_test::enrol(const store& s, int quota, const user& person) {
    partner p{person, "", "", ""};
    p.id = text(ok(call("POST", s.path() + "/partners", s.owner, json::object{{"user_id", person.id}, {"amount_fen", 1000000}}), 201), {"partner", "id"});
    p.pack_id = text(ok(call("POST", s.path() + "/partners/" + p.id + "/card-packs", s.owner,
                             json::object{{"card_template_id", s.card_template_id}, {"quota", quota}}),
                        201),
                     {"card_pack", "id"});
    p.share_code = text(ok(call("POST", "/api/v1/partners/me/cards/" + p.pack_id + "/shares", person), 201), {"share_code"});
    return p;
}

std::string store_api_test::claim(const user& customer, const std::string& code) {
    auto reply = call("POST", "/api/v1/shares/" + code + "/claim", customer);
    if (reply.status != 200) return "HTTP " + std::to_string(reply.status) + " " + reply.body;
    return text(reply.json(), {"outcome"});
}

store_api_test::pos_key store_api_test::make_pos_key(const store& s) {
    auto created = ok(call("POST", s.path() + "/api-keys", s.owner, json::object{{"label", "front desk"}}), 201);
    return {text(created, {"api_key", "id"}), text(created, {"secret"})};
}

http_reply store_api_test::pos_call(const pos_key& key, const std::string& path, const json::object& body, std::string nonce,
                                    std::chrono::seconds skew, const std::string& secret_override, int port) {
    const auto text_body = json::serialize(body);
    if (nonce.empty()) nonce = random_hex(12);
    const auto timestamp =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>((std::chrono::system_clock::now() + skew).time_since_epoch()).count());
    const auto signature = hmac_sha256_hex(secret_override.empty() ? key.secret : secret_override,
                                           timestamp + "\n" + nonce + "\nPOST\n" + path + "\n" + text_body);
    return http_call(port ? port : server->port(), "POST", path, text_body,
                     {{"Content-Type", "application/json"}, {"X-Api-Key", key.id}, {"X-Timestamp", timestamp}, {"X-Nonce", nonce}, {"X-Signature", signature}});
}

http_reply store_api_test::pos_order(const pos_key& key, const user& customer, std::int64_t amount_fen, int port) {
    return pos_call(key, "/api/v1/pos/orders",
                    json::object{{"merchant_order_id", "P-" + random_hex(8)}, {"user_id", customer.id}, {"amount_fen", amount_fen},
                                 {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}},
                    "", std::chrono::seconds(0), "", port);
}

std::unique_ptr<sql::Connection> store_api_test::database() {
    auto config = suite_mysql(database_port);
    if (!scratch_database.empty()) config.database = scratch_database;
    return mysql_connect(config);
}

long long store_api_test::scalar(const std::string& query, const std::vector<std::string>& params) {
    auto db = database();
    std::unique_ptr<sql::PreparedStatement> select(db->prepareStatement(query));
    for (std::size_t i = 0; i < params.size(); ++i) select->setString(static_cast<unsigned>(i + 1), params[i]);
    std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : -1;
}

void store_api_test::execute(const std::string& statement, const std::vector<std::string>& params) {
    auto db = database();
    std::unique_ptr<sql::PreparedStatement> update(db->prepareStatement(statement));
    for (std::size_t i = 0; i < params.size(); ++i) update->setString(static_cast<unsigned>(i + 1), params[i]);
    update->executeUpdate();
}

void isolated_cluster_test::start_cluster(const std::string& tag, environment_changes settings, bool with_notifications, bool redis_aof) {
    redis = new redis_server_process(free_tcp_port(), redis_aof);
    create_scratch_database(tag);
    settings_ = std::move(settings);
    start(with_notifications, cluster_environment());
}

void isolated_cluster_test::stop_cluster() {
    stop();
    delete redis;
    redis = nullptr;
    drop_scratch_database();
}

environment_changes isolated_cluster_test::cluster_environment() {
    auto env = settings_;
    env.emplace_back("SHAREDSTORE_REDIS_PORT", std::to_string(redis->port()));
    env.emplace_back("SHAREDSTORE_MYSQL_DATABASE", scratch_database);
    return env;
}

environment_changes isolated_cluster_test::instance_environment(int port) {
    auto env = sim->server_environment(port);
    auto mine = cluster_environment();
    env.insert(env.end(), mine.begin(), mine.end());
    return env;
}

}  // namespace sharedstore::test_support
