// The dividend's frames at connected holders, and the core loop's reminders meanwhile
// (bench/bench_dividend_delivery.hpp). Everything the bench starts is its own: a Redis (AOF
// everysec, as production) on a free port and one server on another, serving the seeded database;
// the dividend job (the caller's) uses the same Redis, so its commits wake that server's relay.
//
// Latency of a holder's frame: its read here minus the created_at of its outbox row (written in
// the chunk's transaction, so at most a chunk's time before its commit: the figure is an upper
// bound by that much). Latency of a probe reminder: its read minus the return of its commit.
#include "bench/bench_dividend_delivery.hpp"

#include "bench/bench_support.hpp"

#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/random_token.hpp"
#include "common/redis_client.hpp"
#include "push/inbox.hpp"
#include "push/outbox_events.hpp"
#include "server/storage/session_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace sharedstore::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// The status of GET `path` on 127.0.0.1:`port`; 0 when nothing answers.
int http_status(int port, const std::string& path) {
    try {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
        beast::http::request<beast::http::empty_body> request(beast::http::verb::get, path, 11);
        request.set(beast::http::field::host, "127.0.0.1");
        beast::http::write(socket, request);
        beast::flat_buffer buffer;
        beast::http::response<beast::http::string_body> response;
        beast::http::read(socket, buffer, response);
        return static_cast<int>(response.result_int());
    } catch (const std::exception&) {
        return 0;
    }
}

bool accepts(int port) {
    try {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void stop_process(int pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {  // 30 s, then SIGKILL
        if (::waitpid(pid, &status, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
}

struct socket_client {
    explicit socket_client(const asio::any_io_executor& ex) : ws(ex) {}
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
    std::uint64_t user = 0;
    std::string token;
    bool probe = false;
    int vouchers_frames = 0;
    std::uint64_t vouchers_id = 0;
    std::int64_t vouchers_read_us = 0;
};

struct delivery_state {
    const delivery_options& o;
    explicit delivery_state(const delivery_options& options) : o(options) {}
    tcp::endpoint endpoint;
    std::vector<std::unique_ptr<socket_client>> clients;
    std::size_t next = 0;
    int workers = 0;
    long long opened = 0, failed = 0, dropped = 0;
    bool closing = false, probing = true;
    std::string first_error;
    std::unordered_map<std::uint64_t, std::int64_t> probe_committed_us, probe_read_us;
    long long probe_repeats = 0, vouchers_repeats = 0, other_frames = 0;
    std::int64_t last_vouchers_read_us = 0;
    long long holders_with_frame = 0;
    std::atomic<std::int64_t> job_start_us{0}, job_end_us{0};
    std::atomic<bool> job_done{false};
};

void record(delivery_state& s, socket_client& c, std::string_view text, std::uint64_t id) {
    const auto at = epoch_us();
    if (c.probe) {
        if (text.find("\"type\":\"dividend\"") == std::string_view::npos) ++s.other_frames;
        else if (!s.probe_read_us.emplace(id, at).second) ++s.probe_repeats;
        return;
    }
    if (text.find("\"type\":\"vouchers\"") == std::string_view::npos) {
        ++s.other_frames;
        return;
    }
    if (++c.vouchers_frames > 1) {
        ++s.vouchers_repeats;
        return;
    }
    c.vouchers_id = id;
    c.vouchers_read_us = at;
    s.last_vouchers_read_us = std::max(s.last_vouchers_read_us, at);
    ++s.holders_with_frame;
}

// Reads frames and acknowledges each as the mini-program does.
asio::awaitable<void> reader(delivery_state& s, socket_client& c) {
    for (;;) {
        c.buffer.clear();
        auto got = co_await c.ws.async_read(c.buffer, use_tuple);
        if (std::get<0>(got)) break;
        std::string_view text(static_cast<const char*>(c.buffer.data().data()), c.buffer.size());
        const auto id = reminder_id(text);
        if (id == 0) continue;
        record(s, c, text, id);
        std::string answer = "{\"type\":\"ack\",\"id\":\"" + std::to_string(id) + "-0\"}";
        auto wrote = co_await c.ws.async_write(asio::buffer(answer), use_tuple);
        if (std::get<0>(wrote)) break;
    }
    if (!s.closing) ++s.dropped;
}

asio::awaitable<void> session_maker(delivery_state& s, session_store& sessions) {
    while (s.next < s.clients.size()) {
        auto& c = *s.clients[s.next++];
        std::string openid = "obench" + std::to_string(c.user), key = "bench-session-key";
        c.token = co_await sessions.create(c.user, std::move(openid), std::move(key));
    }
    --s.workers;
}

asio::awaitable<void> opener(delivery_state& s) {
    while (s.next < s.clients.size()) {
        auto& c = *s.clients[s.next++];
        auto connected = co_await beast::get_lowest_layer(c.ws).async_connect(s.endpoint, use_tuple);
        auto ec = std::get<0>(connected);
        if (!ec) {
            const std::string token = c.token;
            c.ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& r) {
                r.set(beast::http::field::authorization, "Bearer " + token);
            }));
            std::string host = "127.0.0.1", target = "/ws";
            auto shaken = co_await c.ws.async_handshake(host, target, use_tuple);
            ec = std::get<0>(shaken);
        }
        if (!ec) {
            // Live at once (no resume window): nothing was sent to these users before.
            std::string resume = "{\"type\":\"resume\",\"after\":\"0-0\"}";
            auto wrote = co_await c.ws.async_write(asio::buffer(resume), use_tuple);
            ec = std::get<0>(wrote);
        }
        if (ec) {
            ++s.failed;
            if (s.first_error.empty()) s.first_error = "connect: " + ec.message();
            continue;
        }
        ++s.opened;
        asio::co_spawn(c.ws.get_executor(), reader(s, c), asio::detached);
    }
    --s.workers;
}

// A dividend reminder of the core loop: one outbox row committed, then the relay woken, as a
// payment's commit does; `rate` a second over the probe users, until probing stops.
asio::awaitable<void> probe(delivery_state& s, mysql_pool& db, inbox& box, std::vector<socket_client*> users) {
    const auto payload = to_payload(outbox_event{sample_dividend_event()});
    const auto start = std::chrono::steady_clock::now();
    long long sent = 0;
    asio::steady_timer tick(co_await asio::this_coro::executor);
    while (s.probing) {
        const auto due = start + std::chrono::microseconds(static_cast<long long>(static_cast<double>(sent) * 1e6 / s.o.probe_rate));
        tick.expires_at(due);
        co_await tick.async_wait(use_tuple);
        const auto user = users[static_cast<std::size_t>(sent++) % users.size()]->user;
        auto insert = [user, payload](mysql_connection& c) -> std::uint64_t {
            mysql_statement st(c.prepare("INSERT INTO outbox_events (user_id, kind, payload) VALUES (?, 'dividend', ?)"));
            st->setUInt64(1, user);
            st->setString(2, payload);
            st->executeUpdate();
            mysql_statement last(c.prepare("SELECT LAST_INSERT_ID()"));
            std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
            return rs->next() ? rs->getUInt64(1) : 0;
        };
        std::uint64_t id = 0;
        try {
            id = co_await db.transaction(std::move(insert));
        } catch (const std::exception& ex) {
            if (s.first_error.empty()) s.first_error = std::string("probe insert: ") + ex.what();
            continue;
        }
        s.probe_committed_us[id] = epoch_us();
        try {
            std::string self = "dividend-bench";
            co_await box.wake_relay(std::move(self));
        } catch (const std::exception&) {
        }
    }
}

struct latency {
    long long count = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
};
latency summarize(std::vector<double> ms) {
    latency l;
    l.count = static_cast<long long>(ms.size());
    if (ms.empty()) return l;
    l.p50_ms = percentile(ms, 50);
    l.p99_ms = percentile(ms, 99);
    l.max_ms = *std::max_element(ms.begin(), ms.end());
    return l;
}
json::object to_json(const latency& l) { return {{"count", l.count}, {"p50_ms", l.p50_ms}, {"p99_ms", l.p99_ms}, {"max_ms", l.max_ms}}; }

asio::awaitable<void> measure(delivery_state& s, int redis_port, const std::function<void(const std::vector<std::string>&)>& job, json::object& out) {
    auto executor = co_await asio::this_coro::executor;
    const auto& o = s.o;
    logger log(log_level::warn);
    redis_config rc;
    rc.port = redis_port;
    auto redis = redis_client::create(executor, rc, log);
    redis->start();
    while (!redis->connected()) co_await sleep_seconds(0.05);
    session_store sessions(redis, std::chrono::hours(4));
    inbox box(*redis, 1000, std::chrono::seconds(7 * 24 * 3600));
    auto db_config = o.mysql;
    db_config.pool_size = 2;
    mysql_pool db(db_config, log);

    for (const auto user : o.holders) {
        s.clients.push_back(std::make_unique<socket_client>(executor));
        s.clients.back()->user = user;
    }
    std::vector<socket_client*> probes;
    for (const auto user : o.probe_users) {
        s.clients.push_back(std::make_unique<socket_client>(executor));
        s.clients.back()->user = user;
        s.clients.back()->probe = true;
        probes.push_back(s.clients.back().get());
    }
    auto t0 = std::chrono::steady_clock::now();
    s.next = 0;
    for (int i = 0; i < 16; ++i, ++s.workers) asio::co_spawn(executor, session_maker(s, sessions), asio::detached);
    while (s.workers > 0) co_await sleep_seconds(0.02);
    s.next = 0;
    for (int i = 0; i < 64; ++i, ++s.workers) asio::co_spawn(executor, opener(s), asio::detached);
    while (s.workers > 0) co_await sleep_seconds(0.02);
    out["connect_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out["sockets_open"] = s.opened;
    if (s.failed > 0) throw std::runtime_error(std::to_string(s.failed) + " sockets failed: " + s.first_error);
    co_await sleep_seconds(1.0);  // presence advertised, sessions live

    asio::co_spawn(executor, probe(s, db, box, probes), asio::detached);
    co_await sleep_seconds(o.baseline_s);

    const std::vector<std::string> redis_env{"SHAREDSTORE_REDIS_PORT=" + std::to_string(redis_port)};
    std::exception_ptr job_failure;
    std::thread runner([&] {
        s.job_start_us = epoch_us();
        try {
            job(redis_env);
        } catch (...) {
            job_failure = std::current_exception();
        }
        s.job_end_us = epoch_us();
        s.job_done = true;
    });
    while (!s.job_done) co_await sleep_seconds(0.1);
    runner.join();
    if (!job_failure) {
        const auto waited_from = std::chrono::steady_clock::now();
        while (s.holders_with_frame < static_cast<long long>(o.holders.size()) &&
               std::chrono::steady_clock::now() - waited_from < std::chrono::duration<double>(o.wait_s))
            co_await sleep_seconds(0.1);
        co_await sleep_seconds(o.after_s);  // the core loop after the dividend, the fallbacks' sweep included
    }
    s.probing = false;
    co_await sleep_seconds(3.0);  // the last probes' frames (the probe uses `db` and `box` until then)
    if (job_failure) std::rethrow_exception(job_failure);
    s.closing = true;
    for (auto& c : s.clients) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(c->ws).close(ignored);
    }
    redis->stop();
    db.stop();

    // The holders' frames against their rows' created_at (µs since the epoch, UTC as written).
    auto reader_db = mysql_connect(o.mysql);
    std::unordered_map<std::uint64_t, std::int64_t> created;
    std::vector<std::uint64_t> ids;
    for (const auto& c : s.clients)
        if (!c->probe && c->vouchers_id) ids.push_back(c->vouchers_id);
    for (std::size_t at = 0; at < ids.size(); at += 1000) {
        std::string sql = "SELECT id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', created_at) FROM outbox_events WHERE id IN (";
        for (std::size_t i = at; i < std::min(ids.size(), at + 1000); ++i) sql += (i == at ? "" : ",") + std::to_string(ids[i]);
        sql += ")";
        std::unique_ptr<sql::Statement> st(reader_db->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(sql));
        while (rs->next()) created[rs->getUInt64(1)] = rs->getInt64(2);
    }
    std::vector<double> holder_ms;
    for (const auto& c : s.clients)
        if (!c->probe && c->vouchers_id && created.count(c->vouchers_id)) holder_ms.push_back(static_cast<double>(c->vouchers_read_us - created[c->vouchers_id]) / 1000.0);

    // Probe reminders by when they were committed: before, during and after the job.
    std::vector<double> before, during, after;
    long long probes_missing = 0;
    for (const auto& sent : s.probe_committed_us) {  // no structured bindings in a coroutine (GCC 12)
        const auto committed = sent.second;
        const auto read = s.probe_read_us.find(sent.first);
        if (read == s.probe_read_us.end()) {
            ++probes_missing;
            continue;
        }
        const double ms = static_cast<double>(read->second - committed) / 1000.0;
        (committed < s.job_start_us ? before : committed <= s.job_end_us ? during : after).push_back(ms);
    }
    out["holders_connected"] = static_cast<long long>(o.holders.size());
    out["holders_with_frame"] = s.holders_with_frame;
    out["vouchers_repeats"] = s.vouchers_repeats;
    // The job's exit follows its last commit: negative when the last frame arrived before the exit.
    out["last_frame_after_job_exit_s"] = s.last_vouchers_read_us ? static_cast<double>(s.last_vouchers_read_us - s.job_end_us.load()) / 1e6 : -1.0;
    out["holder_frame_latency"] = to_json(summarize(holder_ms));
    out["probe_before"] = to_json(summarize(before));
    out["probe_during"] = to_json(summarize(during));
    out["probe_after"] = to_json(summarize(after));
    out["probes_missing"] = probes_missing;
    out["probe_repeats"] = s.probe_repeats;
    out["other_frames"] = s.other_frames;
    out["sockets_dropped"] = s.dropped;
    out["complete"] = s.holders_with_frame == static_cast<long long>(o.holders.size()) && s.vouchers_repeats == 0 && probes_missing == 0 && s.dropped == 0;
}

}  // namespace

json::object measure_delivery(const delivery_options& o, const std::function<void(const std::vector<std::string>&)>& job) {
    const auto dir = std::filesystem::temp_directory_path() / ("sharedstore-dividend-delivery-" + random_hex(4));
    std::filesystem::create_directories(dir);
    const int redis_port = free_port(), http_port = free_port();
    int redis_pid = 0, server_pid = 0;
    json::object out;
    std::atomic<bool> sampling{true};
    std::atomic<long long> server_peak{0};
    std::thread sampler;
    auto cleanup = [&] {
        sampling = false;
        if (sampler.joinable()) sampler.join();
        stop_process(server_pid);
        stop_process(redis_pid);
        std::error_code ignored;
        // The server's warnings (the log level is warn) outlive the run, for a look afterwards.
        const auto kept = std::filesystem::temp_directory_path() / (dir.filename().string() + "-server.log");
        std::filesystem::copy_file(dir / "server.log", kept, std::filesystem::copy_options::overwrite_existing, ignored);
        if (!ignored) out["server_log"] = kept.string();
        std::filesystem::remove_all(dir, ignored);
    };
    try {
        redis_pid = spawn_process({"/usr/bin/redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--dir", dir.string(),
                                   "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""},
                                  {}, (dir / "redis.log").string());
        for (int i = 0; i < 100 && !accepts(redis_port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto env = o.env;
        env.push_back("SHAREDSTORE_REDIS_PORT=" + std::to_string(redis_port));
        env.push_back("SHAREDSTORE_HTTP_PORT=" + std::to_string(http_port));
        env.push_back("SHAREDSTORE_HTTP_MAX_CONNECTIONS=25000");
        env.push_back("SHAREDSTORE_LOG_LEVEL=warn");
        server_pid = spawn_process({o.binary, "serve", "--config", o.config}, env, (dir / "server.log").string());
        int ready = 0;
        for (int i = 0; i < 300 && ready != 200; ++i) {
            ready = http_status(http_port, "/readyz");
            if (ready != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (ready != 200) throw std::runtime_error("the bench's server did not become ready (" + (dir / "server.log").string() + ")");
        const long long server_rss_before = process_rss_kib(server_pid);
        sampler = std::thread([&] {
            while (sampling) {
                server_peak = std::max(server_peak.load(), process_rss_kib(server_pid));
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        const double server_cpu_before = process_cpu_seconds(server_pid), redis_cpu_before = process_cpu_seconds(redis_pid);

        asio::io_context io;
        delivery_state s(o);
        s.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(http_port));
        const auto failure = run_to_end(io, measure(s, redis_port, job, out));
        if (!failure.empty()) throw std::runtime_error(failure);
        out["server_rss_before_kib"] = server_rss_before;
        out["server_peak_rss_kib"] = server_peak.load();
        out["server_cpu_s"] = process_cpu_seconds(server_pid) - server_cpu_before;
        out["redis_cpu_s"] = process_cpu_seconds(redis_pid) - redis_cpu_before;
    } catch (...) {
        cleanup();
        throw;
    }
    cleanup();
    return out;
}

}  // namespace sharedstore::bench
