// sharedstore-bench connections: signs U users in, opens N WebSockets authenticated as them
// (round-robin), spread over source addresses 127.0.0.2... so that N is not bounded by one
// address's ephemeral ports, holds them idle (the server's pings are answered while a read is
// pending, so heartbeats are what keeps them open past the server's idle timeout), then reports
// the server's resident memory growth per connection (from its /metrics) and every drop.
#include "bench/bench_connections.hpp"

#include "bench/bench_support.hpp"

#include "common/random_token.hpp"
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

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace sharedstore::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr long long connections_per_source = 20000;  // well inside one address's ~28k ephemeral ports

struct connections_options {
    std::string server = "http://127.0.0.1:8080";
    std::string sim = "https://127.0.0.1:8090";
    std::string ca = "var/keys/wechat-ca.pem";
    long long count = 1000;         // WebSockets to open
    long long users = 0;            // distinct signed-in users (0: one per connection)
    int sources = -1;               // source addresses 127.0.0.2.. (-1: enough for count; 0: do not bind)
    double hold = 90;               // seconds held idle after the last one opened
    double settle = 3;              // seconds between the last open and the "after open" sample
    int connect_concurrency = 200;  // handshakes in flight
    int login_concurrency = 32;     // sign-ins in flight
};

// One held connection: the stream and a small read buffer, nothing else. The coroutine reading
// it is the only other per-connection cost in the bench.
struct held_socket {
    explicit held_socket(const asio::any_io_executor& executor) : ws(executor) {}
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
};

struct server_sample {
    double rss_bytes = -1, open_fds = -1, max_fds = -1, push_connections = -1, http_connections = -1;
};

struct run_state {
    explicit run_state(const connections_options& options) : o(options) {}
    const connections_options& o;
    tcp::endpoint server;
    std::string host;  // the Host header
    std::vector<std::string> tokens;
    std::vector<std::shared_ptr<held_socket>> sockets;
    std::size_t next = 0;  // the next user to sign in, or connection to open
    int workers = 0;       // sign-in or opener coroutines still running
    long long signed_in = 0, opened = 0, failed = 0, dropped = 0, frames = 0;
    int readers = 0;       // connections whose read loop has not ended
    bool closing = false;  // from here on, a read that ends is ours, not a drop
    std::string first_error, phase = "sign-in";
    std::map<std::string, long long> drop_reasons;
};

std::optional<connections_options> parse_options(const std::vector<std::string>& args) {
    connections_options o;
    if (args.size() % 2 == 0) return std::nullopt;  // "connections" and then pairs
    try {
        for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
            const auto& k = args[i];
            const auto& v = args[i + 1];
            if (k == "--server") o.server = v;
            else if (k == "--sim") o.sim = v;
            else if (k == "--ca") o.ca = v;
            else if (k == "--count") o.count = std::stoll(v);
            else if (k == "--users") o.users = std::stoll(v);
            else if (k == "--sources") o.sources = std::stoi(v);
            else if (k == "--hold") o.hold = std::stod(v);
            else if (k == "--settle") o.settle = std::stod(v);
            else if (k == "--connect-concurrency") o.connect_concurrency = std::stoi(v);
            else if (k == "--login-concurrency") o.login_concurrency = std::stoi(v);
            else return std::nullopt;
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (o.count < 1 || o.users < 0 || o.hold < 0 || o.settle < 0 || o.connect_concurrency < 1 || o.login_concurrency < 1) return std::nullopt;
    if (o.users == 0 || o.users > o.count) o.users = o.count;
    return o;
}

bool is_loopback_url(const std::string& url) {
    const auto hostport = url.substr(url.find("//") + 2);
    return hostport.rfind("127.", 0) == 0 || hostport.rfind("localhost", 0) == 0;
}

// 127.0.0.2, 127.0.0.3, ...
asio::ip::address_v4 source_address(int index) { return asio::ip::address_v4(0x7F000002u + static_cast<unsigned>(index)); }

long long read_proc_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
    return -1;
}

std::pair<long, long> ephemeral_port_range() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    long low = 32768, high = 60999;
    in >> low >> high;
    return {low, high};
}

// Raises the soft open-file limit to the hard one (as root, the hard one too when it is below
// `needed`); returns the soft limit now in force. `refused` is set when root was not allowed to
// raise the hard limit (no CAP_SYS_RESOURCE, as in many containers).
rlim_t raise_file_limit(rlim_t needed, bool& refused) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed && geteuid() == 0) {
        const rlimit wanted{needed, needed};  // bounded by fs.nr_open
        if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
        else refused = errno == EPERM;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        const rlimit raised{limit.rlim_max, limit.rlim_max};
        setrlimit(RLIMIT_NOFILE, &raised);
    }
    getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

asio::awaitable<void> sign_in_worker(https_client& http, run_state& s) {
    while (s.next < s.tokens.size() && s.first_error.empty()) {
        const auto index = s.next++;
        std::string error, sim = s.o.sim, server = s.o.server;  // no temporaries inside co_await (GCC 12)
        auto user = co_await sign_in_retrying(http, std::move(sim), std::move(server), 3, error);
        if (!user) {
            if (s.first_error.empty()) s.first_error = "sign-in failed 3 times: " + error.substr(0, 300);
            break;
        }
        s.tokens[index] = user->token;
        ++s.signed_in;
    }
    --s.workers;
}

// Metrics of the server (GET /metrics, Prometheus text): the unlabelled series the bench needs.
asio::awaitable<server_sample> sample_server(https_client& http, std::string url) {
    client_request r;
    r.url = std::move(url);
    auto response = co_await http.send(std::move(r));
    if (response.status != 200) throw std::runtime_error("GET /metrics: " + std::to_string(response.status));
    server_sample sample;
    const std::map<std::string, double server_sample::*> wanted{{"process_resident_memory_bytes", &server_sample::rss_bytes},
                                                                 {"process_open_fds", &server_sample::open_fds},
                                                                 {"process_max_fds", &server_sample::max_fds},
                                                                 {"sharedstore_push_connections", &server_sample::push_connections},
                                                                 {"sharedstore_http_open_connections", &server_sample::http_connections}};
    std::istringstream lines(response.body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.find(' ');
        if (space == std::string::npos) continue;
        if (auto it = wanted.find(line.substr(0, space)); it != wanted.end()) sample.*(it->second) = std::strtod(line.c_str() + space + 1, nullptr);
    }
    co_return sample;
}

// A sample that could not be taken (the server went away) reads -1 rather than ending the run:
// the drops are the figure that matters then.
asio::awaitable<server_sample> try_sample(https_client& http, std::string url, const char* when) {
    try {
        co_return co_await sample_server(http, std::move(url));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "[connections] no server metrics %s: %s\n", when, e.what());
    }
    co_return server_sample{};
}

// Source address, TCP connect, WebSocket handshake with the bearer token, then `resume`.
asio::awaitable<void> open_one(run_state& s, held_socket& h, std::size_t index) {
    auto& socket = beast::get_lowest_layer(h.ws);
    socket.open(tcp::v4());
    if (s.o.sources > 0) {
        // The port is picked at connect time, per (source, destination): without this, bind()
        // would reserve a port for any destination and the ephemeral range would run out at ~28k.
        const int one = 1;
        if (::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) != 0)
            throw std::runtime_error(std::string("IP_BIND_ADDRESS_NO_PORT: ") + std::strerror(errno));
        socket.bind(tcp::endpoint(source_address(static_cast<int>(index % static_cast<std::size_t>(s.o.sources))), 0));
    }
    co_await socket.async_connect(s.server, asio::use_awaitable);
    h.ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(10), websocket::stream_base::none(), false});
    h.ws.write_buffer_bytes(256);  // a client masks through this buffer; our one frame is 31 bytes
    const std::string* token = &s.tokens[index % s.tokens.size()];
    h.ws.set_option(websocket::stream_base::decorator(
        [token](websocket::request_type& request) { request.set(beast::http::field::authorization, "Bearer " + *token); }));
    websocket::response_type response;
    const std::string target = "/ws";
    auto [ec] = co_await h.ws.async_handshake(response, s.host, target, use_tuple);
    if (ec == websocket::error::upgrade_declined)
        throw std::runtime_error("upgrade refused: " + std::to_string(response.result_int()) + " " + response.body().substr(0, 200));
    if (ec) throw std::runtime_error("handshake: " + ec.message());
    static const std::string resume = R"({"type":"resume","after":"0-0"})";
    auto resume_buffer = asio::buffer(resume);
    co_await h.ws.async_write(resume_buffer, asio::use_awaitable);
}

// Keeps a read pending for the connection's whole life: that is what answers the server's pings.
asio::awaitable<void> hold(run_state& s, std::shared_ptr<held_socket> h) {
    for (;;) {
        auto [ec, n] = co_await h->ws.async_read_some(h->buffer, 512, use_tuple);
        if (ec) {
            if (!s.closing) {
                ++s.dropped;
                std::string why = ec.message();
                if (ec == websocket::error::closed) {
                    const auto& reason = h->ws.reason();
                    why = "close " + std::to_string(reason.code) + (reason.reason.empty() ? "" : " " + std::string(reason.reason.data(), reason.reason.size()));
                }
                ++s.drop_reasons[why];
            }
            break;
        }
        if (h->ws.is_message_done()) {
            ++s.frames;
            h->buffer.clear();
        }
    }
    --s.readers;
}

asio::awaitable<void> opener(run_state& s) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer guard(executor);
    while (s.next < static_cast<std::size_t>(s.o.count)) {
        const auto index = s.next++;
        auto h = std::make_shared<held_socket>(executor);
        // Connect and handshake in 15 s at most (a full accept backlog would otherwise retry SYNs
        // for minutes). The handler holds the socket: it may run after a late cancel.
        guard.expires_after(std::chrono::seconds(15));
        guard.async_wait([h](boost::system::error_code ec) {
            if (ec) return;
            boost::system::error_code ignored;
            beast::get_lowest_layer(h->ws).close(ignored);
        });
        std::string error;
        try {
            co_await open_one(s, *h, index);
        } catch (const std::exception& e) {
            error = e.what();
        }
        guard.cancel();
        if (!error.empty()) {
            ++s.failed;
            if (s.first_error.empty()) s.first_error = "connection " + std::to_string(index) + ": " + error;
            continue;
        }
        ++s.opened;
        ++s.readers;
        s.sockets[index] = h;
        asio::co_spawn(executor, hold(s, std::move(h)), asio::detached);
    }
    --s.workers;
}

void progress(const run_state& s, const char* extra = "") {
    std::fprintf(stderr, "[connections] %-8s signed in %lld/%lld  opened %lld  failed %lld  held %lld  dropped %lld  frames %lld%s\n",
                 s.phase.c_str(), s.signed_in, static_cast<long long>(s.tokens.size()), s.opened, s.failed, s.opened - s.dropped, s.dropped,
                 s.frames, extra);
}

// Waits until `done()` (polled every 100 ms), showing progress every 10 s.
template <class Done>
asio::awaitable<void> wait_until(run_state& s, Done done, steady::time_point deadline = steady::time_point::max()) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer tick(executor);
    auto shown = steady::now();
    while (!done() && steady::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(100));
        co_await tick.async_wait(asio::use_awaitable);
        if (steady::now() - shown >= std::chrono::seconds(10)) {
            progress(s);
            shown = steady::now();
        }
    }
}

double mib(double bytes) { return bytes < 0 ? -1 : bytes / (1024.0 * 1024.0); }
double seconds_since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

asio::awaitable<void> run(run_state& s, json::object& summary) {
    const auto& o = s.o;
    auto executor = co_await asio::this_coro::executor;

    // The server's address, resolved once.
    const auto hostport = o.server.substr(o.server.find("//") + 2);
    const auto colon = hostport.find(':');
    const auto host_name = hostport.substr(0, colon);
    const auto port = colon == std::string::npos ? std::string("80") : hostport.substr(colon + 1);
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(host_name, port, asio::use_awaitable);
    for (const auto& e : endpoints)
        if (e.endpoint().address().is_v4()) s.server = e.endpoint();
    if (s.server.port() == 0) throw std::runtime_error("no IPv4 address for " + host_name);
    s.host = hostport;

    // 1. Users.
    const auto login_started = steady::now();
    {
        https_client_config login_config{o.ca};
        login_config.max_idle_per_origin = o.login_concurrency;
        https_client login_http(executor, login_config);  // its keep-alive connections go with it
        s.tokens.resize(static_cast<std::size_t>(o.users));
        s.workers = o.login_concurrency;
        for (int i = 0; i < o.login_concurrency; ++i) asio::co_spawn(executor, sign_in_worker(login_http, s), asio::detached);
        auto signed_in = [&] { return s.workers == 0; };
        co_await wait_until(s, signed_in);
    }
    if (!s.first_error.empty()) throw std::runtime_error(s.first_error);
    const double login_s = seconds_since(login_started);

    https_client_config metrics_config{o.ca};
    metrics_config.max_idle_per_origin = 1;
    https_client http(executor, metrics_config);
    const auto metrics_url = o.server + "/metrics";
    auto url = metrics_url;
    const auto before = co_await sample_server(http, std::move(url));
    if (before.rss_bytes < 0) std::fprintf(stderr, "[connections] the server's /metrics has no process_resident_memory_bytes: memory figures will read -1\n");

    // 2. Open every connection.
    s.phase = "opening";
    s.next = 0;
    s.sockets.resize(static_cast<std::size_t>(o.count));
    const auto open_started = steady::now();
    const int openers = static_cast<int>(std::min<long long>(o.connect_concurrency, o.count));
    s.workers = openers;
    for (int i = 0; i < openers; ++i) asio::co_spawn(executor, opener(s), asio::detached);
    auto all_tried = [&] { return s.workers == 0; };
    co_await wait_until(s, all_tried);
    const double connect_s = seconds_since(open_started);
    progress(s);

    asio::steady_timer pause(executor);
    pause.expires_after(std::chrono::milliseconds(static_cast<long long>(o.settle * 1000)));
    co_await pause.async_wait(asio::use_awaitable);
    url = metrics_url;
    const auto after_open = co_await try_sample(http, std::move(url), "after opening");

    // 3. Hold them: nothing is sent; the server pings, Beast answers while our reads are pending.
    s.phase = "holding";
    const auto hold_started = steady::now();
    auto never = [] { return false; };
    const auto hold_until = hold_started + std::chrono::milliseconds(static_cast<long long>(o.hold * 1000));
    co_await wait_until(s, never, hold_until);
    url = metrics_url;
    const auto after_hold = co_await try_sample(http, std::move(url), "after the hold");
    const auto bench_rss_kib = read_proc_kib("VmRSS"), bench_peak_kib = read_proc_kib("VmHWM");
    const auto dropped_during_hold = s.dropped;
    const auto frames_during_hold = s.frames;
    progress(s);

    // 4. Close them all (a close frame each; whatever has not ended in 15 s is cut).
    s.phase = "closing";
    s.closing = true;
    for (auto& h : s.sockets) {
        if (!h) continue;
        const websocket::close_reason why(websocket::close_code::normal);
        h->ws.async_close(why, [h](boost::system::error_code) {
            boost::system::error_code ignored;
            beast::get_lowest_layer(h->ws).close(ignored);
        });
    }
    auto all_ended = [&] { return s.readers == 0; };
    const auto close_until = steady::now() + std::chrono::seconds(15);
    co_await wait_until(s, all_ended, close_until);
    for (auto& h : s.sockets) {
        boost::system::error_code ignored;
        if (h) beast::get_lowest_layer(h->ws).close(ignored);
    }
    co_await wait_until(s, all_ended);
    s.sockets.clear();

    std::vector<std::pair<long long, std::string>> reasons;
    for (const auto& [why, n] : s.drop_reasons) reasons.emplace_back(n, why);
    std::sort(reasons.rbegin(), reasons.rend());
    json::object top_reasons;
    for (std::size_t i = 0; i < reasons.size() && i < 5; ++i) top_reasons[reasons[i].second] = reasons[i].first;

    const double opened = static_cast<double>(s.opened);
    auto per_connection_kib = [&](double from, double to) { return from < 0 || to < 0 || s.opened == 0 ? -1.0 : (to - from) / 1024.0 / opened; };
    summary = json::object{{"mode", "connections"},
                           {"count", o.count},
                           {"users", o.users},
                           {"sources", o.sources},
                           {"opened", s.opened},
                           {"failed", s.failed},
                           {"first_error", s.first_error},
                           {"login_s", login_s},
                           {"logins_per_s", static_cast<double>(o.users) / login_s},
                           {"connect_s", connect_s},
                           {"connects_per_s", opened / connect_s},
                           {"server_rss_before_mib", mib(before.rss_bytes)},
                           {"server_rss_after_open_mib", mib(after_open.rss_bytes)},
                           {"server_rss_after_hold_mib", mib(after_hold.rss_bytes)},
                           {"growth_per_connection_kib", per_connection_kib(before.rss_bytes, after_open.rss_bytes)},
                           {"hold_growth_per_connection_kib", per_connection_kib(after_open.rss_bytes, after_hold.rss_bytes)},
                           {"server_open_fds_before", static_cast<std::int64_t>(before.open_fds)},
                           {"server_open_fds_after_open", static_cast<std::int64_t>(after_open.open_fds)},
                           {"server_max_fds", static_cast<std::int64_t>(after_open.max_fds)},
                           {"server_push_connections_after_open", static_cast<std::int64_t>(after_open.push_connections)},
                           {"server_push_connections_after_hold", static_cast<std::int64_t>(after_hold.push_connections)},
                           {"hold_s", o.hold},
                           {"dropped", dropped_during_hold},
                           {"drop_reasons", std::move(top_reasons)},
                           {"frames_received", frames_during_hold},
                           {"bench_rss_mib", bench_rss_kib / 1024.0},
                           {"bench_peak_rss_mib", bench_peak_kib / 1024.0}};
}

}  // namespace

const char* connections_usage() {
    return "  connections [--count N] [--users U] [--sources K] [--hold S] [--connect-concurrency C] [--login-concurrency L] [--settle S]\n"
           "          N idle WebSockets (U users, source addresses 127.0.0.2..): server memory per connection, drops\n";
}

int run_connections(const std::vector<std::string>& args) {
    auto parsed = parse_options(args);
    if (!parsed) {
        std::cerr << "usage: sharedstore-bench connections [options]\n" << connections_usage()
                  << "  common: [--server URL] [--sim URL] [--ca PEM] (bench/README.md)\n";
        return 2;
    }
    auto& o = *parsed;
    const bool loopback = is_loopback_url(o.server);
    if (o.sources < 0) o.sources = loopback ? static_cast<int>((o.count + connections_per_source - 1) / connections_per_source) : 0;
    if (o.sources > 253 || (o.sources > 0 && !loopback)) {
        std::cerr << "sharedstore-bench: --sources is 0 (no binding) or 1..253, and only for a server on 127.x\n";
        return 2;
    }
    const auto [low_port, high_port] = ephemeral_port_range();
    const long long ports = high_port - low_port + 1;
    const long long per_source = (o.count + std::max(o.sources, 1) - 1) / std::max(o.sources, 1);
    if (per_source > ports) {
        std::cerr << "sharedstore-bench: " << per_source << " connections from one source address, but only " << ports
                  << " ephemeral ports (net.ipv4.ip_local_port_range): use --sources " << (o.count + ports - 1) / ports + 1 << " or more\n";
        return 2;
    }
    const rlim_t needed = static_cast<rlim_t>(o.count) + 2 * static_cast<rlim_t>(o.login_concurrency) + 64;
    bool refused = false;
    const rlim_t limit = raise_file_limit(needed, refused);
    if (limit < needed) {
        std::cerr << "sharedstore-bench: " << o.count << " connections need about " << needed << " open files, the limit is " << limit
                  << " (ulimit -Hn): raise the hard limit (as root: ulimit -Hn 1048576) and run again\n";
        if (refused)
            std::cerr << "  (root may not raise it here: no CAP_SYS_RESOURCE, as in a container; set it from outside, e.g. "
                         "docker run --ulimit nofile=1048576:1048576, or LimitNOFILE= for a service)\n";
        return 2;
    }
    std::fprintf(stderr, "[connections] %lld connections as %lld users from %d source address(es), file limit %llu\n", o.count, o.users,
                 o.sources, static_cast<unsigned long long>(limit));

    asio::io_context io(1);
    run_state state(o);
    json::object summary;
    const auto failure = run_to_end(io, run(state, summary));
    if (!failure.empty()) {
        std::cerr << "sharedstore-bench: " << failure << "\n";
        return 1;
    }
    if (!state.first_error.empty()) std::cerr << "first error: " << state.first_error.substr(0, 300) << "\n";
    if (state.failed > 0)
        std::cerr << "hint: the server refuses connections past http.max_connections (SHAREDSTORE_HTTP_MAX_CONNECTIONS) and past its "
                     "open-file limit (process_max_fds)\n";

    print_summary("connections (authenticated idle WebSockets held with heartbeats)", summary);
    std::fflush(stdout);
    return summary.at("failed").as_int64() == 0 && summary.at("dropped").as_int64() == 0 ? 0 : 1;
}

}  // namespace sharedstore::bench
