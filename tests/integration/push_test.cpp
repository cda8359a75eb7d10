// Real-time dividend reminders over WebSocket (docs/websocket.md), end to end: POS orders and
// WeChat Pay notifications write outbox events, the relay moves them to Redis, instances push them
// to the partner's sockets; resume, acks, the subscribe-message fallback, several instances, and
// Redis or an instance failing on the way.
#include "common/sha256.hpp"
#include "push/ack_batch.hpp"
#include "push/inbox.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"
#include "tests/support/capture_log.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/io_thread.hpp"

#include <algorithm>
#include <csignal>
#include <map>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// Quick timings, so that the tests see pings, idle closes and fallbacks within seconds.
environment_changes fast_push() {
    return {{"SHAREDSTORE_PUSH_RESUME_WINDOW_MS", std::string("200")},
            {"SHAREDSTORE_PUSH_RELAY_INTERVAL_MS", std::string("20")},
            {"SHAREDSTORE_PUSH_PING_INTERVAL_MS", std::string("1000")},
            {"SHAREDSTORE_PUSH_IDLE_TIMEOUT_MS", std::string("2500")},
            {"SHAREDSTORE_PUSH_ACK_TIMEOUT_MS", std::string("700")}};
}

// A Redis connection of the test's own, to look at or break what the servers keep there.
struct redis_link {
    explicit redis_link(int port) {
        redis_config settings;
        settings.port = port;
        client = redis_client::create(io.io().get_executor(), settings, log.log());
        client->start();
        eventually([&] { return client->connected(); }, 5s, 10ms);
        if (!client->connected()) throw std::runtime_error("no Redis connection");
    }
    ~redis_link() { client->stop(); }
    redis_reply command(std::vector<std::string> argv) { return io.run(client->command(std::move(argv))); }

    captured_log log;
    io_thread io;
    std::shared_ptr<redis_client> client;
};

// Every server of this suite shares a Redis and a database of the suite's own: instances that
// share Redis form one cluster (one relay, one fallback sender), which must not include other
// tests' servers and simulators.
class push_test : public isolated_cluster_test {
protected:
    static void SetUpTestSuite() {
        auto settings = fast_push();
        settings.emplace_back("SHAREDSTORE_PUSH_SUBSCRIBE_TEMPLATE_ID", std::string("dividend-reminder-dev"));
        start_cluster("push", std::move(settings));
    }
    static void TearDownTestSuite() { stop_cluster(); }

    // A store, its POS key, a partner and a customer the partner owns.
    struct scene {
        store s;
        pos_key key;
        partner owner_partner;
        user customer;
    };
    static scene owned_customer() {
        scene sc{open_store(), {}, {}, sign_in()};
        sc.key = make_pos_key(sc.s);
        sc.owner_partner = enrol(sc.s);
        if (claim(sc.customer, sc.owner_partner.share_code) != "claimed") throw std::runtime_error("claim failed");
        return sc;
    }
    static void pay(const scene& sc, std::int64_t amount, int port = 0) {
        auto reply = pos_order(sc.key, sc.customer, amount, port);
        if (reply.status != 201) throw std::runtime_error("POS order failed: " + reply.body);
    }
    static json::object frame(ws_client& client, std::chrono::milliseconds timeout = 10s) {
        return json::parse(client.read_text(timeout)).as_object();
    }
    static std::string id_of(const json::object& f) { return std::string(f.at("id").as_string()); }
    static std::unique_ptr<ws_client> connect(const user& who, int port = 0) {
        auto client = std::make_unique<ws_client>(port ? port : server->port(), bearer(who.token));
        if (client->status() != 101) throw std::runtime_error("upgrade refused: " + client->body());
        return client;
    }
    static constexpr const char* reminder_template = "dividend-reminder-dev";
    static void accept_two_subscriptions(const user& partner_person) {
        auto accepted = sim->send("POST", "/sim/v1/subscriptions",
                                  json::serialize(json::object{{"touser", partner_person.openid}, {"template_id", reminder_template}, {"count", 2}}));
        if (accepted.status != 200) throw std::runtime_error("subscription refused: " + accepted.body);
        ok(call("POST", "/api/v1/me/subscriptions", partner_person, json::object{{"template_id", reminder_template}, {"accepted", 2}}));
    }
    static json::array subscribe_messages_to(const user& partner_person) {
        auto reply = sim->send("GET", "/sim/v1/subscribe-messages?touser=" + partner_person.openid);
        return json::parse(reply.body).at("messages").as_array();
    }
    // The partner sees one reminder (1000 fen) live, then goes away: the id to resume after.
    static std::string first_reminder_then_away(const scene& sc) {
        auto client = connect(sc.owner_partner.person);
        std::this_thread::sleep_for(300ms);
        pay(sc, 1000);
        return id_of(frame(*client));
    }
    static void resume(ws_client& client, const std::string& after) { client.send_text(json::serialize(json::object{{"type", "resume"}, {"after", after}})); }
};

TEST_F(push_test, an_upgrade_without_a_valid_token_is_refused_before_the_handshake) {
    ws_client none(server->port(), {});
    EXPECT_EQ(none.status(), 401);
    EXPECT_NE(none.body().find("unauthenticated"), std::string::npos) << none.body();
    ws_client forged(server->port(), bearer("f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"));
    EXPECT_EQ(forged.status(), 401);
    EXPECT_NE(forged.body().find("invalid_session"), std::string::npos) << forged.body();
    // The token as a subprotocol (what wx.connectSocket can send): accepted, and the name echoed.
    auto who = sign_in();
    ws_client by_protocol(server->port(), {{"Sec-WebSocket-Protocol", "sharedstore.v1, " + who.token}});
    EXPECT_EQ(by_protocol.status(), 101);
    EXPECT_EQ(by_protocol.response_header("sec-websocket-protocol"), "sharedstore.v1");
}

// wx.connectSocket sends `header` and `protocols` together; browsers and the `ws` library abort a
// 101 that names none of their offers ("Server sent no subprotocol").
TEST_F(push_test, a_bearer_token_with_the_subprotocol_offered_gets_the_subprotocol_back) {
    auto who = sign_in();
    auto headers = bearer(who.token);
    headers.emplace_back("Sec-WebSocket-Protocol", "sharedstore.v1");
    ws_client both(server->port(), headers);
    EXPECT_EQ(both.status(), 101) << both.body();
    EXPECT_EQ(both.response_header("sec-websocket-protocol"), "sharedstore.v1");
    // Offered among others (and no token in the list): still the one we speak.
    headers.back().second = "chat, sharedstore.v1";
    ws_client among(server->port(), headers);
    EXPECT_EQ(among.status(), 101) << among.body();
    EXPECT_EQ(among.response_header("sec-websocket-protocol"), "sharedstore.v1");
    // A bearer without any offer: no subprotocol in the answer.
    ws_client plain(server->port(), bearer(who.token));
    EXPECT_EQ(plain.status(), 101);
    EXPECT_EQ(plain.response_header("sec-websocket-protocol"), "");
}

TEST_F(push_test, an_upgrade_refusal_echoes_the_callers_request_id) {
    ws_client refused(server->port(), {{"X-Request-Id", "desk-7.ws-1"}});
    ASSERT_EQ(refused.status(), 401);
    EXPECT_EQ(refused.response_header("x-request-id"), "desk-7.ws-1");
    EXPECT_EQ(json::parse(refused.body()).at("error").at("request_id").as_string(), "desk-7.ws-1");
    ws_client anonymous(server->port(), {});
    ASSERT_EQ(anonymous.status(), 401);
    const auto id = anonymous.response_header("x-request-id");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(json::parse(anonymous.body()).at("error").at("request_id").as_string(), id);
}

// Signing out ends the session's sockets on every instance, and only that session's: the same
// user signed in elsewhere keeps receiving.
TEST_F(push_test, signing_out_closes_that_sessions_sockets_on_every_instance_within_a_second) {
    auto sc = owned_customer();
    server_process other(instance_environment());
    auto& partner_person = sc.owner_partner.person;
    auto here = connect(partner_person);
    auto there = connect(partner_person, other.port());
    const auto second_login = sign_in_as(partner_person.openid);
    auto kept = connect(second_login);
    std::this_thread::sleep_for(300ms);
    auto logout = call("POST", "/api/v1/auth/logout", partner_person);
    ASSERT_EQ(logout.status, 204) << logout.body;
    for (auto* client : {here.get(), there.get()}) {
        std::uint16_t code = 0;
        EXPECT_TRUE(client->closed_within(1500ms, &code));
        EXPECT_EQ(code, 4401);
    }
    pay(sc, 1700);
    EXPECT_EQ(frame(*kept).at("order_amount_fen").as_int64(), 1700) << "another session of the same user is not ended";
    // The token is dead for new sockets too.
    ws_client again(server->port(), bearer(partner_person.token));
    EXPECT_EQ(again.status(), 401);
}

// A socket lives no longer than its session: at the session's expiry it closes with 4401.
TEST_F(push_test, a_socket_closes_when_its_session_expires) {
    auto who = sign_in();
    // Make the session expire two seconds from now, as if it had been signed in long ago.
    io_thread io;
    captured_log log;
    redis_config settings;
    settings.port = redis->port();
    auto client = redis_client::create(io.io().get_executor(), settings, log.log());
    client->start();
    eventually([&] { return client->connected(); }, 5s, 10ms);
    ASSERT_TRUE(client->connected());
    const auto key = "session:" + sha256_hex(who.token);
    auto record = json::parse(io.run(client->command({"GET", key})).str).as_object();
    const auto soon = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 2;
    record["expires_at"] = soon;
    io.run(client->command({"SET", key, json::serialize(record), "EX", "3"}));
    client->stop();
    auto socket = connect(who);
    std::uint16_t code = 0;
    EXPECT_FALSE(socket->read(1000ms).has_value()) << "closed before the session expired";
    EXPECT_TRUE(socket->closed_within(4s, &code));
    EXPECT_EQ(code, 4401);
}

TEST_F(push_test, a_paid_order_reaches_the_partners_open_sockets_at_once) {
    auto sc = owned_customer();
    auto phone = connect(sc.owner_partner.person), tablet = connect(sc.owner_partner.person);
    std::this_thread::sleep_for(300ms);  // past the resume window: live
    pay(sc, 12800);
    for (auto* client : {phone.get(), tablet.get()}) {
        auto f = frame(*client);
        EXPECT_EQ(f.at("type").as_string(), "dividend");
        EXPECT_EQ(f.at("dividend_fen").as_int64(), 768);  // 30 % margin, silver tier 20 %
        EXPECT_EQ(f.at("order_amount_fen").as_int64(), 12800);
        EXPECT_EQ(f.at("merchant").at("id").as_string(), sc.s.id);
        EXPECT_EQ(f.at("state").as_string(), "pending");
        EXPECT_EQ(f.at("customer").as_string(), "微信用户") << "the customer has no phone: no personal data";
        EXPECT_FALSE(id_of(f).empty());
    }
}

TEST_F(push_test, a_partner_who_was_away_gets_every_missed_reminder_once_in_order_on_resume) {
    auto sc = owned_customer();
    const auto last = first_reminder_then_away(sc);
    for (std::int64_t amount : {2000, 3000, 4000}) pay(sc, amount);
    std::this_thread::sleep_for(300ms);  // relayed while nobody listens
    auto client = connect(sc.owner_partner.person);
    resume(*client, last);
    std::vector<std::int64_t> amounts;
    std::string previous = last;
    for (int i = 0; i < 3; ++i) {
        auto f = frame(*client);
        amounts.push_back(f.at("order_amount_fen").as_int64());
        EXPECT_GT(std::stoull(id_of(f)), std::stoull(previous)) << "ids only grow";
        previous = id_of(f);
    }
    EXPECT_EQ(amounts, (std::vector<std::int64_t>{2000, 3000, 4000}));
    EXPECT_FALSE(client->read(700ms)) << "a missed reminder came twice";
    pay(sc, 5000);  // then live events follow
    EXPECT_EQ(frame(*client).at("order_amount_fen").as_int64(), 5000);
}

TEST_F(push_test, an_order_paid_through_one_instance_reaches_a_socket_on_another) {
    auto sc = owned_customer();
    server_process other(instance_environment());
    auto client = connect(sc.owner_partner.person, other.port());
    std::this_thread::sleep_for(300ms);
    pay(sc, 2500);  // through the suite's server, not `other`
    EXPECT_EQ(frame(*client).at("order_amount_fen").as_int64(), 2500);
}

TEST_F(push_test, reminders_paid_while_an_instance_was_killed_arrive_after_it_restarts) {
    auto sc = owned_customer();
    const auto env = instance_environment();
    auto doomed = std::make_unique<server_process>(env);
    std::string last;
    {
        auto client = connect(sc.owner_partner.person, doomed->port());
        std::this_thread::sleep_for(300ms);
        pay(sc, 1100);
        last = id_of(frame(*client));
        doomed->process().send_signal(SIGKILL);
        EXPECT_TRUE(client->closed_within(5s));
    }
    pay(sc, 1200);
    pay(sc, 1300);
    doomed = std::make_unique<server_process>(env);  // restarted
    auto client = connect(sc.owner_partner.person, doomed->port());
    resume(*client, last);
    EXPECT_EQ(frame(*client).at("order_amount_fen").as_int64(), 1200);
    EXPECT_EQ(frame(*client).at("order_amount_fen").as_int64(), 1300);
}

TEST_F(push_test, an_unacknowledged_reminder_sends_exactly_one_subscribe_message) {
    auto sc = owned_customer();
    // The partner accepted two one-time subscriptions, in WeChat and reported to us.
    accept_two_subscriptions(sc.owner_partner.person);
    auto messages = [&] { return subscribe_messages_to(sc.owner_partner.person); };
    // Acknowledged in time: no message.
    {
        auto client = connect(sc.owner_partner.person);
        std::this_thread::sleep_for(300ms);
        pay(sc, 900);
        auto f = frame(*client);
        client->send_text(json::serialize(json::object{{"type", "ack"}, {"id", f.at("id")}}));
        std::this_thread::sleep_for(1500ms);
        EXPECT_EQ(messages().size(), 0u);
    }
    // Nobody connected: one message after the ack timeout, and never a second one.
    pay(sc, 12800);
    eventually([&] { return !messages().empty(); }, 10s, 100ms);
    std::this_thread::sleep_for(1500ms);
    auto sent = messages();
    ASSERT_EQ(sent.size(), 1u);
    const auto text = json::serialize(sent.at(0));
    EXPECT_NE(text.find("¥7.68"), std::string::npos) << text;
    EXPECT_NE(text.find(reminder_template), std::string::npos) << text;
}

TEST_F(push_test, an_oversized_binary_or_unknown_client_frame_closes_with_policy_violation) {
    auto who = sign_in();
    for (int variant = 0; variant < 6; ++variant) {
        auto client = connect(who);
        if (variant == 0) client->send_text(std::string(5000, 'x'));
        if (variant == 1) client->send_binary("\x01\x02");
        if (variant == 2) client->send_text(R"({"type":"subscribe_everything"})");
        if (variant == 3) client->send_text("not json");
        // The limit is on the message, checked as its fragments arrive: six frames of 1 KiB
        // (each under the limit) are refused like one of 6 KiB.
        if (variant == 4) client->send_fragmented_text(std::vector<std::string>(6, std::string(1024, 'x')));
        if (variant == 5) client->send_text(R"({"type":"resume","after":"0-0","after":"9-0"})");
        std::uint16_t code = 0;
        EXPECT_TRUE(client->closed_within(5s, &code)) << variant;
        EXPECT_EQ(code, 1008) << variant;
    }
    auto metrics = http_call(server->port(), "GET", "/metrics");
    EXPECT_NE(metrics.body.find("sharedstore_push_client_frames_refused_total{reason=\"frame_too_large\"} 2"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("sharedstore_push_client_frames_refused_total{reason=\"duplicate_key\"}"), std::string::npos);
}

TEST_F(push_test, frames_rfc_6455_forbids_close_with_1002_or_1007_and_control_frames_are_answered) {
    auto who = sign_in();
    // A ping is answered with its payload; the frames after it in the same write (a resume, an
    // unasked pong) are read as frames too, or the close below would answer 1002, not 1000.
    {
        auto client = connect(who);
        client->keep_pongs(true);
        client->send_raw(ws_client::masked_frame(0x89, "abc") + ws_client::masked_frame(0x81, R"({"type":"resume","after":"0-0"})") +
                         ws_client::masked_frame(0x8A, ""));
        auto pong = client->read(3s);
        ASSERT_TRUE(pong.has_value());
        EXPECT_EQ(pong->opcode, 10);
        EXPECT_EQ(pong->payload, "abc");
        client->send_raw(ws_client::masked_frame(0x88, std::string("\x03\xE8", 2) + "bye"));
        std::uint16_t code = 0;
        EXPECT_TRUE(client->closed_within(3s, &code));
        EXPECT_EQ(code, 1000);
    }
    struct refused {
        const char* name;
        std::string bytes;
        std::uint16_t code;
    };
    const refused cases[] = {
        {"unmasked", std::string("\x81\x02hi", 4), 1002},
        {"reserved bit", ws_client::masked_frame(0xC1, "hi"), 1002},
        {"unknown opcode", ws_client::masked_frame(0x83, "hi"), 1002},
        {"continuation first", ws_client::masked_frame(0x80, "hi"), 1002},
        {"not UTF-8", ws_client::masked_frame(0x81, "\xC0\x80"), 1007},
    };
    for (const auto& c : cases) {
        auto client = connect(who);
        client->send_raw(c.bytes);
        std::uint16_t code = 0;
        EXPECT_TRUE(client->closed_within(3s, &code)) << c.name;
        EXPECT_EQ(code, c.code) << c.name;
    }
}

TEST_F(push_test, a_client_that_never_answers_pings_is_closed_and_a_live_one_stays) {
    auto who = sign_in();
    auto live = connect(who);
    ws_client silent(server->port(), bearer(who.token));
    ASSERT_EQ(silent.status(), 101);
    // `live` reads (and so answers pings) for longer than the idle timeout; `silent` does not.
    const auto until = std::chrono::steady_clock::now() + 4s;
    while (std::chrono::steady_clock::now() < until) EXPECT_FALSE(live->read(200ms).has_value());
    std::uint16_t code = 0;
    EXPECT_TRUE(silent.closed_within(1s, &code)) << "a silent client stayed connected past the idle timeout";
    EXPECT_EQ(code, 4408);
}

TEST_F(push_test, on_shutdown_every_connection_gets_1001_to_reconnect_elsewhere) {
    server_process leaving(instance_environment());
    auto who = sign_in();
    auto client = connect(who, leaving.port());
    std::this_thread::sleep_for(100ms);
    leaving.process().send_signal(SIGTERM);
    std::uint16_t code = 0;
    EXPECT_TRUE(client->closed_within(5s, &code));
    EXPECT_EQ(code, 1001);
    EXPECT_EQ(leaving.process().wait_exit(10s), 0);
}

// A client that stops reading cannot hold up the others: at most send_queue_limit frames wait for
// it, the stalled write drops it, and another user's reminder passes meanwhile.
TEST_F(push_test, a_client_that_never_reads_is_dropped_while_others_keep_receiving) {
    auto env = instance_environment();
    env.emplace_back("SHAREDSTORE_PUSH_SEND_QUEUE_LIMIT", std::string("8"));
    env.emplace_back("SHAREDSTORE_PUSH_WRITE_TIMEOUT_MS", std::string("1000"));
    server_process instance(env);
    auto slow_user = sign_in();
    auto sc = owned_customer();
    ws_client slow(instance.port(), bearer(slow_user.token), 4096);  // a small receive buffer, never read
    ASSERT_EQ(slow.status(), 101);
    auto reader = connect(sc.owner_partner.person, instance.port());
    resume(*reader, "0-0");
    slow.send_text(R"({"type":"resume","after":"0-0"})");
    std::this_thread::sleep_for(300ms);
    // 120 reminders of 60 KB for the slow user: far more than the socket buffers hold.
    const std::string pad(60000, 'x');
    for (int i = 0; i < 120; ++i)
        execute("INSERT INTO outbox_events (user_id, kind, payload) VALUES (?, 'dividend', ?)",
                {slow_user.id, R"({"type":"dividend","pad":")" + pad + R"("})"});
    std::this_thread::sleep_for(500ms);
    pay(sc, 4200, instance.port());
    EXPECT_EQ(frame(*reader).at("order_amount_fen").as_int64(), 4200) << "the slow client held up another user";
    // Past the write timeout the server drops the slow client: reading now, it finds what the
    // buffers held, then the end of the connection.
    std::this_thread::sleep_for(2500ms);
    bool ended = false;
    for (int i = 0; i < 400 && !ended; ++i) {
        auto f = slow.read(3s);
        ASSERT_TRUE(f.has_value()) << "the connection is still open after " << i << " frames";
        ended = f->opcode == 0 || f->opcode == 8;
    }
    EXPECT_TRUE(ended);
    auto metrics = http_call(instance.port(), "GET", "/metrics");
    EXPECT_NE(metrics.body.find("sharedstore_push_slow_clients_closed_total 1"), std::string::npos) << metrics.body.substr(0, 3000);
}

// Redis goes away while orders are paid (through WeChat Pay, which needs no Redis): the events
// wait in the outbox and flow when Redis is back.
TEST_F(push_test, reminders_of_orders_paid_while_redis_was_down_arrive_when_it_returns) {
    const int port = free_tcp_port();
    server_process isolated(instance_environment(port));
    // Everything that needs a session happens before Redis stops.
    auto login = [&] {
        const auto openid = "o" + random_hex(10);
        auto reply = http_call(port, "POST", "/api/v1/auth/wechat/login", json::serialize(json::object{{"code", sim->login_code(openid)}}),
                               {{"Content-Type", "application/json"}});
        return user{std::string(reply.json().at("token").as_string()), std::string(reply.json().at("user").at("id").as_string()), openid};
    };
    auto owner = login(), partner_person = login(), customer = login();
    auto as = [&](const user& who, const std::string& method, const std::string& path, const json::value& body) {
        return http_call(port, method, path, body.is_null() ? "" : json::serialize(body),
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + who.token}});
    };
    const auto store_id = std::string(as(owner, "POST", "/api/v1/merchants", json::object{{"name", "s"}}).json().at("merchant").at("id").as_string());
    const auto S = "/api/v1/merchants/" + store_id;
    ASSERT_EQ(as(owner, "PUT", S + "/tiers", json::object{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 1000}, {"ratio_bp", 5000}}}}, {"profit_margin_bp", 5000}}).status, 200);
    const auto card = std::string(as(owner, "POST", S + "/card-templates", json::object{{"kind", "vip"}, {"title", "t"}, {"benefit", "b"}, {"valid_from", "2026-06-01T00:00:00Z"}, {"valid_until", "2029-01-01T00:00:00Z"}}).json().at("card_template").at("id").as_string());
    const auto partner_id = std::string(as(owner, "POST", S + "/partners", json::object{{"user_id", partner_person.id}, {"amount_fen", 1000}}).json().at("partner").at("id").as_string());
    const auto pack = std::string(as(owner, "POST", S + "/partners/" + partner_id + "/card-packs", json::object{{"card_template_id", card}}).json().at("card_pack").at("id").as_string());
    const auto code = std::string(as(partner_person, "POST", "/api/v1/partners/me/cards/" + pack + "/shares", nullptr).json().at("share_code").as_string());
    ASSERT_EQ(as(customer, "POST", "/api/v1/shares/" + code + "/claim", nullptr).status, 200);
    std::vector<std::string> out_trade_nos;
    for (int amount : {1000, 2000, 3000}) {
        auto placed = as(customer, "POST", "/api/v1/orders", json::object{{"merchant_id", store_id}, {"amount_fen", amount}, {"description", "x"}, {"pay_with", "wechat"}});
        ASSERT_EQ(placed.status, 201) << placed.body;
        out_trade_nos.push_back(std::string(placed.json().at("order").at("out_trade_no").as_string()));
    }
    auto client = std::make_unique<ws_client>(port, bearer(partner_person.token));
    ASSERT_EQ(client->status(), 101);
    resume(*client, "0-0");
    // Reading answers the server's pings: the connection outlives the outage.
    auto keep_alive = [&](std::chrono::milliseconds for_how_long) { EXPECT_FALSE(client->read(for_how_long).has_value()); };
    redis->stop();
    keep_alive(1100ms);  // the payments are dated after the claim's second
    for (const auto& no : out_trade_nos) ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + no + "/succeed").status, 200);
    // Applied without Redis: the dividends and their outbox events are in MariaDB, unrelayed.
    for (int i = 0; i < 100 && scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ?", {partner_person.id}) < 3; ++i) keep_alive(50ms);
    keep_alive(500ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND relayed_at IS NULL", {partner_person.id}), 3);
    redis->start();
    // All three, in the order the payments were applied (WeChat Pay notifies concurrently).
    std::vector<std::int64_t> amounts;
    std::uint64_t previous = 0;
    for (int i = 0; i < 3; ++i) {
        auto f = frame(*client, 20s);
        amounts.push_back(f.at("order_amount_fen").as_int64());
        EXPECT_GT(std::stoull(id_of(f)), previous);
        previous = std::stoull(id_of(f));
    }
    std::sort(amounts.begin(), amounts.end());
    EXPECT_EQ(amounts, (std::vector<std::int64_t>{1000, 2000, 3000}));
}

// The inbox keeps the newest push.inbox_max_events and may lose more with Redis: a partner away
// longer resumes from an id older than anything it holds. The gap comes from the outbox in MariaDB,
// in order, once each, then the inbox; the same when the inbox is gone altogether.
TEST_F(push_test, a_resume_from_before_the_inbox_gets_the_missed_reminders_from_the_outbox) {
    auto sc = owned_customer();
    const auto last = first_reminder_then_away(sc);
    std::vector<std::int64_t> missed;
    for (std::int64_t amount = 1001; amount <= 1012; ++amount) {
        pay(sc, amount);
        missed.push_back(amount);
    }
    for (int i = 0; i < 200 && scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND relayed_at IS NULL", {sc.owner_partner.person.id}) > 0; ++i)
        std::this_thread::sleep_for(20ms);
    redis_link redis_connection(redis->port());
    const auto key = "inbox:" + sc.owner_partner.person.id;
    auto resume_and_read = [&](const char* what) {
        auto client = connect(sc.owner_partner.person);
        resume(*client, last);
        std::vector<std::int64_t> amounts;
        std::uint64_t previous = 0;
        for (std::size_t i = 0; i < missed.size(); ++i) {
            auto f = frame(*client);
            amounts.push_back(f.at("order_amount_fen").as_int64());
            EXPECT_GT(std::stoull(id_of(f)), previous) << what << ": out of order";
            previous = std::stoull(id_of(f));
        }
        EXPECT_EQ(amounts, missed) << what;
        EXPECT_FALSE(client->read(500ms).has_value()) << what << ": a reminder came twice";
    };
    // Trimmed to the newest 4: the resume's id and the 8 after it are gone from Redis.
    ASSERT_EQ(redis_connection.command({"XTRIM", key, "MAXLEN", "4"}).integer, 9);
    resume_and_read("inbox trimmed");
    ASSERT_EQ(redis_connection.command({"DEL", key}).integer, 1);
    resume_and_read("inbox gone");
}

// A kind without a subscribe message (a dividend's vouchers, to every holder at once) is relayed
// without a fallback scheduled: 200,000 offline holders would otherwise leave a sweep of 200,000
// claims that the fallback works through 30 s later.
TEST_F(push_test, a_reminder_without_a_subscribe_message_schedules_no_fallback) {
    auto sc = owned_customer();
    accept_two_subscriptions(sc.owner_partner.person);
    const auto user = sc.owner_partner.person.id;
    redis_link link(redis->port());
    // An award (the bonus system's frame: its subscribe template names a dividend, which this is not).
    execute("INSERT INTO outbox_events (user_id, kind, payload) VALUES (?, 'award', ?)",
            {user, std::string(R"({"order_id":"9","merchant":{"id":"1","name":"店"},"award_kind":"level_difference","medium":"cash",)"
                               R"("amount":120,"reversed":0,"at":"2026-12-03T09:00:00Z"})")});
    const auto award = std::to_string(scalar("SELECT MAX(id) FROM outbox_events WHERE user_id = ?", {user}));
    pay(sc, 12800);  // a dividend after it, which has its subscribe message
    const auto dividend = std::to_string(scalar("SELECT MAX(id) FROM outbox_events WHERE user_id = ?", {user}));
    eventually([&] { return scalar("SELECT COUNT(*) FROM outbox_events WHERE id = ? AND relayed_at IS NOT NULL", {dividend}) == 1; }, 5s, 10ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE id = ? AND relayed_at IS NOT NULL", {award}), 1);
    EXPECT_EQ(link.command({"XRANGE", "inbox:" + user, award + "-0", award + "-0"}).elements.size(), 1u) << "the frame is in the inbox";
    EXPECT_TRUE(link.command({"ZSCORE", "push:fallback-due", user + ":" + award}).is_nil()) << "no fallback for the award";
    // The dividend's is scheduled (or, on a slow machine, already past its 700 ms and claimed).
    const bool scheduled = !link.command({"ZSCORE", "push:fallback-due", user + ":" + dividend}).is_nil() ||
                           scalar("SELECT COUNT(*) FROM push_fallbacks WHERE outbox_event_id = ?", {dividend}) == 1;
    EXPECT_TRUE(scheduled) << "the dividend's fallback is scheduled";
}

// A pool dividend's vouchers to two offline holders (docs/alliance.md "Dividends"): the one with an
// accepted subscription gets one subscribe message in the alliance's words; for the one without,
// the bulk kind is not even scheduled, and a reminder of another kind that is falls due and is
// dropped without a claim (counted as no_subscription).
TEST_F(push_test, a_dividends_vouchers_reach_an_offline_holder_with_a_subscription_and_cost_nothing_for_one_without) {
    auto sc = owned_customer();
    const auto with = sign_in(), without = sign_in();
    accept_two_subscriptions(with);
    redis_link link(redis->port());
    const std::string vouchers = R"({"dividend":2,"amount_fen":120,"expires_at":"2027-12-03T09:00:00Z","at":"2026-12-03T09:00:00Z"})";
    auto insert = [&](const user& who, const std::string& kind, const std::string& payload) {
        execute("INSERT INTO outbox_events (user_id, kind, payload) VALUES (?, ?, ?)", {who.id, kind, payload});
        return std::to_string(scalar("SELECT MAX(id) FROM outbox_events WHERE user_id = ?", {who.id}));
    };
    const auto with_vouchers = insert(with, "vouchers", vouchers);
    const auto without_vouchers = insert(without, "vouchers", vouchers);
    const auto without_expiring =
        insert(without, "vouchers_expiring", R"({"amount_fen":350,"expires_at":"2027-12-03T09:00:00Z","at":"2027-11-26T09:00:00Z"})");
    pay(sc, 900);  // wakes the relay
    eventually([&] { return scalar("SELECT COUNT(*) FROM outbox_events WHERE id = ? AND relayed_at IS NOT NULL", {without_expiring}) == 1; }, 5s, 10ms);
    EXPECT_TRUE(link.command({"ZSCORE", "push:fallback-due", without.id + ":" + without_vouchers}).is_nil()) << "no subscription: not scheduled";
    eventually([&] { return !subscribe_messages_to(with).empty(); }, 10s, 50ms);
    const auto sent = subscribe_messages_to(with);
    ASSERT_EQ(sent.size(), 1u);
    const auto text = json::serialize(sent.at(0));
    EXPECT_NE(text.find("¥1.20"), std::string::npos) << text;
    EXPECT_NE(text.find("第2次分红 消费券已到账"), std::string::npos) << text;
    EXPECT_NE(text.find("2026-12-03 17:00"), std::string::npos) << "Beijing time: " << text;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_fallbacks WHERE outbox_event_id = ?", {with_vouchers}), 1);
    // The expiry reminder of the holder without one: due, dropped from the schedule, no claim row.
    eventually([&] { return link.command({"ZSCORE", "push:fallback-due", without.id + ":" + without_expiring}).is_nil(); }, 10s, 50ms);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_fallbacks WHERE outbox_event_id IN (?, ?)", {without_vouchers, without_expiring}), 0);
    EXPECT_TRUE(subscribe_messages_to(without).empty());
    auto metrics = http_call(server->port(), "GET", "/metrics");
    EXPECT_NE(metrics.body.find("sharedstore_push_fallback_messages_total{outcome=\"no_subscription\"}"), std::string::npos) << metrics.body;
}

// Redis coming back without its last second (a crash with AOF everysec, a replica behind) loses
// the appends, the fallback schedule and the relay mark of that second together: emulated here by
// undoing the last batch's writes. The relay finds the tail lost, relays it again, and the
// unacknowledged reminder still gets its one subscribe message.
TEST_F(push_test, a_reminder_whose_append_redis_lost_still_gets_its_subscribe_message) {
    auto sc = owned_customer();
    // The partner accepted two one-time subscriptions, in WeChat and reported to us.
    accept_two_subscriptions(sc.owner_partner.person);
    auto messages = [&] { return subscribe_messages_to(sc.owner_partner.person); };
    redis_link link(redis->port());
    std::string first;
    {
        auto client = connect(sc.owner_partner.person);
        std::this_thread::sleep_for(300ms);
        pay(sc, 900);
        first = id_of(frame(*client));
        client->send_text(json::serialize(json::object{{"type", "ack"}, {"id", first}}));
        std::this_thread::sleep_for(300ms);
    }
    const auto mark_before = link.command({"GET", "push:relay-mark"}).str;  // Redis as it will come back
    pay(sc, 12800);
    const auto user = sc.owner_partner.person.id;
    const auto event = std::to_string(scalar("SELECT MAX(id) FROM outbox_events WHERE user_id = ?", {user}));
    for (int i = 0; i < 100 && scalar("SELECT COUNT(*) FROM outbox_events WHERE id = ? AND relayed_at IS NOT NULL", {event}) == 0; ++i)
        std::this_thread::sleep_for(10ms);
    // Within the ack timeout (700 ms), before the fallback falls due: the batch never happened.
    ASSERT_EQ(link.command({"XDEL", "inbox:" + user, event + "-0"}).integer, 1);
    ASSERT_FALSE(link.command({"XSETID", "inbox:" + user, first}).is_error());  // the stream's top, as before the append
    ASSERT_EQ(link.command({"ZREM", "push:fallback-due", user + ":" + event}).integer, 1);
    link.command({"SET", "push:relay-mark", mark_before.empty() ? std::string("0") : mark_before});
    eventually([&] { return !messages().empty(); }, 10s, 100ms);
    std::this_thread::sleep_for(1500ms);
    auto sent = messages();
    ASSERT_EQ(sent.size(), 1u) << "the lost reminder's fallback was lost with it (or the acknowledged one was sent)";
    EXPECT_NE(json::serialize(sent.at(0)).find("¥7.68"), std::string::npos) << json::serialize(sent.at(0));
    // And the phone coming back gets it from the inbox again.
    auto client = connect(sc.owner_partner.person);
    resume(*client, first);
    EXPECT_EQ(frame(*client).at("order_amount_fen").as_int64(), 12800);
}

// A Redis of the test's own, a client connected to it on an io thread, and an inbox over it.
struct redis_inbox {
    redis_server_process process;
    captured_log log;
    io_thread io;
    std::shared_ptr<redis_client> client;
    std::unique_ptr<inbox> box;
    redis_inbox() {
        redis_config settings;
        settings.port = process.port();
        client = redis_client::create(io.io().get_executor(), settings, log.log());
        client->start();
        eventually([&] { return client->connected(); }, 5s, 10ms);
        box = std::make_unique<inbox>(*client, 1000, std::chrono::seconds(3600));
    }
    ~redis_inbox() { client->stop(); }
};

// Presence refreshes cover every connected user: they go to Redis in batches (one round trip per
// inbox::presence_batch users). Every user of every batch, the last partial one included, is
// present with the claim's expiry; a user not in the list is not.
TEST(push_presence, many_users_are_marked_present_in_batches) {
    redis_inbox r;
    ASSERT_TRUE(r.client->connected());
    const auto batch = inbox::presence_batch;
    std::vector<std::uint64_t> users;
    for (std::uint64_t user = 1; user <= 2 * batch + 7; ++user) users.push_back(user);
    r.io.run(r.box->mark_present(users, "instance-a", 60s));
    for (std::uint64_t user : {std::uint64_t{1}, std::uint64_t{batch}, std::uint64_t{batch + 1}, std::uint64_t{2 * batch + 7}})
        EXPECT_EQ(r.io.run(r.box->instances_of(user)), std::vector<std::string>{"instance-a"}) << "user " << user;
    EXPECT_TRUE(r.io.run(r.box->instances_of(2 * batch + 8)).empty());
    const auto ttl = r.io.run(r.client->command({"PTTL", "presence:" + std::to_string(2 * batch + 7)})).integer;
    EXPECT_GT(ttl, 50000);
    EXPECT_LE(ttl, 60000);
}

// Acks of one interval are stored together, the highest per user whatever order they came in
// (a phone may ack out of order after a resume): one flush, every user's mark at its highest, and
// a lower ack later never lowers a mark.
TEST(push_acks, a_flush_stores_the_highest_ack_of_each_user) {
    redis_inbox r;
    ASSERT_TRUE(r.client->connected());
    ack_batch acks(*r.box);
    acks.add(7, 30);
    acks.add(8, 5);
    acks.add(7, 41);
    acks.add(9, 2);
    acks.add(7, 12);
    acks.add(8, 6);
    r.io.run(acks.flush());
    auto mark = [&](int user) { return r.io.run(r.client->command({"GET", "acked:" + std::to_string(user)})).str; };
    EXPECT_EQ(mark(7), "41");
    EXPECT_EQ(mark(8), "6");
    EXPECT_EQ(mark(9), "2");
    acks.add(7, 40);
    r.io.run(acks.flush());
    EXPECT_EQ(mark(7), "41") << "a lower ack never lowers the mark";
}

}  // namespace
