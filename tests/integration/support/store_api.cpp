#include "tests/integration/support/store_api.hpp"

#include "common/mysql_pool.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

namespace sharedstore::test_support {

namespace json = boost::json;

simulator_process* store_api_test::sim = nullptr;
server_process* store_api_test::server = nullptr;

void store_api_test::start(bool with_notifications) {
    sim = new simulator_process();
    server = new server_process(sim->server_environment(with_notifications ? free_tcp_port() : 0));
}

void store_api_test::stop() {
    delete server;
    delete sim;
    server = nullptr;
    sim = nullptr;
}

user store_api_test::sign_in(const std::string& unionid) {
    const auto openid = "o" + random_hex(10);
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

std::unique_ptr<sql::Connection> store_api_test::database() { return mysql_connect(test_config().mysql); }

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

}  // namespace sharedstore::test_support
