// sharedstore-bench fanout: N WebSockets (one user each), frames injected at fixed rates, every
// frame acknowledged as the mini-program does. Three ways in:
//   redis   the Redis segment: the relay's own script (inbox::relay_batch) appends to the users'
//           inboxes and pokes the instance, as the relay does after reading MariaDB
//   outbox  the full path: transactions insert outbox rows (--rows-per-commit each, as a pool
//           dividend writes many), then wake the relay as a payment's commit does
//   socketio the peer in bench/peers/socketio: its publisher emits through @socket.io/redis-emitter
// The time of each frame's injection (after its Redis call or its commit returned) and of its
// first read are kept per id, so latency, missing and doubled frames are counted after each round.
#include "bench/bench_fanout.hpp"

#include "bench/bench_support.hpp"

#include "common/dependency_error.hpp"
#include "common/log.hpp"
#include "common/mysql_pool.hpp"
#include "common/redis_client.hpp"
#include "push/inbox.hpp"
#include "push/outbox_events.hpp"
#include "push/outbox_history.hpp"
#include "wechat/https_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sharedstore::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct fanout_options {
    std::string mode = "redis";  // redis | outbox | socketio
    std::string server = "http://127.0.0.1:18080";
    std::string sim = "https://127.0.0.1:18090";
    std::string ca = "var/keys/wechat-ca.pem";
    std::string socketio = "127.0.0.1:18100";
    std::string publisher = "node bench/peers/socketio/publisher.js";
    std::string redis_host = "127.0.0.1";
    int redis_port = 16380;
    std::string mysql_host = "127.0.0.1";
    int mysql_port = 13307;
    std::string mysql_user = "sharedstore", mysql_password = "sharedstore-dev", mysql_database = "sharedstore";
    long long connections = 10000;
    std::vector<double> rates{5000};
    double duration = 20, drain = 5, settle = 3, idle_hold = 0, pause = 2;
    int tick_ms = 5;
    int rows_per_commit = 50;
    int committers = 2;
    int max_batch = 2000;  // frames in one Redis call of the Redis segment
    int server_pid = 0, redis_pid = 0, mariadb_pid = 0;
    std::vector<int> more_server_pids;  // --server-pid A,B,C: instances behind a proxy, summed
    int connect_concurrency = 200, login_concurrency = 32;
};

std::int64_t mono_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }
std::int64_t real_ns() { return std::chrono::system_clock::now().time_since_epoch().count(); }

double self_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The whole machine's busy share since the last call (load conditions next to the figures).
struct machine_cpu {
    long long busy = 0, total = 0;
    static machine_cpu now() {
        std::ifstream in("/proc/stat");
        std::string cpu;
        long long v, idle = 0, sum = 0;
        in >> cpu;
        for (int i = 0; i < 10 && in >> v; ++i) {
            sum += v;
            if (i == 3 || i == 4) idle += v;
        }
        return {sum - idle, sum};
    }
};

// Per round: when each id was injected and first read.
struct round_track {
    std::uint64_t base = 0;
    std::size_t capacity = 0;
    std::unique_ptr<std::atomic<std::int64_t>[]> injected_ns, received_ns;
    std::atomic<long long> duplicates{0}, out_of_order{0}, out_of_range{0}, frames{0};
    void reset(std::uint64_t first_id, std::size_t size) {
        base = first_id;
        capacity = size;
        injected_ns = std::make_unique<std::atomic<std::int64_t>[]>(size);
        received_ns = std::make_unique<std::atomic<std::int64_t>[]>(size);
        for (std::size_t i = 0; i < size; ++i) injected_ns[i] = 0, received_ns[i] = 0;
        duplicates = out_of_order = out_of_range = frames = 0;
    }
};

struct client {
    explicit client(const asio::any_io_executor& ex) : ws(ex) {}
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
    std::uint64_t user = 0;
    std::uint64_t last = 0;
    std::string token;
};

struct fanout_state {
    explicit fanout_state(const fanout_options& options) : o(options) {}
    const fanout_options& o;
    tcp::endpoint endpoint;
    std::string host;
    std::vector<std::unique_ptr<client>> clients;
    std::size_t next = 0;
    long long opened = 0, failed = 0, dropped = 0, signed_in = 0;
    int workers = 0;
    bool closing = false;
    std::string first_error;
    round_track track;
    bool realtime = false;  // socketio: frames carry their injection time (the publisher's clock)
};

std::optional<fanout_options> parse_options(const std::vector<std::string>& args) {
    fanout_options o;
    if (args.size() % 2 == 0) return std::nullopt;
    try {
        for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
            const auto& k = args[i];
            const auto& v = args[i + 1];
            if (k == "--mode") o.mode = v;
            else if (k == "--server") o.server = v;
            else if (k == "--sim") o.sim = v;
            else if (k == "--ca") o.ca = v;
            else if (k == "--socketio") o.socketio = v;
            else if (k == "--publisher") o.publisher = v;
            else if (k == "--redis-port") o.redis_port = std::stoi(v);
            else if (k == "--mysql-port") o.mysql_port = std::stoi(v);
            else if (k == "--connections") o.connections = std::stoll(v);
            else if (k == "--rates") {
                o.rates.clear();
                std::stringstream list(v);
                for (std::string item; std::getline(list, item, ',');) o.rates.push_back(std::stod(item));
            } else if (k == "--duration") o.duration = std::stod(v);
            else if (k == "--drain") o.drain = std::stod(v);
            else if (k == "--settle") o.settle = std::stod(v);
            else if (k == "--idle-hold") o.idle_hold = std::stod(v);
            else if (k == "--pause") o.pause = std::stod(v);
            else if (k == "--tick-ms") o.tick_ms = std::stoi(v);
            else if (k == "--rows-per-commit") o.rows_per_commit = std::stoi(v);
            else if (k == "--committers") o.committers = std::stoi(v);
            else if (k == "--max-batch") o.max_batch = std::stoi(v);
            else if (k == "--server-pid") {
                std::stringstream list(v);
                std::string item;
                std::getline(list, item, ',');
                o.server_pid = std::stoi(item);
                while (std::getline(list, item, ',')) o.more_server_pids.push_back(std::stoi(item));
            }
            else if (k == "--redis-pid") o.redis_pid = std::stoi(v);
            else if (k == "--mariadb-pid") o.mariadb_pid = std::stoi(v);
            else if (k == "--connect-concurrency") o.connect_concurrency = std::stoi(v);
            else return std::nullopt;
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (o.mode != "redis" && o.mode != "outbox" && o.mode != "socketio") return std::nullopt;
    if (o.connections < 1 || o.rates.empty() || o.duration <= 0 || o.tick_ms < 1 || o.rows_per_commit < 1 || o.committers < 1) return std::nullopt;
    return o;
}

std::int64_t frame_stamp_us(std::string_view text) {
    const auto at = text.find("\"t\":");
    if (at == std::string_view::npos) return 0;
    std::int64_t t = 0;
    std::from_chars(text.data() + at + 4, text.data() + text.size(), t);
    return t;
}

void record(fanout_state& s, client& c, std::string_view text) {
    const auto id = reminder_id(text);
    if (id == 0) return;
    auto& t = s.track;
    ++t.frames;
    if (id <= c.last) ++t.out_of_order;  // a repeat or a step back (at-least-once in order per user)
    else c.last = id;
    if (id < t.base || id - t.base >= t.capacity) {  // a frame of an earlier round, arriving late
        ++t.out_of_range;
        return;
    }
    const auto index = id - t.base;
    std::int64_t none = 0;
    const auto now = s.realtime ? real_ns() : mono_ns();
    if (!t.received_ns[index].compare_exchange_strong(none, now)) {
        ++t.duplicates;
        return;
    }
    if (s.realtime) t.injected_ns[index] = frame_stamp_us(text) * 1000;
}

asio::awaitable<void> reader(fanout_state& s, client& c) {
    const bool socketio = s.o.mode == "socketio";
    for (;;) {
        c.buffer.clear();
        auto got = co_await c.ws.async_read(c.buffer, use_tuple);
        if (std::get<0>(got)) break;
        const auto* data = static_cast<const char*>(c.buffer.data().data());
        std::string_view text(data, c.buffer.size());
        std::string answer;
        if (socketio) {
            // Engine.IO 4: "0{..}" open -> "40" connect; "2" ping -> "3" pong; "42[...]" an event.
            if (text == "2") answer = "3";
            else if (!text.empty() && text[0] == '0') answer = "40";
            else if (text.rfind("42", 0) == 0) {
                record(s, c, text);
                const auto id = reminder_id(text);
                if (id) answer = "42[\"ack\",\"" + std::to_string(id) + "\"]";
            }
        } else {
            record(s, c, text);
            const auto id = reminder_id(text);
            if (id) answer = "{\"type\":\"ack\",\"id\":\"" + std::to_string(id) + "-0\"}";
        }
        if (answer.empty()) continue;
        auto wrote = co_await c.ws.async_write(asio::buffer(answer), use_tuple);
        if (std::get<0>(wrote)) break;
    }
    if (!s.closing) ++s.dropped;
}

asio::awaitable<void> sign_in_worker(https_client& http, fanout_state& s) {
    while (s.next < s.clients.size() && s.first_error.empty()) {
        auto& c = *s.clients[s.next++];
        std::string error, sim = s.o.sim, server = s.o.server;  // no temporaries inside co_await (GCC 12)
        auto user = co_await sign_in_retrying(http, std::move(sim), std::move(server), 3, error);
        if (!user) {
            if (s.first_error.empty()) s.first_error = "sign-in failed: " + error.substr(0, 300);
            break;
        }
        c.token = user->token;
        c.user = std::stoull(user->id);
        ++s.signed_in;
    }
    --s.workers;
}

asio::awaitable<void> opener(fanout_state& s) {
    const bool socketio = s.o.mode == "socketio";
    while (s.next < s.clients.size()) {
        auto& c = *s.clients[s.next++];
        auto& socket = beast::get_lowest_layer(c.ws);
        auto connected = co_await socket.async_connect(s.endpoint, use_tuple);
        auto ec = std::get<0>(connected);
        if (!ec) {
            const std::string token = c.token;
            c.ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& r) {
                if (!token.empty()) r.set(beast::http::field::authorization, "Bearer " + token);
            }));
            const std::string target = socketio ? "/socket.io/?EIO=4&transport=websocket&user=" + std::to_string(c.user) : "/ws";
            auto shaken = co_await c.ws.async_handshake(s.host, target, use_tuple);
            ec = std::get<0>(shaken);
        }
        if (ec) {
            ++s.failed;
            if (s.first_error.empty()) s.first_error = "connect: " + ec.message();
            continue;
        }
        ++s.opened;
        if (!socketio) {
            // Users are new each run: their inboxes are empty, "0-0" reads no history from MariaDB.
            std::string resume = "{\"type\":\"resume\",\"after\":\"0-0\"}";
            auto wrote = co_await c.ws.async_write(asio::buffer(resume), use_tuple);
            if (std::get<0>(wrote)) ++s.failed;
        }
        asio::co_spawn(c.ws.get_executor(), reader(s, c), asio::detached);
    }
    --s.workers;
}

// Frames into the inboxes at `rate` for `duration` through the relay's own Redis script.
asio::awaitable<long long> inject_redis(fanout_state& s, inbox& box, double rate, std::uint64_t first_id) {
    const auto payload = to_payload(outbox_event{sample_dividend_event()});
    const auto start = mono_ns();
    const auto end = start + static_cast<std::int64_t>(s.o.duration * 1e9);
    long long injected = 0;
    const auto users = s.clients.size();
    asio::steady_timer tick(co_await asio::this_coro::executor);
    while (mono_ns() < end) {
        const auto due = static_cast<long long>(rate * static_cast<double>(mono_ns() - start) / 1e9);
        const auto n = std::min<long long>(due - injected, s.o.max_batch);
        if (n > 0) {
            std::vector<inbox::relayed_event> batch;
            batch.reserve(static_cast<std::size_t>(n));
            for (long long i = 0; i < n; ++i) {
                const auto id = first_id + static_cast<std::uint64_t>(injected + i);
                batch.push_back({s.clients[static_cast<std::size_t>(injected + i) % users]->user, id, outbox_frame(id, "dividend", payload), 0});
            }
            // Expected mark 0: the bench never asks the relay's question about a lost tail.
            auto outcome = co_await box.relay_batch(std::move(batch), 0, epoch_us());
            (void)outcome;
            const auto now = mono_ns();
            for (long long i = 0; i < n; ++i) {
                const auto index = static_cast<std::size_t>(injected + i);
                if (index < s.track.capacity) {
                    std::int64_t none = 0;
                    s.track.injected_ns[index].compare_exchange_strong(none, now);
                }
            }
            injected += n;
        }
        tick.expires_after(std::chrono::milliseconds(s.o.tick_ms));
        co_await tick.async_wait(use_tuple);
    }
    co_return injected;
}

// Committed outbox rows at `rate`, rows_per_commit a transaction, `committers` transactions in
// flight; each commit wakes the relay as a payment's does.
asio::awaitable<void> commit_outbox(fanout_state& s, mysql_pool& db, inbox& box, double rate, std::int64_t start, std::int64_t end,
                                    std::shared_ptr<long long> injected, std::shared_ptr<int> running) {
    const auto payload = to_payload(outbox_event{sample_dividend_event()});
    const auto users = s.clients.size();
    asio::steady_timer tick(co_await asio::this_coro::executor);
    while (mono_ns() < end) {
        const auto due = static_cast<long long>(rate * static_cast<double>(mono_ns() - start) / 1e9);
        const auto n = std::min<long long>(due - *injected, s.o.rows_per_commit);
        if (n <= 0) {
            tick.expires_after(std::chrono::milliseconds(s.o.tick_ms));
            co_await tick.async_wait(use_tuple);
            continue;
        }
        std::vector<std::uint64_t> user_ids;
        for (long long i = 0; i < n; ++i) user_ids.push_back(s.clients[static_cast<std::size_t>(*injected + i) % users]->user);
        *injected += n;
        auto insert = [user_ids, payload](mysql_connection& c) -> std::uint64_t {
            std::string sql = "INSERT INTO outbox_events (user_id, kind, payload) VALUES ";
            for (std::size_t i = 0; i < user_ids.size(); ++i) sql += i ? ", (?, 'dividend', ?)" : "(?, 'dividend', ?)";
            mysql_statement st(c.prepare(sql));
            for (std::size_t i = 0; i < user_ids.size(); ++i) {
                st->setUInt64(static_cast<unsigned>(2 * i + 1), user_ids[i]);
                st->setString(static_cast<unsigned>(2 * i + 2), payload);
            }
            st->executeUpdate();
            mysql_statement last(c.prepare("SELECT LAST_INSERT_ID()"));
            std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
            return rs->next() ? rs->getUInt64(1) : 0;  // a multi-row insert's ids are consecutive from here
        };
        std::uint64_t first = 0;
        try {
            first = co_await db.transaction(std::move(insert));
        } catch (const std::exception& e) {
            if (s.first_error.empty()) s.first_error = std::string("outbox insert: ") + e.what();
            continue;
        }
        const auto now = mono_ns();
        for (long long i = 0; i < n; ++i) {
            const auto id = first + static_cast<std::uint64_t>(i);
            if (id >= s.track.base && id - s.track.base < s.track.capacity) {
                std::int64_t none = 0;
                s.track.injected_ns[id - s.track.base].compare_exchange_strong(none, now);
            }
        }
        try {
            std::string self = "fanout-bench";
            co_await box.wake_relay(std::move(self));
        } catch (const std::exception&) {
        }
    }
    --*running;
}

// The peer's publisher (a Node process) for one round; how many frames it emitted.
long long run_publisher(const fanout_options& o, double rate, std::uint64_t first_id, std::size_t users) {
    const std::string command = o.publisher + " --redis-port " + std::to_string(o.redis_port) + " --rate " + std::to_string(rate) + " --duration " +
                                std::to_string(o.duration) + " --users " + std::to_string(users) + " --first-id " + std::to_string(first_id);
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return -1;
    long long published = -1;
    char line[512];
    while (std::fgets(line, sizeof line, pipe)) {
        std::string_view text(line);
        const auto at = text.find("\"published\":");
        if (at != std::string_view::npos) published = std::atoll(line + at + 12);
    }
    pclose(pipe);
    return published;
}

// The server's CPU time, or the instances' together.
double servers_cpu_seconds(const fanout_options& o) {
    double total = process_cpu_seconds(o.server_pid);
    for (int pid : o.more_server_pids) total += process_cpu_seconds(pid);
    return total;
}

long long servers_rss_kib(const fanout_options& o) {
    long long total = process_rss_kib(o.server_pid);
    for (int pid : o.more_server_pids) total += process_rss_kib(pid);
    return total;
}

struct cpu_sample {
    double server = 0, redis = 0, mariadb = 0, bench = 0;
    machine_cpu machine;
    static cpu_sample take(const fanout_options& o) {
        return {servers_cpu_seconds(o), process_cpu_seconds(o.redis_pid), process_cpu_seconds(o.mariadb_pid), self_cpu_seconds(), machine_cpu::now()};
    }
};

asio::awaitable<void> fanout_rounds(fanout_state& s, json::object& summary);

void close_all(fanout_state& s) {
    s.closing = true;
    for (auto& c : s.clients) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(c->ws).close(ignored);
    }
}

// Whatever fails (Redis gone mid-run), the sockets close so that the run ends.
asio::awaitable<void> fanout(fanout_state& s, json::object& summary) {
    std::exception_ptr failure;
    try {
        co_await fanout_rounds(s, summary);
    } catch (...) {
        failure = std::current_exception();
    }
    close_all(s);
    if (failure) std::rethrow_exception(failure);
}

asio::awaitable<void> fanout_rounds(fanout_state& s, json::object& summary) {
    const auto& o = s.o;
    auto executor = co_await asio::this_coro::executor;
    logger log(log_level::warn);
    const bool socketio = o.mode == "socketio";

    // Where to connect.
    const auto target = socketio ? o.socketio : o.server.substr(o.server.find("//") + 2);
    const auto colon = target.rfind(':');
    s.host = target;
    s.endpoint = tcp::endpoint(asio::ip::make_address(target.substr(0, colon)), static_cast<unsigned short>(std::stoi(target.substr(colon + 1))));
    s.realtime = socketio;

    redis_config rc;
    rc.host = o.redis_host;
    rc.port = o.redis_port;
    auto redis = redis_client::create(executor, rc, log);
    redis->start();
    inbox box(*redis, 1000, std::chrono::seconds(7 * 24 * 3600));
    std::unique_ptr<mysql_pool> db;
    if (!socketio) {
        mysql_config mc;
        mc.host = o.mysql_host;
        mc.port = o.mysql_port;
        mc.user = o.mysql_user;
        mc.password = o.mysql_password;
        mc.database = o.mysql_database;
        mc.pool_size = std::max(2, o.committers);
        db = std::make_unique<mysql_pool>(mc, log);
    }
    co_await sleep_seconds(0.2);  // the Redis connection

    for (long long i = 0; i < o.connections; ++i) {
        s.clients.push_back(std::make_unique<client>(executor));
        s.clients.back()->user = static_cast<std::uint64_t>(i + 1);
    }
    // Kept to the end: its idle keep-alive connections outlive the sign-ins.
    https_client_config hc{o.ca};
    hc.max_idle_per_origin = o.login_concurrency;
    auto http = std::make_unique<https_client>(executor, hc);
    if (!socketio) {
        const auto started = mono_ns();
        s.next = 0;
        for (int i = 0; i < o.login_concurrency; ++i, ++s.workers) asio::co_spawn(executor, sign_in_worker(*http, s), asio::detached);
        while (s.workers > 0) co_await sleep_seconds(0.05);
        summary["sign_in_s"] = static_cast<double>(mono_ns() - started) / 1e9;
        if (!s.first_error.empty()) throw std::runtime_error(s.first_error);
    }

    // Ids of the Redis segment continue MariaDB's outbox ids, and the outbox's continue after them:
    // a session never sees an id go back (it would skip it as already sent).
    auto next_outbox_id = [&]() -> asio::awaitable<std::uint64_t> {
        auto read = [](mysql_connection& c) -> std::uint64_t {
            mysql_statement st(c.prepare("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'outbox_events'"));
            std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
            return rs->next() ? rs->getUInt64(1) : 1;
        };
        co_return co_await db->run(std::move(read));
    };
    std::uint64_t next_id = 1;
    if (db) next_id = co_await next_outbox_id();
    if (socketio) next_id = static_cast<std::uint64_t>(epoch_us() / 1000) * 1000;  // grows across runs
    s.track.base = next_id;

    const auto rss_before = servers_rss_kib(o);
    const auto opened_at = mono_ns();
    s.next = 0;
    for (int i = 0; i < o.connect_concurrency; ++i, ++s.workers) asio::co_spawn(executor, opener(s), asio::detached);
    while (s.workers > 0) co_await sleep_seconds(0.05);
    summary["connections_opened"] = s.opened;
    summary["connections_failed"] = s.failed;
    summary["connect_s"] = static_cast<double>(mono_ns() - opened_at) / 1e9;
    if (!s.first_error.empty()) std::cerr << "first error: " << s.first_error << "\n";
    co_await sleep_seconds(o.settle);
    const auto rss_open = servers_rss_kib(o);
    if (o.server_pid > 0 && s.opened > 0) {
        summary["server_rss_before_mib"] = static_cast<double>(rss_before) / 1024.0;
        summary["server_rss_open_kib_per_connection"] = static_cast<double>(rss_open - rss_before) / static_cast<double>(s.opened);
    }
    if (o.idle_hold > 0) {
        co_await sleep_seconds(o.idle_hold);
        const auto rss_held = servers_rss_kib(o);
        if (o.server_pid > 0 && s.opened > 0)
            summary["server_rss_idle_kib_per_connection"] = static_cast<double>(rss_held - rss_before) / static_cast<double>(s.opened);
        summary["idle_hold_s"] = o.idle_hold;
    }

    json::array rounds;
    long long missing_all = 0, duplicates_all = 0;
    for (const auto rate : o.rates) {
        const auto capacity = static_cast<std::size_t>(rate * o.duration * 1.2) + 100000;
        if (db && o.mode == "outbox") next_id = co_await next_outbox_id();
        s.track.reset(next_id, capacity);
        const auto before = cpu_sample::take(o);
        const auto start = mono_ns();
        long long injected = 0;
        if (o.mode == "redis") {
            injected = co_await inject_redis(s, box, rate, next_id);
            next_id += static_cast<std::uint64_t>(injected);
            // The outbox's next ids come after these.
            const auto value = next_id;
            auto bump = [value](mysql_connection& c) { c.execute("ALTER TABLE outbox_events AUTO_INCREMENT = " + std::to_string(value)); };
            co_await db->run(std::move(bump));
        } else if (o.mode == "outbox") {
            auto count = std::make_shared<long long>(0);
            auto running = std::make_shared<int>(o.committers);
            const auto end = start + static_cast<std::int64_t>(o.duration * 1e9);
            for (int i = 0; i < o.committers; ++i) asio::co_spawn(executor, commit_outbox(s, *db, box, rate, start, end, count, running), asio::detached);
            while (*running > 0) co_await sleep_seconds(0.01);
            injected = *count;
        } else {
            const auto first = next_id;
            const auto users = s.clients.size();
            auto result = std::make_shared<std::atomic<long long>>(-2);
            const fanout_options& opts = o;
            std::thread publisher([result, &opts, rate, first, users] { *result = run_publisher(opts, rate, first, users); });
            while (*result == -2) co_await sleep_seconds(0.05);
            publisher.join();
            injected = *result;
            next_id += static_cast<std::uint64_t>(std::max(0LL, injected)) + 1000;
        }
        const auto injection_end = mono_ns();
        // Drain: until every frame offered arrived, or --drain seconds without one more.
        {
            long long seen = -1;
            auto last_progress = mono_ns();
            const auto wanted = std::min<long long>(injected, static_cast<long long>(s.track.capacity));
            while (mono_ns() - last_progress < static_cast<std::int64_t>(o.drain * 1e9)) {
                long long got = 0;
                for (long long i = 0; i < wanted; ++i) got += s.track.received_ns[static_cast<std::size_t>(i)].load() != 0;
                if (got == wanted) break;
                if (got != seen) last_progress = mono_ns();
                seen = got;
                co_await sleep_seconds(0.25);
            }
        }
        const auto after = cpu_sample::take(o);
        // The peer's publisher emits for --duration after Node has started: rates over its window.
        const auto elapsed = socketio ? o.duration : static_cast<double>(injection_end - start) / 1e9;
        const auto drained_s = static_cast<double>(mono_ns() - injection_end) / 1e9;

        std::vector<double> latencies;
        long long missing = 0, delivered_in_window = 0, delivered = 0;
        const auto window_end = socketio ? real_ns() - (mono_ns() - injection_end) : injection_end;
        const auto count = static_cast<std::size_t>(std::max(0LL, std::min<long long>(injected, static_cast<long long>(s.track.capacity))));
        latencies.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto got = s.track.received_ns[i].load();
            if (got == 0) {
                ++missing;
                continue;
            }
            ++delivered;
            if (got <= window_end) ++delivered_in_window;
            const auto sent = s.track.injected_ns[i].load();
            latencies.push_back(sent > 0 ? std::max<double>(0, static_cast<double>(got - sent) / 1e6) : 0);
        }
        json::object r;
        r["rate"] = rate;
        r["offered"] = injected;
        r["offered_per_s"] = static_cast<double>(injected) / elapsed;
        r["delivered_per_s"] = static_cast<double>(delivered_in_window) / elapsed;
        r["delivered"] = delivered;
        r["missing"] = missing;
        r["duplicates"] = s.track.duplicates.load();
        r["late_from_earlier_rounds"] = s.track.out_of_range.load();
        r["out_of_order"] = s.track.out_of_order.load() - s.track.duplicates.load() - s.track.out_of_range.load();
        r["drain_s"] = drained_s;
        r["p50_ms"] = latencies.empty() ? 0 : percentile(latencies, 50);
        r["p90_ms"] = latencies.empty() ? 0 : percentile(latencies, 90);
        r["p99_ms"] = latencies.empty() ? 0 : percentile(latencies, 99);
        r["max_ms"] = latencies.empty() ? 0 : percentile(latencies, 100);
        const double frames = std::max<long long>(1, delivered);
        r["server_us_per_frame"] = (after.server - before.server) * 1e6 / frames;
        r["redis_us_per_frame"] = (after.redis - before.redis) * 1e6 / frames;
        r["mariadb_us_per_frame"] = (after.mariadb - before.mariadb) * 1e6 / frames;
        r["bench_us_per_frame"] = (after.bench - before.bench) * 1e6 / frames;
        const auto total = after.machine.total - before.machine.total;
        r["machine_busy_pct"] = total > 0 ? 100.0 * static_cast<double>(after.machine.busy - before.machine.busy) / static_cast<double>(total) : 0;
        // What the rest of the machine (another engineer's builds) used meanwhile, in cores.
        const double wall = static_cast<double>(mono_ns() - start) / 1e9;
        const double ours = (after.server - before.server) + (after.redis - before.redis) + (after.mariadb - before.mariadb) + (after.bench - before.bench);
        const double machine_cores = total > 0 ? static_cast<double>(after.machine.busy - before.machine.busy) / static_cast<double>(total) * 2.0 : 0;
        r["others_cores"] = std::max(0.0, machine_cores - ours / wall);
        missing_all += missing;
        duplicates_all += s.track.duplicates.load();
        rounds.push_back(std::move(r));
        std::cerr << "rate " << rate << ": offered " << injected << ", delivered " << delivered << ", missing " << missing << "\n";
        co_await sleep_seconds(o.pause);
    }
    summary["rounds"] = std::move(rounds);
    summary["missing"] = missing_all;
    summary["duplicates"] = duplicates_all;
    summary["dropped"] = s.dropped;

    close_all(s);
    co_await sleep_seconds(0.3);
    redis->stop();
    if (db) db->stop();
}

}  // namespace

const char* fanout_usage() {
    return "  fanout  [--mode redis|outbox|socketio] [--connections N] [--rates R1,R2,..] [--duration S] [--drain S] [--idle-hold S]\n"
           "          [--rows-per-commit K] [--committers C] [--server-pid P[,P...] --redis-pid P --mariadb-pid P]\n"
           "          frames to N acknowledging WebSockets: delivery, latency, CPU per frame (bench/fanout-stack starts the stack)\n";
}

int run_fanout(const std::vector<std::string>& args) {
    auto parsed = parse_options(args);
    if (!parsed) {
        std::cerr << "usage:\n" << fanout_usage();
        return 2;
    }
    const auto o = *parsed;
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < limit.rlim_max) {
        const rlimit raised{limit.rlim_max, limit.rlim_max};
        setrlimit(RLIMIT_NOFILE, &raised);
    }
    mysql_driver_init();
    asio::io_context io(1);
    fanout_state state(o);
    json::object summary;
    summary["mode"] = o.mode;
    summary["connections"] = o.connections;
    summary["duration_s"] = o.duration;
    if (o.mode == "outbox") {
        summary["rows_per_commit"] = o.rows_per_commit;
        summary["committers"] = o.committers;
    }
    const auto failure = run_to_end(io, fanout(state, summary));
    if (!failure.empty()) {
        std::cerr << "sharedstore-bench fanout: " << failure << "\n";
        return 1;
    }
    std::printf("mode %s, %lld connections\n", o.mode.c_str(), o.connections);
    std::printf("%-8s %9s %9s %7s %5s %7s %7s %7s %7s %8s %8s %8s %8s %6s %6s\n", "rate", "offer/s", "deliv/s", "missing", "dup", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "srv us", "redis us", "maria us", "bench us", "busy%", "others");
    for (const auto& item : summary.at("rounds").as_array()) {
        const auto& r = item.as_object();
        auto d = [&](const char* k) { return r.at(k).to_number<double>(); };
        std::printf("%-8.0f %9.0f %9.0f %7.0f %5.0f %7.1f %7.1f %7.1f %7.1f %8.1f %8.1f %8.1f %8.1f %6.0f %6.2f\n", d("rate"), d("offered_per_s"),
                    d("delivered_per_s"), d("missing"), d("duplicates"), d("p50_ms"), d("p90_ms"), d("p99_ms"), d("max_ms"), d("server_us_per_frame"),
                    d("redis_us_per_frame"), d("mariadb_us_per_frame"), d("bench_us_per_frame"), d("machine_busy_pct"), d("others_cores"));
    }
    for (const auto& [key, value] : summary)
        if (key != "rounds") std::printf("%-36s %s\n", std::string(key).c_str(), readable_json(value).c_str());
    std::printf("%s\n", json::serialize(summary).c_str());
    return summary.at("missing").as_int64() == 0 && summary.at("duplicates").as_int64() == 0 ? 0 : 1;
}

}  // namespace sharedstore::bench
