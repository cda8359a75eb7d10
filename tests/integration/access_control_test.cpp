// Walks docs/access-control.md: every endpoint x role against the running server; and reads that
// table beside the server's own route table (api_routes()), so neither can drift from the other.
#include "common/random_token.hpp"
#include "server/handlers/api_routes.hpp"
#include "server/handlers/caller_authenticator.hpp"
#include "tests/integration/support/console_api.hpp"
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/integration/support/wechat_simulator.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

enum role { anonymous, customer, partner, cashier, manager, owner, other_staff, role_count };
const char* role_names[] = {"anonymous", "customer", "partner", "cashier", "manager", "owner", "other staff"};

struct caller {
    std::string token;
    std::string user_id;
};

// A row of docs/access-control.md's table: "METHOD /path" with every {name} as {}, and its cells.
struct doc_row {
    std::string endpoint;
    std::string access;
    std::vector<std::string> statuses;  // anonymous, customer, ..., other staff
};

// {merchant_id} and {S} are the same segment: names differ between code and prose.
std::string normalized(std::string method, std::string_view pattern) {
    return method + " " + std::regex_replace(std::string(pattern), std::regex(R"(\{[^}]*\})"), "{}");
}

std::vector<doc_row> documented_rows() {
    std::ifstream file(std::string(SHAREDSTORE_SOURCE_DIR) + "/docs/access-control.md");
    if (!file) throw std::runtime_error("cannot read docs/access-control.md");
    std::vector<doc_row> rows;
    std::string line;
    // | `GET /api/v1/merchants/{S}/dividends?from&to` (a note) | user_session | 401 | ...
    const std::regex row_pattern(R"(^\| `([A-Z]+) ([^`?]+)[^`]*`[^|]*\|(.*)\|\s*$)");
    while (std::getline(file, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, row_pattern)) continue;
        doc_row row{normalized(m[1], m[2].str()), "", {}};
        std::stringstream cells(m[3].str());
        std::string cell;
        while (std::getline(cells, cell, '|')) {
            const auto first = cell.find_first_not_of(' '), last = cell.find_last_not_of(' ');
            cell = first == std::string::npos ? "" : cell.substr(first, last - first + 1);
            if (row.access.empty()) row.access = cell;
            else row.statuses.push_back(cell);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

// The WebSocket endpoint is the server's, not a route; push_test walks its row.
const std::set<std::string> endpoints_beside_the_routes{"GET /ws"};

TEST(access_control_doc, every_registered_route_has_a_row_with_the_access_it_declares) {
    std::map<std::string, doc_row> documented;
    for (auto& row : documented_rows()) {
        EXPECT_EQ(row.statuses.size(), static_cast<std::size_t>(role_count)) << row.endpoint;
        EXPECT_TRUE(documented.emplace(row.endpoint, row).second) << "documented twice: " << row.endpoint;
    }
    const auto routes = api_routes();
    ASSERT_FALSE(routes.empty());
    std::set<std::string> registered;
    for (const auto& r : routes) {
        const auto endpoint = normalized(std::string(r.method), r.pattern);
        EXPECT_TRUE(registered.insert(endpoint).second) << "registered twice: " << endpoint;
        auto row = documented.find(endpoint);
        if (row == documented.end()) {
            ADD_FAILURE() << r.method << " " << r.pattern << " is registered but has no row in docs/access-control.md";
            continue;
        }
        EXPECT_EQ(row->second.access, to_string(r.required)) << endpoint;
    }
    for (const auto& [endpoint, row] : documented)
        EXPECT_TRUE(registered.count(endpoint) || endpoints_beside_the_routes.count(endpoint))
            << endpoint << " is documented but no route is registered for it";
}

TEST(access_control_doc, each_row_answers_an_anonymous_caller_as_its_access_says) {
    for (const auto& row : documented_rows()) {
        ASSERT_FALSE(row.statuses.empty()) << row.endpoint;
        if (row.access == "none") {
            EXPECT_NE(row.statuses[anonymous], "401") << row.endpoint << ": a public route refuses nobody for lack of proof";
        } else if (row.access == "user_session" || row.access == "console_session" || row.access == "staff") {
            EXPECT_EQ(row.statuses[anonymous], "401") << row.endpoint;
        } else if (row.access == "pos_signature" || row.access == "wechat_pay_signature") {
            // A session is no signature: every role without one is refused.
            for (const auto& status : row.statuses) EXPECT_EQ(status, "401") << row.endpoint;
        } else {
            ADD_FAILURE() << row.endpoint << ": unknown access " << row.access;
        }
    }
}

class access_control_test : public ::testing::Test {
protected:
    caller sign_in() {
        auto reply = http_call(server.port(), "POST", "/api/v1/auth/wechat/login",
                               json::serialize(json::object{{"code", sim.login_code("o" + random_hex(10))}}), {{"Content-Type", "application/json"}});
        if (reply.status != 200) throw std::runtime_error("sign-in failed: " + reply.body);
        return {std::string(reply.json().at("token").as_string()), std::string(reply.json().at("user").at("id").as_string())};
    }
    http_reply call(const caller& who, const std::string& method, const std::string& path, const std::string& body) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!who.token.empty()) headers.emplace_back("Authorization", "Bearer " + who.token);
        if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
        return http_call(server.port(), method, path, body, headers);
    }
    std::string create_store(const caller& who) {
        auto reply = call(who, "POST", "/api/v1/merchants", R"({"name":"store"})");
        if (reply.status != 201) throw std::runtime_error("store creation failed: " + reply.body);
        return std::string(reply.json().at("merchant").at("id").as_string());
    }

    simulator_process sim;
    server_process server{sim.server_environment()};
};

// Every registered route, called without the proof its access declares, is refused before its
// handler runs, in the shape and with the code that access has always answered.
TEST_F(access_control_test, every_route_refuses_a_caller_without_the_proof_its_access_declares) {
    const auto someone = sign_in();
    for (const auto& r : api_routes()) {
        const std::string method(r.method);
        const auto path = std::regex_replace(std::string(r.pattern), std::regex(R"(\{[^}]*\})"), "1");
        const auto where = method + " " + path;
        auto anonymous_reply = http_call(server.port(), method, path);
        switch (r.required) {
        case route_access::none:
            EXPECT_NE(anonymous_reply.status, 401) << where << ": " << anonymous_reply.body;
            break;
        case route_access::user_session: {
            EXPECT_EQ(anonymous_reply.status, 401) << where;
            EXPECT_EQ(std::string(anonymous_reply.json().at("error").at("code").as_string()), "unauthenticated") << where;
            auto wrong_scheme = http_call(server.port(), method, path, "", {{"Authorization", "Basic " + someone.token}});
            EXPECT_EQ(wrong_scheme.status, 401) << where;
            EXPECT_EQ(std::string(wrong_scheme.json().at("error").at("code").as_string()), "unauthenticated") << where;
            auto forged = http_call(server.port(), method, path, "", {{"Authorization", "Bearer " + random_hex(32)}});
            EXPECT_EQ(forged.status, 401) << where;
            EXPECT_EQ(std::string(forged.json().at("error").at("code").as_string()), "invalid_session") << where;
            break;
        }
        case route_access::console_session: {
            EXPECT_EQ(anonymous_reply.status, 401) << where;
            EXPECT_EQ(std::string(anonymous_reply.json().at("error").at("code").as_string()), "unauthenticated") << where;
            // A mini-program session is no console session.
            auto with_bearer = http_call(server.port(), method, path, "", {{"Authorization", "Bearer " + someone.token}});
            EXPECT_EQ(with_bearer.status, 401) << where;
            auto forged = http_call(server.port(), method, path, "", {{"Cookie", "sharedstore_console=" + random_hex(32)}});
            EXPECT_EQ(forged.status, 401) << where;
            EXPECT_EQ(std::string(forged.json().at("error").at("code").as_string()), "invalid_session") << where;
            break;
        }
        case route_access::staff: {
            EXPECT_EQ(anonymous_reply.status, 401) << where;
            EXPECT_EQ(std::string(anonymous_reply.json().at("error").at("code").as_string()), "unauthenticated") << where;
            auto wrong_scheme = http_call(server.port(), method, path, "", {{"Authorization", "Basic " + someone.token}});
            EXPECT_EQ(std::string(wrong_scheme.json().at("error").at("code").as_string()), "unauthenticated") << where;
            auto forged_token = http_call(server.port(), method, path, "", {{"Authorization", "Bearer " + random_hex(32)}});
            EXPECT_EQ(std::string(forged_token.json().at("error").at("code").as_string()), "invalid_session") << where;
            auto forged_cookie = http_call(server.port(), method, path, "", {{"Cookie", "sharedstore_console=" + random_hex(32)}});
            EXPECT_EQ(forged_cookie.status, 401) << where;
            EXPECT_EQ(std::string(forged_cookie.json().at("error").at("code").as_string()), "invalid_session") << where;
            break;
        }
        case route_access::pos_signature: {
            EXPECT_EQ(anonymous_reply.status, 401) << where;
            EXPECT_EQ(std::string(anonymous_reply.json().at("error").at("code").as_string()), "missing_signature_header") << where;
            auto with_session = http_call(server.port(), method, path, "", {{"Authorization", "Bearer " + someone.token}});
            EXPECT_EQ(with_session.status, 401) << where;
            break;
        }
        case route_access::wechat_pay_signature:
            // WeChat Pay's own shape, never our {"error":...}.
            EXPECT_EQ(anonymous_reply.status, 401) << where;
            EXPECT_EQ(std::string(anonymous_reply.json().at("code").as_string()), "FAIL") << where << ": " << anonymous_reply.body;
            break;
        }
    }
}

TEST_F(access_control_test, every_endpoint_for_every_role_matches_the_documented_table) {
    std::array<caller, role_count> who;
    for (int r = customer; r < role_count; ++r) who[r] = sign_in();
    const auto store = create_store(who[owner]);
    create_store(who[other_staff]);
    for (auto [r, name] : {std::pair{cashier, "cashier"}, {manager, "manager"}}) {
        auto added = call(who[owner], "PUT", "/api/v1/merchants/" + store + "/staff/" + who[r].user_id, json::serialize(json::object{{"role", name}}));
        ASSERT_EQ(added.status, 200) << added.body;
    }
    const std::string tiers = R"({"tiers":[{"name":"a","buy_in_fen":100000,"ratio_bp":2000}],"profit_margin_bp":3000})";
    const std::string S = "/api/v1/merchants/" + store;
    const std::string card = R"({"kind":"vip","title":"VIP","benefit":"9折","valid_from":"2026-06-01T00:00:00Z","valid_until":"2029-06-01T00:00:00Z"})";
    auto must = [](const http_reply& reply, int status) {
        if (reply.status != status) throw std::runtime_error("set-up call failed: " + reply.body);
        return reply.json();
    };
    // The partner role: enrolled at S with a pack of S's card and a share link.
    ASSERT_EQ(call(who[owner], "PUT", S + "/tiers", tiers).status, 200);
    const auto card_template = std::string(must(call(who[owner], "POST", S + "/card-templates", card), 201).at("card_template").at("id").as_string());
    auto enrol = [&](const std::string& user_id) {
        auto body = json::serialize(json::object{{"user_id", user_id}, {"amount_fen", 100000}});
        return std::string(must(call(who[owner], "POST", S + "/partners", body), 201).at("partner").at("id").as_string());
    };
    const auto P = enrol(who[partner].user_id);
    const auto pack_body = json::serialize(json::object{{"card_template_id", card_template}});
    const auto K = std::string(must(call(who[owner], "POST", S + "/partners/" + P + "/card-packs", pack_body), 201).at("card_pack").at("id").as_string());
    auto share_of_partner = [&] {
        return std::string(must(call(who[partner], "POST", "/api/v1/partners/me/cards/" + K + "/shares", ""), 201).at("share_code").as_string());
    };
    const auto code = share_of_partner();
    // The customer holds S's card (C); the partner's own claim is self_referral and holds none.
    must(call(who[customer], "POST", "/api/v1/shares/" + code + "/claim", ""), 200);
    const auto C = std::string(must(call(who[customer], "GET", "/api/v1/me/cards", ""), 200).at("items").as_array().at(0).at("id").as_string());
    // A well-formed code no card has: staff of S get past the role check to 404 card_code_not_found.
    const std::string unknown_code = R"({"code":"000000000000","request_id":"access-card-1","bill_fen":100})";

    struct row {
        std::string method;
        std::function<std::string()> path;  // evaluated per call: some rows need a fresh target
        std::function<std::string()> body;
        std::array<int, role_count> expected;
    };
    auto fixed = [](std::string text) { return [text] { return text; }; };
    const auto none = fixed("");
    // A fresh user to add or remove as staff, so that each cell starts from the same state.
    auto fresh_target = [&] {
        auto target = sign_in();
        return target.user_id;
    };
    auto removable_target = [&] {
        auto target = sign_in();
        call(who[owner], "PUT", S + "/staff/" + target.user_id, R"({"role":"cashier"})");
        return target.user_id;
    };
    // A fresh POS API key of S for the owner to revoke.
    auto revocable_key = [&] {
        auto created = call(who[owner], "POST", S + "/api-keys", R"({"label":"till"})");
        if (created.status != 201) throw std::runtime_error("key creation failed: " + created.body);
        return std::string(created.json().at("api_key").at("id").as_string());
    };
    // An order of the customer's, paid with WeChat Pay (left unpaid: reading it is the point).
    const auto order_body = json::serialize(json::object{{"merchant_id", store}, {"amount_fen", 100}, {"description", "x"}, {"pay_with", "wechat"}});
    const auto O = std::string(must(call(who[customer], "POST", "/api/v1/orders", order_body), 201).at("order").at("id").as_string());
    const std::string period = "?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z";
    auto new_partner_body = [&] { return json::serialize(json::object{{"user_id", sign_in().user_id}, {"amount_fen", 100000}}); };
    const auto reassign_body = json::serialize(json::object{{"partner_id", P}, {"reason", "by hand"}});
    int withdrawals = 0;
    auto withdrawal_body = [&] {
        return json::serialize(json::object{{"merchant_id", store}, {"amount_fen", 100}, {"request_id", "access-w-" + std::to_string(++withdrawals)}});
    };
    const std::string W = "999999999";
    const std::string limits_body =
        R"({"payout_min_fen":10,"payout_max_fen":100000,"payout_daily_max_fen":500000,"payout_max_pending":3,"payout_approval_above_fen":null})";
    const std::string program_body =
        R"({"points_per_yuan":1,"point_value_fen":1,"max_points_per_order":200,"points_validity_months":24,"terms_version":"v1",)"
        R"("terms_text":"会员条款","partner_requires_member":false})";
    const std::string levels_body =
        R"({"levels":[{"name":"普通","threshold_growth":0,"discount_bp":10000,"points_multiplier_bp":10000},)"
        R"({"name":"银卡","threshold_growth":2000,"discount_bp":9500,"points_multiplier_bp":12000,"retention_growth_12m":1000}]})";
    // The member programme exists before the walk: rows that need an offer make one whatever the order.
    must(call(who[owner], "PUT", S + "/member-program", program_body), 200);
    // A points item of S's, made by the owner when a row needs one.
    auto points_item = [&] {
        auto made = call(who[owner], "POST", S + "/member-offers", R"({"kind":"points_item","name":"洗车券","points_price":500})");
        if (made.status != 201) throw std::runtime_error("points item creation failed: " + made.body);
        return std::string(made.json().at("offer").at("id").as_string());
    };
    int exchanges = 0;
    auto exchange_body = [&] {
        return json::serialize(json::object{{"item_id", points_item()}, {"request_id", "access-x-" + std::to_string(++exchanges)}});
    };
    const std::string pool_config_body = R"({"initial_value_cp":10000000,"min_holders":20,"growth_bp":1500,"first_rate_bp":50,"rate_step_bp":10,"rate_cap_bp":300,)"
             R"("fund_share_bp":5000,"quota_bp":2500,"advance_periods":3,"advance_budget_bp":2000,"lock_bp":100,"voucher_validity_days":365,)"
             R"("vest_days":7,"supply_voucher_max_bp":3000})";
    const std::vector<row> table{
        {"GET", fixed("/api/v1/me"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/merchants"), fixed(R"({"name":"another"})"), {401, 201, 201, 201, 201, 201, 201}},
        {"GET", fixed(S), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PATCH", fixed(S + "/settings"), fixed(R"({"protection_days":30})"), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/staff"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"PUT", [&] { return S + "/staff/" + fresh_target(); }, fixed(R"({"role":"cashier"})"), {401, 403, 403, 403, 403, 200, 403}},
        {"DELETE", [&] { return S + "/staff/" + removable_target(); }, none, {401, 403, 403, 403, 403, 200, 403}},
        {"PUT", fixed(S + "/tiers"), fixed(tiers), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/tiers"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"POST", fixed(S + "/tier-versions/preview"), fixed(tiers), {401, 403, 403, 403, 200, 200, 403}},
        {"POST", fixed(S + "/card-templates"), fixed(card), {401, 403, 403, 403, 201, 201, 403}},
        {"GET", fixed(S + "/card-templates"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"POST", fixed(S + "/partners"), new_partner_body, {401, 403, 403, 201, 201, 201, 403}},
        {"GET", fixed(S + "/partners"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"GET", fixed(S + "/partners/" + P), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PATCH", fixed(S + "/partners/" + P), fixed(R"({"status":"active"})"), {401, 403, 403, 403, 200, 200, 403}},
        {"POST", fixed(S + "/partners/" + P + "/buy-ins"), fixed(R"({"amount_fen":100})"), {401, 403, 403, 201, 201, 201, 403}},
        {"POST", fixed(S + "/partners/" + P + "/card-packs"), fixed(pack_body), {401, 403, 403, 403, 201, 201, 403}},
        {"GET", fixed(S + "/leads"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"PUT", [&] { return S + "/leads/" + fresh_target(); }, fixed(reassign_body), {401, 403, 403, 403, 403, 200, 403}},
        {"GET", fixed(S + "/lead-history"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed("/api/v1/partners/me"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/partners/me/cards"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/partners/me/customers"), none, {401, 200, 200, 200, 200, 200, 200}},
        // Someone else's pack or share does not exist for the caller: 404, not 403.
        {"POST", fixed("/api/v1/partners/me/cards/" + K + "/shares"), none, {401, 404, 201, 404, 404, 404, 404}},
        {"DELETE", [&] { return "/api/v1/partners/me/shares/" + share_of_partner(); }, none, {401, 404, 200, 404, 404, 404, 404}},
        {"GET", fixed("/api/v1/shares/" + code), none, {200, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/shares/" + code + "/qr.png"), none, {200, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/shares/" + code + "/claim"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/orders"), fixed(order_body), {401, 201, 201, 201, 201, 201, 201}},
        {"GET", fixed("/api/v1/me/orders/" + O), none, {401, 200, 404, 404, 404, 404, 404}},
        {"POST", fixed("/api/v1/me/orders/" + O + "/close"), none, {401, 200, 404, 404, 404, 404, 404}},
        {"GET", fixed("/api/v1/partners/me/dividends"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/partners/me/summary"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed(S + "/orders"), none, {401, 403, 403, 200, 200, 200, 403}},
        // O is unpaid here: past the role check owner and manager get 409 order_not_paid (a paid
        // order's 201 is merchant_refunds_test's).
        {"POST", fixed(S + "/orders/" + O + "/refunds"), fixed(R"({"request_id":"access-check-1","amount_fen":1})"),
         {401, 403, 403, 403, 409, 409, 403}},
        {"GET", fixed(S + "/dividends" + period), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/reconciliation" + period), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/dashboard?days=7"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/payment-anomalies"), none, {401, 403, 403, 403, 200, 200, 403}},
        // Signed by a store's API key or by WeChat Pay, never by a session: a Bearer token is no key.
        {"POST", fixed("/api/v1/pos/orders"), fixed(R"({"merchant_order_id":"x"})"), {401, 401, 401, 401, 401, 401, 401}},
        {"POST", fixed("/api/v1/pos/refunds"), fixed(R"({"merchant_order_id":"x"})"), {401, 401, 401, 401, 401, 401, 401}},
        {"POST", fixed("/api/v1/pos/voucher-reservations"), fixed(R"({"merchant_order_id":"x"})"), {401, 401, 401, 401, 401, 401, 401}},
        {"POST", fixed("/api/v1/pos/voucher-reservations/1/cancel"), none, {401, 401, 401, 401, 401, 401, 401}},
        {"POST", fixed("/api/v1/wechat/pay/notify"), fixed(R"({"id":"x"})"), {401, 401, 401, 401, 401, 401, 401}},
        {"POST", fixed("/api/v1/me/subscriptions"), fixed(R"({"template_id":"t1"})"), {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed(S + "/api-keys"), fixed(R"({"label":"till"})"), {401, 403, 403, 403, 403, 201, 403}},
        {"GET", fixed(S + "/api-keys"), none, {401, 403, 403, 403, 403, 200, 403}},
        {"DELETE", [&] { return S + "/api-keys/" + revocable_key(); }, none, {401, 403, 403, 403, 403, 200, 403}},
        // Payouts: the partner has nothing withdrawable yet (409), and W is nobody's payout.
        {"POST", fixed("/api/v1/me/withdrawals"), [&] { return withdrawal_body(); }, {401, 404, 409, 404, 404, 404, 404}},
        {"GET", fixed("/api/v1/me/withdrawals"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/me/withdrawals/" + W), none, {401, 404, 404, 404, 404, 404, 404}},
        {"POST", fixed("/api/v1/me/withdrawals/" + W + "/cancel"), none, {401, 404, 404, 404, 404, 404, 404}},
        {"GET", fixed("/api/v1/me/payout-balances"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"PUT", fixed("/api/v1/me/real-name"), fixed(R"({"real_name":"张三"})"), {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed(S + "/payouts"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"POST", fixed(S + "/payouts/" + W + "/approve"), none, {401, 403, 403, 403, 404, 404, 403}},
        {"POST", fixed(S + "/payouts/" + W + "/reject"), fixed(R"({"reason":"no"})"), {401, 403, 403, 403, 404, 404, 403}},
        {"GET", fixed(S + "/payout-balances"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/payout-reconciliation"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/payout-limits"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"PUT", fixed(S + "/payout-limits"), fixed(limits_body), {401, 403, 403, 403, 403, 200, 403}},
        {"POST", fixed("/api/v1/wechat/pay/transfer-notify"), fixed(R"({"id":"x"})"), {401, 401, 401, 401, 401, 401, 401}},
        // The member journey (docs/members.md): the programme first, which the rows after it need.
        {"PUT", fixed(S + "/member-program"), fixed(program_body), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/member-program"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PUT", fixed(S + "/member-levels"), fixed(levels_body), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/member-levels"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"POST", fixed(S + "/member-offers"), fixed(R"({"kind":"topup_package","name":"充300送100","pay_fen":30000,"bonus_fen":10000})"),
         {401, 403, 403, 403, 201, 201, 403}},
        {"GET", fixed(S + "/member-offers?kind=topup_package"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PATCH", [&] { return S + "/member-offers/" + points_item(); }, fixed(R"({"active":true})"), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/member-funnel"), none, {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/members/" + who[customer].user_id), none, {401, 403, 403, 200, 200, 200, 403}},
        {"GET", fixed("/api/v1/me/stores/" + store + "/membership"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/me/stores/" + store + "/visits"), fixed(R"({"source":"page"})"), {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/me/stores/" + store + "/member-terms"), fixed(R"({"terms_version":"v1"})"), {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/me/stores/" + store + "/points"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"GET", fixed("/api/v1/me/stores/" + store + "/offers?kind=points_item"), none, {401, 200, 200, 200, 200, 200, 200}},
        // Nobody holds points yet: past the session check every caller gets 409 points_over_balance.
        {"POST", fixed("/api/v1/me/stores/" + store + "/points-exchanges"), [&] { return exchange_body(); }, {401, 409, 409, 409, 409, 409, 409}},
        {"GET", fixed("/api/v1/me/referrer"), none, {401, 200, 200, 200, 200, 200, 200}},
        // The customer's cards: someone else's card does not exist for the caller (404).
        {"GET", fixed("/api/v1/me/cards"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/me/cards/" + C + "/code"), none, {401, 201, 404, 404, 404, 404, 404}},
        {"POST", fixed(S + "/card-redemptions"), fixed(unknown_code), {401, 403, 403, 404, 404, 404, 403}},
        {"POST", fixed("/api/v1/pos/card-redemptions"), fixed(unknown_code), {401, 401, 401, 401, 401, 401, 401}},
        {"GET", fixed(S + "/card-report"), none, {401, 403, 403, 403, 200, 200, 403}},
        // The bonus system: the owner and managers propose, any staff reads.
        {"PUT", fixed(S + "/bonus-config"), fixed(R"({"awards":[{"type":"tier"},{"type":"level_difference"}]})"), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed(S + "/bonus-config"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"GET", fixed(S + "/bonus-report" + period), none, {401, 403, 403, 403, 200, 200, 403}},
        // The alliance (docs/alliance.md): no role of a store is a platform operator; S is not admitted,
        // so its owner gets past the role check to 409 not_in_alliance.
        {"GET", fixed("/api/v1/platform/alliance/config"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"PUT", fixed("/api/v1/platform/alliance/config"), fixed(pool_config_body), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/alliance/merchants"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/alliance/merchants"), fixed(json::serialize(json::object{{"merchant_id", store}})),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed(S + "/alliance"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PUT", fixed(S + "/alliance"), fixed(R"({"concession_bp":1000,"voucher_max_bp":5000})"), {401, 403, 403, 403, 403, 409, 403}},
        {"GET", fixed("/api/v1/platform/alliance/fans/" + who[customer].user_id), none, {401, 403, 403, 403, 403, 403, 403}},
        {"PUT", fixed("/api/v1/platform/alliance/fans/" + who[customer].user_id),
         fixed(json::serialize(json::object{{"merchant_id", store}, {"reason", "test"}})), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/alliance/dividends"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/me/alliance"), none, {401, 200, 200, 200, 200, 200, 200}},
        {"POST", fixed("/api/v1/me/alliance/voucher-code"), none, {401, 201, 201, 201, 201, 201, 201}},
        // Supply orders: the platform's side is the operator's; S has none, so its owner and a
        // manager get past the role check to 404 supply_order_not_found.
        {"POST", fixed("/api/v1/platform/alliance/supply-orders"),
         fixed(json::serialize(json::object{{"merchant_id", store}, {"reference", "INV-1"}, {"description", "tea"}, {"amount_fen", 1000}})),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/alliance/supply-orders"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/alliance/supply-orders/1/cancel"), fixed(R"({"reason":"wrong"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/alliance/supply-orders/1/refund"), fixed(R"({"reason":"returned"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed(S + "/alliance/supply-orders"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"POST", fixed(S + "/alliance/supply-orders/1/pay"), fixed(R"({"voucher_fen":0})"), {401, 403, 403, 403, 404, 404, 403}},
        // Statements: the operator's; S's staff read S's own.
        {"GET", fixed("/api/v1/platform/alliance/statements"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/alliance/statements"), fixed(R"({"period":"2026-10"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/alliance/statements/1/settle"), fixed(R"({"transfer_reference":"BANK-1"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed(S + "/alliance/statements"), none, {401, 403, 403, 200, 200, 200, 403}},
        // Regions, promoters, centres and their statements (docs/promoters-and-centres.md): the
        // platform's routes are the operator's; S's staff read S's region and promoter, its owner sets
        // them (440300 has districts: 422; no promoter has ZZZZZZZZ: 404); nobody here is a promoter
        // or a centre's contact (403 on /me), and statement 1 is nobody's (404 on /me).
        {"GET", fixed("/api/v1/platform/regions"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/merchants/" + store + "/region"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"PUT", fixed("/api/v1/platform/merchants/" + store + "/region"), fixed(R"({"region_code":"440305","reason":"licence"})"),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed(S + "/region"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"PUT", fixed(S + "/region"), fixed(R"({"region_code":"440300"})"), {401, 403, 403, 403, 403, 422, 403}},
        {"GET", fixed("/api/v1/platform/promoters"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/promoters"), fixed(R"({"user_id":"1","name":"P"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/promoters/1"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/merchants/" + store + "/promoter"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"PUT", fixed("/api/v1/platform/merchants/" + store + "/promoter"), fixed(R"({"promoter_id":"1","reason":"fair"})"),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed(S + "/promoter"), none, {401, 403, 403, 200, 200, 200, 403}},
        {"POST", fixed(S + "/promoter"), fixed(R"({"invite_code":"ZZZZZZZZ"})"), {401, 403, 403, 403, 403, 404, 403}},
        {"GET", fixed("/api/v1/me/promoter"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/shares/config"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"PUT", fixed("/api/v1/platform/shares/config"),
         fixed(R"({"promoter_bp":2000,"promoter_term_months":24,"assist_fee_fen":0,"assist_min_orders":30,"county_bp":1000,"city_bp":500,"province_bp":300})"),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/centres"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/centres"),
         fixed(R"({"level":"county","region_code":"440305","name":"C","contract_reference":"C-1","rate_bp":1000,"starts_on":"2027-01-01","ends_on":"2027-12-31"})"),
         {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/centres/1"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/centres/1/terminate"), fixed(R"({"ends_on":"2027-06-30","reason":"breach"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/me/centres"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/shares/statements"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/shares/statements"), fixed(R"({"period":"2026-10"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/shares/statements/1"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/platform/shares/statements/1/export?format=pdf"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"POST", fixed("/api/v1/platform/shares/statements/1/pay"), fixed(R"({"payment_reference":"BANK-1"})"), {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/me/share-statements"), none, {401, 403, 403, 403, 403, 403, 403}},
        {"GET", fixed("/api/v1/me/share-statements/1"), none, {401, 404, 404, 404, 404, 404, 404}},
        {"GET", fixed("/api/v1/me/share-statements/1/export"), none, {401, 404, 404, 404, 404, 404, 404}},
        {"POST", fixed(S + "/bonus-config/preview"), fixed(R"({"awards":[{"type":"level_difference"}]})"), {401, 403, 403, 403, 200, 200, 403}},
        {"GET", fixed("/api/v1/partners/me/awards"), none, {401, 200, 200, 200, 200, 200, 200}},
    };
    // Console sessions (docs/access-control.md, "Console sessions"), made before the walk below
    // (where customers and partners create stores of their own): customers and partners are staff
    // nowhere yet, so they get none.
    const std::array staff_roles{cashier, manager, owner, other_staff};
    std::array<console_session, role_count> console;
    for (int r : staff_roles) console[r] = console_login(server.port(), who[r].token);
    for (int r : {customer, partner}) {
        auto ticket = create_console_ticket(server.port());
        auto refused = confirm_console_ticket(server.port(), ticket.id, who[r].token);
        EXPECT_EQ(refused.status, 403) << role_names[r];
        EXPECT_EQ(std::string(refused.json().at("error").at("code").as_string()), "console_not_staff") << role_names[r];
    }
    // The console's own rows, each role calling as it can: anonymous with nothing, customers and
    // partners with their Bearer token, staff with their console session.
    auto as_role = [&](int role_index, const std::string& method, const std::string& path, const std::string& extra_cookie = "") {
        std::vector<std::pair<std::string, std::string>> headers;
        std::string cookies = extra_cookie;
        if (role_index == customer || role_index == partner) headers.emplace_back("Authorization", "Bearer " + who[role_index].token);
        if (std::find(staff_roles.begin(), staff_roles.end(), role_index) != staff_roles.end()) {
            cookies += (cookies.empty() ? "" : "; ") + console[role_index].cookie;
            headers.emplace_back("X-CSRF-Token", console[role_index].csrf_token);
        }
        if (!cookies.empty()) headers.emplace_back("Cookie", cookies);
        return http_call(server.port(), method, path, "", headers);
    };
    for (int role_index = anonymous; role_index < role_count; ++role_index) {
        const auto name = role_names[role_index];
        auto ticket = as_role(role_index, "POST", "/api/v1/console/tickets");
        ASSERT_EQ(ticket.status, 201) << name << ": " << ticket.body;
        const auto ticket_id = std::string(ticket.json().at("ticket_id").as_string());
        const auto browser = cookie_pair(set_cookie_named(ticket, "sharedstore_ticket"));
        // Confirmed by a staff member's phone, so the long-poll answers at once.
        ASSERT_EQ(confirm_console_ticket(server.port(), ticket_id, who[owner].token).status, 200);
        EXPECT_EQ(as_role(role_index, "GET", "/api/v1/console/tickets/" + ticket_id, browser).status, 200) << name;
        const std::array<int, role_count> confirm{401, 403, 403, 200, 200, 200, 200};
        auto another = create_console_ticket(server.port());
        const auto confirm_path = "/api/v1/console/tickets/" + another.id + "/confirm";
        auto confirmed = role_index == anonymous ? http_call(server.port(), "POST", confirm_path)
                                                 : confirm_console_ticket(server.port(), another.id, who[role_index].token);
        EXPECT_EQ(confirmed.status, confirm[role_index]) << "confirm as " << name << ": " << confirmed.body;
        const std::array<int, role_count> me{401, 401, 401, 200, 200, 200, 200};
        EXPECT_EQ(as_role(role_index, "GET", "/api/v1/console/me").status, me[role_index]) << name;
    }
    for (int role_index = anonymous; role_index < role_count; ++role_index) {
        const std::array<int, role_count> logout{401, 401, 401, 204, 204, 204, 204};
        EXPECT_EQ(as_role(role_index, "POST", "/api/v1/console/logout").status, logout[role_index]) << role_names[role_index];
        if (logout[role_index] == 204) console[role_index] = console_login(server.port(), who[role_index].token);
        const std::array<int, role_count> revoke_all{401, 200, 200, 200, 200, 200, 200};
        EXPECT_EQ(as_role(role_index, "POST", "/api/v1/console/sessions/revoke-all").status, revoke_all[role_index]) << role_names[role_index];
    }
    // Logout and revoke-all ended them: the walk below needs them again.
    for (int r : staff_roles) console[r] = console_login(server.port(), who[r].token);

    // The expected statuses are the documented ones: each walked row is looked up in
    // docs/access-control.md by its method and route pattern, and its cells must be this row's.
    std::map<std::string, std::vector<std::string>> doc_statuses;
    for (auto& d : documented_rows()) doc_statuses.emplace(d.endpoint, d.statuses);
    const auto walked_routes = api_routes();
    auto endpoint_of = [&](const std::string& method, const std::string& path) {
        const auto bare = path.substr(0, path.find('?'));
        for (const auto& r : walked_routes)
            if (r.method == method && std::regex_match(bare, std::regex(std::regex_replace(std::string(r.pattern), std::regex(R"(\{[^}]*\})"), "[^/]+"))))
                return normalized(method, r.pattern);
        return method + " " + bare;
    };
    for (const auto& r : table) {
        const auto endpoint = endpoint_of(r.method, r.path());
        auto documented = doc_statuses.find(endpoint);
        if (documented == doc_statuses.end()) {
            ADD_FAILURE() << endpoint << " is walked but has no row in docs/access-control.md";
            continue;
        }
        std::vector<std::string> walked;
        for (int status : r.expected) walked.push_back(std::to_string(status));
        EXPECT_EQ(walked, documented->second) << endpoint << ": the walk expects other statuses than docs/access-control.md says";
    }
    int cells = 0;
    for (const auto& r : table) {
        for (int role_index = anonymous; role_index < role_count; ++role_index) {
            const auto path = r.path();
            auto reply = call(who[role_index], r.method, path, r.body());
            EXPECT_EQ(reply.status, r.expected[role_index]) << r.method << " " << path << " as " << role_names[role_index] << ": " << reply.body;
            if (reply.status == 403) {
                EXPECT_EQ(std::string(reply.json().at("error").at("code").as_string()), "forbidden") << r.method << " " << path;
            }
            ++cells;
        }
    }
    EXPECT_EQ(cells, static_cast<int>(table.size()) * role_count);

    // A `staff` route takes a console session where it takes a Bearer token, with the same answer
    // for every role, since the role checks are the services' and see the same user; a write
    // without the session's CSRF token is refused before anything else.
    const auto routes = api_routes();
    auto declared_access = [&](const std::string& method, const std::string& path) {
        const auto bare = path.substr(0, path.find('?'));
        for (const auto& r : routes)
            if (r.method == method && std::regex_match(bare, std::regex(std::regex_replace(std::string(r.pattern), std::regex(R"(\{[^}]*\})"), "[^/]+"))))
                return r.required;
        throw std::runtime_error("no route for " + method + " " + path);
    };
    int staff_rows = 0;
    for (const auto& r : table) {
        if (declared_access(r.method, r.path()) != route_access::staff) continue;
        ++staff_rows;
        for (int role_index : staff_roles) {
            const auto path = r.path();
            const auto body = r.body();
            if (is_write_method(r.method)) {
                auto without = console_call(server.port(), r.method, path, console[role_index], body, false);
                EXPECT_EQ(without.status, 403) << r.method << " " << path << " as " << role_names[role_index] << " without the CSRF token";
                EXPECT_EQ(std::string(without.json().at("error").at("code").as_string()), "csrf_token_invalid") << r.method << " " << path;
            }
            auto reply = console_call(server.port(), r.method, path, console[role_index], body);
            EXPECT_EQ(reply.status, r.expected[role_index])
                << r.method << " " << path << " as " << role_names[role_index] << " (console session): " << reply.body;
        }
    }
    EXPECT_EQ(staff_rows, 98) << "every staff row of the table above";
}

}  // namespace
