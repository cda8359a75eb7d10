// The server binary as a process, spoken to over HTTP with a plain socket client, against the
// real MariaDB and Redis of scripts/test.
#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/test_environment.hpp"
#include "tests/integration/support/ws_client.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sstream>

#include <thread>

using namespace sharedstore::test_support;
using namespace std::chrono_literals;

namespace {

std::string error_code(const http_reply& reply) { return std::string(reply.json().at("error").at("code").as_string()); }

// One server for the tests that do not stop anything, with short read timeouts so the slow
// client tests finish quickly.
class server_http_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new server_process({{"SHAREDSTORE_HTTP_HEADER_TIMEOUT_MS", std::string("500")},
                                      {"SHAREDSTORE_HTTP_BODY_TIMEOUT_MS", std::string("500")},
                                      {"SHAREDSTORE_HTTP_KEEPALIVE_TIMEOUT_MS", std::string("2000")}});
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static int port() { return server_->port(); }
    static server_process* server_;
};
server_process* server_http_test::server_ = nullptr;

TEST_F(server_http_test, healthz_answers_alive) {
    auto reply = http_call(port(), "GET", "/healthz");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.json().at("status").as_string(), "alive");
    EXPECT_EQ(reply.header("content-type"), "application/json");
}

TEST_F(server_http_test, readyz_is_200_when_mariadb_and_redis_answer) {
    auto reply = http_call(port(), "GET", "/readyz");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json().at("checks").at("mysql").as_string(), "ok");
    EXPECT_EQ(reply.json().at("checks").at("redis").as_string(), "ok");
    EXPECT_EQ(reply.json().at("checks").at("push").as_string(), "ok");
}

TEST_F(server_http_test, unknown_route_is_404_json_with_request_id) {
    auto reply = http_call(port(), "GET", "/api/v1/no-such-thing");
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(error_code(reply), "not_found");
    EXPECT_FALSE(reply.header("x-request-id").empty());
    EXPECT_EQ(reply.json().at("error").at("request_id").as_string(), reply.header("x-request-id"));
}

TEST_F(server_http_test, wrong_method_is_405_with_allow) {
    auto reply = http_call(port(), "DELETE", "/healthz");
    EXPECT_EQ(reply.status, 405);
    EXPECT_EQ(error_code(reply), "method_not_allowed");
    EXPECT_EQ(reply.header("allow"), "GET");
}

TEST_F(server_http_test, malformed_json_is_400) {
    auto reply = http_call(port(), "POST", "/api/v1/anything", "{\"amount_fen\": 12,", {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "malformed_json");
}

TEST_F(server_http_test, request_id_from_the_caller_is_echoed) {
    auto reply = http_call(port(), "GET", "/healthz", "", {{"X-Request-Id", "pos-terminal-7.42"}});
    EXPECT_EQ(reply.header("x-request-id"), "pos-terminal-7.42");
    EXPECT_NE(server_->log().find("\"request_id\":\"pos-terminal-7.42\""), std::string::npos);
}

TEST_F(server_http_test, declared_oversized_body_is_413_without_reading_it) {
    tcp_connection connection(port());
    connection.send("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2097152\r\n\r\n{\"a\":");
    auto reply = connection.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_EQ(error_code(*reply), "body_too_large");
}

TEST_F(server_http_test, chunked_body_past_the_limit_is_413) {
    tcp_connection connection(port());
    connection.send("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n");
    const std::string chunk(64 * 1024, 'x');
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    for (int i = 0; i < 20; ++i)  // 1.25 MiB, past the 1 MiB default
        if (!connection.send(std::string(size_line) + chunk + "\r\n")) break;
    auto reply = connection.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_EQ(error_code(*reply), "body_too_large");
}

TEST_F(server_http_test, oversized_headers_are_431) {
    tcp_connection connection(port());
    connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(32 * 1024, 'a') + "\r\n\r\n");
    auto reply = connection.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 431);
    EXPECT_EQ(error_code(*reply), "headers_too_large");
}

TEST_F(server_http_test, garbage_is_400_and_closed) {
    tcp_connection connection(port());
    connection.send("HELLO THERE\r\n\r\n");
    auto reply = connection.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400);
    EXPECT_EQ(error_code(*reply), "malformed_request");
    EXPECT_TRUE(connection.closed_by_peer_within(5s));
}

// Request smuggling (RFC 9112 section 6.1): a framing that a proxy and this server could read
// differently is a 400 and the end of the connection, so what follows is never taken as a request.
TEST_F(server_http_test, an_ambiguous_body_framing_is_400_and_nothing_after_it_is_served) {
    const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string chunk = [&] {
        char size[16];
        std::snprintf(size, sizeof size, "%zx", smuggled.size());
        return std::string(size);
    }();
    for (const std::string& encoding : std::vector<std::string>{"chunked, identity", "xchunked", "identity", "chunked", "gzip, chunked"}) {
        tcp_connection connection(port());
        connection.send("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + encoding + "\r\nContent-Length: 4\r\n\r\n" + chunk +
                        "\r\n" + smuggled + "\r\n0\r\n\r\n");
        auto reply = connection.read_reply(2s);
        ASSERT_TRUE(reply) << encoding;
        EXPECT_EQ(reply->status, 400) << encoding;
        EXPECT_EQ(error_code(*reply), "malformed_request") << encoding;
        EXPECT_FALSE(reply->header("x-request-id").empty());
        EXPECT_TRUE(connection.closed_by_peer_within(3s)) << encoding << ": the connection stayed open for a second request";
    }
    // Transfer-Encoding without Content-Length, but not chunked or given twice: refused too.
    for (const std::string& headers : std::vector<std::string>{"Transfer-Encoding: identity\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"}) {
        tcp_connection connection(port());
        connection.send("POST /healthz HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n0\r\n\r\n" + smuggled);
        auto reply = connection.read_reply(2s);
        ASSERT_TRUE(reply) << headers;
        EXPECT_EQ(reply->status, 400) << headers;
        EXPECT_TRUE(connection.closed_by_peer_within(3s)) << headers;
    }
}

TEST_F(server_http_test, plain_chunked_bodies_still_work) {
    tcp_connection connection(port());
    connection.send("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n"
                    "2\r\n{}\r\n0\r\n\r\n");
    auto reply = connection.read_reply(2s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 404) << "read whole and routed";
}

TEST_F(server_http_test, http_1_1_needs_exactly_one_host) {
    for (const std::string& request : std::vector<std::string>{"GET /healthz HTTP/1.1\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
        tcp_connection connection(port());
        connection.send(request);
        auto reply = connection.read_reply(2s);
        ASSERT_TRUE(reply) << request;
        EXPECT_EQ(reply->status, 400) << request;
        EXPECT_EQ(error_code(*reply), "malformed_request");
        EXPECT_TRUE(connection.closed_by_peer_within(3s));
    }
    tcp_connection old(port());
    old.send("GET /healthz HTTP/1.0\r\n\r\n");
    auto reply = old.read_reply(2s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200) << "HTTP/1.0 has no Host requirement";
}

TEST_F(server_http_test, a_body_with_a_key_twice_is_400_naming_the_key) {
    auto reply = http_call(port(), "POST", "/api/v1/anything", R"({"amount_fen":-100,"amount_fen":100})", {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(error_code(reply), "invalid_body");
    EXPECT_NE(std::string(reply.json().at("error").at("message").as_string()).find("amount_fen"), std::string::npos) << reply.body;
}

TEST_F(server_http_test, client_silent_mid_header_is_disconnected) {
    tcp_connection connection(port());
    ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // no blank line: header unfinished
    EXPECT_TRUE(connection.closed_by_peer_within(10s));
}

TEST_F(server_http_test, client_silent_mid_body_is_disconnected) {
    tcp_connection connection(port());
    ASSERT_TRUE(connection.send("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 100\r\n\r\n{\"a\":"));
    EXPECT_TRUE(connection.closed_by_peer_within(10s));
}

TEST_F(server_http_test, keep_alive_serves_several_requests_on_one_connection) {
    tcp_connection connection(port());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(connection.send(build_request("GET", "/healthz", "", {}, true)));
        auto reply = connection.read_reply();
        ASSERT_TRUE(reply) << "request " << i;
        EXPECT_EQ(reply->status, 200);
    }
}

TEST_F(server_http_test, metrics_count_requests_by_route_and_status) {
    http_call(port(), "GET", "/healthz");
    http_call(port(), "GET", "/api/v1/missing");
    auto reply = http_call(port(), "GET", "/metrics");
    ASSERT_EQ(reply.status, 200);
    EXPECT_NE(reply.header("content-type").find("text/plain"), std::string::npos);
    const auto& text = reply.body;
    EXPECT_NE(text.find("sharedstore_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"), std::string::npos) << text;
    EXPECT_NE(text.find("sharedstore_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"), std::string::npos);
    EXPECT_NE(text.find("sharedstore_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"), std::string::npos);
    EXPECT_NE(text.find("sharedstore_http_open_connections "), std::string::npos);
    EXPECT_NE(text.find("sharedstore_mysql_pool_connections{state=\"size\"}"), std::string::npos);
    EXPECT_NE(text.find("sharedstore_redis_connected 1"), std::string::npos);
}

TEST_F(server_http_test, log_lines_are_json_objects) {
    http_call(port(), "GET", "/healthz");
    std::istringstream lines(server_->log());
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ASSERT_NO_THROW(boost::json::parse(line).as_object()) << line;
        ++count;
    }
    EXPECT_GT(count, 0);
}

// Stopping Redis must turn /readyz to 503 naming Redis, and back to 200 once Redis returns,
// without restarting the server.
TEST(server_readiness, follows_redis_down_and_back) {
    redis_server_process redis;
    server_process server({{"SHAREDSTORE_REDIS_PORT", std::to_string(redis.port())}});

    auto wait_for_status = [&](int expected) {
        http_reply last;
        for (int i = 0; i < 200; ++i) {  // up to ~10 s: reconnect backoff is at most 2 s
            last = http_call(server.port(), "GET", "/readyz");
            if (last.status == expected) return last;
            std::this_thread::sleep_for(50ms);
        }
        return last;
    };

    ASSERT_EQ(wait_for_status(200).status, 200);

    redis.stop();
    auto down = wait_for_status(503);
    ASSERT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(error_code(down), "not_ready");
    EXPECT_EQ(down.json().at("checks").at("redis").as_string(), "unavailable");
    EXPECT_EQ(down.json().at("checks").at("mysql").as_string(), "ok");
    EXPECT_FALSE(down.header("retry-after").empty());

    redis.start();
    auto up = wait_for_status(200);
    EXPECT_EQ(up.status, 200) << up.body;
    EXPECT_TRUE(server.process().running());
    EXPECT_NE(server.log().find("redis_reconnected"), std::string::npos);
}

// An instance whose Redis is not there yet does not read the session-ends stream: a socket it
// accepted could miss a sign-out announced before that first read and stay open. Until the
// listener reads, upgrades are refused and /readyz says "push starting"; then both open.
TEST(server_readiness, sockets_wait_for_the_reminders_listener) {
    redis_server_process redis;
    redis.stop();
    server_process server({{"SHAREDSTORE_REDIS_PORT", std::to_string(redis.port())}});

    auto starting = http_call(server.port(), "GET", "/readyz");
    ASSERT_EQ(starting.status, 503) << starting.body;
    EXPECT_EQ(starting.json().at("checks").at("push").as_string(), "starting");
    ws_client early(server.port(), {{"Authorization", "Bearer f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"}});
    EXPECT_EQ(early.status(), 503) << early.body();
    EXPECT_NE(early.body().find("reminders are starting"), std::string::npos) << early.body();

    redis.start();
    http_reply ready;
    for (int i = 0; i < 200 && ready.status != 200; ++i) {  // reconnect backoff is at most 2 s
        ready = http_call(server.port(), "GET", "/readyz");
        if (ready.status != 200) std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.json().at("checks").at("push").as_string(), "ok");
    // Past the listener's gate: the forged token is what is refused now.
    ws_client later(server.port(), {{"Authorization", "Bearer f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"}});
    EXPECT_EQ(later.status(), 401) << later.body();
}

// A listening socket that never answers: a MariaDB that hangs during the handshake.
class silent_listener {
public:
    silent_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 16);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~silent_listener() { ::close(fd_); }
    int port() const { return port_; }

private:
    int fd_;
    int port_;
};

// SIGTERM: idle connections are closed, the request in flight still gets its answer, exit 0.
TEST(server_shutdown, finishes_in_flight_request_then_exits_zero) {
    silent_listener hanging_mariadb;
    server_process server({{"SHAREDSTORE_MYSQL_PORT", std::to_string(hanging_mariadb.port())},
                           {"SHAREDSTORE_MYSQL_CONNECT_TIMEOUT_MS", std::string("2000")},
                           {"SHAREDSTORE_MYSQL_READ_TIMEOUT_MS", std::string("2000")},
                           {"SHAREDSTORE_SERVER_SHUTDOWN_GRACE_MS", std::string("15000")}});

    tcp_connection idle(server.port());
    ASSERT_TRUE(idle.send(build_request("GET", "/healthz", "", {}, true)));
    ASSERT_TRUE(idle.read_reply());

    tcp_connection in_flight(server.port());
    // Waits on the hanging MariaDB (readiness gives it 500 ms): still in flight at the SIGTERM.
    ASSERT_TRUE(in_flight.send(build_request("GET", "/readyz")));
    std::this_thread::sleep_for(300ms);
    server.process().send_signal(SIGTERM);

    EXPECT_TRUE(idle.closed_by_peer_within(5s));
    auto reply = in_flight.read_reply(20s);
    ASSERT_TRUE(reply) << server.log();
    EXPECT_EQ(reply->status, 503);
    EXPECT_EQ(reply->json().at("checks").at("mysql").as_string(), "slow");

    auto exit_code = server.process().wait_exit(20s);
    ASSERT_TRUE(exit_code) << server.log();
    EXPECT_EQ(*exit_code, 0) << server.log();
    EXPECT_NE(server.log().find("shutdown_started"), std::string::npos);
    // No new connection is accepted once it stopped.
    EXPECT_THROW(tcp_connection late(server.port()), std::runtime_error);
}

}  // namespace
