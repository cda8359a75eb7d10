// sharedstore-bench: drives a running server (with its WeChat simulator, MariaDB and Redis, as
// scripts/run starts them) and prints figures. Modes (bench/README.md):
//   e2e   partners connected over WebSocket, each owning a customer; signed POS order callbacks at
//         a fixed rate; for every order, the time from sending the callback to the partner's frame.
//   fanout       frames to N acknowledging WebSockets: rates, latency, CPU per frame (bench_fanout.cpp)
//   connections  N idle authenticated WebSockets: server memory per connection, drops (bench_connections.cpp)
//   what-if  the tier what-if's time on a store with N paid orders (bench_what_if.cpp)
//   alliance-dividend  one pool dividend over 1,000,000 seeded lots (bench_alliance_dividend.cpp)
// One JSON summary line is printed last, after a readable table.
#include "bench/bench_alliance_dividend.hpp"
#include "bench/bench_connections.hpp"
#include "bench/bench_fanout.hpp"
#include "bench/bench_support.hpp"
#include "bench/bench_what_if.hpp"
#include "common/clock.hpp"
#include "common/random_token.hpp"
#include "common/sha256.hpp"
#include "wechat/https_client.hpp"
#include "wechat/pay/pay_crypto.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <cmath>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using namespace sharedstore;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct options {
    std::string server = "http://127.0.0.1:8080";
    std::string sim = "https://127.0.0.1:8090";
    std::string ca = "var/keys/wechat-ca.pem";
    int partners = 20;
    double rate = 100;       // orders a second
    std::vector<double> rates;  // e2e: each in turn (default: rate)
    int repeats = 1;            // e2e: rounds per rate; figures are their medians
    double search_p99_ms = 0;   // e2e: > 0 searches for the highest rate whose median p99 stays under it
    double search_max = 1000;   // e2e: upper end of the search
    double search_step = 20;    // e2e: the search stops when the bounds are this close
    double duration = 10;    // seconds of sending
    double drain = 10;       // seconds to wait for the last frames
    int senders = 64;        // callbacks in flight at most
    int concurrency = 16;    // http mode: workers
    std::string keys = "var/keys";
    std::string appid = "wx5e1f0c0d5a5d0001";  // conf/dev.json's wechat.appid
    std::string mchid = "1900000001";
    double duplicates = 0.3;  // notify mode: share of deliveries that repeat an earlier one
};

struct bench_state {
    std::map<std::int64_t, steady::time_point> sent;  // order amount (unique) -> when the callback left
    std::vector<double> latencies_ms;
    std::set<std::string> seen_ids;
    long long accepted = 0, refused = 0, frames = 0, duplicates = 0, skipped = 0;
    std::string first_error;
    int in_flight = 0;
};

client_request request(const std::string& method, const std::string& url, const json::value& body, const std::string& token = "") {
    return bench::json_request(method, url, body, token);
}

class api {
public:
    api(https_client& http, options o) : http_(http), o_(std::move(o)) {}
    https_client& http() { return http_; }

    asio::awaitable<json::value> call(client_request r) { co_return co_await bench::call_json(http_, std::move(r)); }

    // A user: a login code from the simulator, then our login.
    asio::awaitable<std::pair<std::string, std::string>> sign_in() {
        auto sim = o_.sim, server = o_.server;
        auto user = co_await bench::sign_in(http_, std::move(sim), std::move(server));
        co_return std::pair{std::move(user.token), std::move(user.id)};
    }

    const options& opts() const { return o_; }

private:
    https_client& http_;
    options o_;
};

asio::awaitable<void> read_frames(beast::websocket::stream<beast::tcp_stream>& ws, bench_state& state) {
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
        if (ec) co_return;
        const auto arrived = steady::now();
        auto frame = json::parse(beast::buffers_to_string(buffer.data())).as_object();
        ++state.frames;
        const auto id = std::string(frame.at("id").as_string());
        if (!state.seen_ids.insert(id).second) {
            ++state.duplicates;
            continue;
        }
        auto it = state.sent.find(frame.at("order_amount_fen").as_int64());
        if (it != state.sent.end()) state.latencies_ms.push_back(std::chrono::duration<double, std::milli>(arrived - it->second).count());
        // Shown: acknowledged as the mini-program does, so no subscribe-message fallback is due.
        const auto ack = json::serialize(json::object{{"type", "ack"}, {"id", id}});
        auto ack_buffer = asio::buffer(ack);
        auto [write_error, written] = co_await ws.async_write(ack_buffer, use_tuple);
        if (write_error) co_return;
    }
}

asio::awaitable<std::unique_ptr<beast::websocket::stream<beast::tcp_stream>>> open_socket(std::string server, std::string token) {
    auto executor = co_await asio::this_coro::executor;
    const auto hostport = server.substr(server.find("//") + 2);
    const auto colon = hostport.find(':');
    asio::ip::tcp::resolver resolver(executor);
    const auto host_name = hostport.substr(0, colon), port = hostport.substr(colon + 1);
    auto endpoints = co_await resolver.async_resolve(host_name, port, asio::use_awaitable);
    auto ws = std::make_unique<beast::websocket::stream<beast::tcp_stream>>(executor);
    co_await beast::get_lowest_layer(*ws).async_connect(endpoints, asio::use_awaitable);
    beast::get_lowest_layer(*ws).expires_never();
    auto decorate = [token](beast::websocket::request_type& r) { r.set(beast::http::field::authorization, "Bearer " + token); };
    ws->set_option(beast::websocket::stream_base::decorator(decorate));
    auto host = hostport;
    auto target = std::string("/ws");
    co_await ws->async_handshake(host, target, asio::use_awaitable);
    std::string resume = R"({"type":"resume","after":"0-0"})";
    auto resume_buffer = asio::buffer(resume);
    co_await ws->async_write(resume_buffer, asio::use_awaitable);
    co_return ws;
}

asio::awaitable<void> send_order(api& a, std::string key_id, std::string secret, std::string customer, std::int64_t amount, bench_state& state) {
    ++state.in_flight;
    json::object body{{"merchant_order_id", "B-" + std::to_string(amount) + "-" + random_hex(4)}, {"user_id", customer}, {"amount_fen", amount},
                      {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
    const auto text = json::serialize(body);
    const auto nonce = random_hex(12);
    const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const auto signature = hmac_sha256_hex(secret, timestamp + "\n" + nonce + "\nPOST\n/api/v1/pos/orders\n" + text);
    state.sent[amount] = steady::now();
    try {
        auto r = request("POST", a.opts().server + "/api/v1/pos/orders", body);
        r.body = text;  // exactly the signed bytes
        r.headers.insert(r.headers.end(), {{"X-Api-Key", key_id}, {"X-Timestamp", timestamp}, {"X-Nonce", nonce}, {"X-Signature", signature}});
        co_await a.call(std::move(r));
        ++state.accepted;
    } catch (const std::exception& e) {
        if (state.first_error.empty()) state.first_error = e.what();
        ++state.refused;
        state.sent.erase(amount);
    }
    --state.in_flight;
}

using bench::percentile;

// What the rounds share: a store with a POS key, and partners connected over WebSocket, each
// owning one customer.
struct e2e_setup {
    std::string key_id, secret;
    std::vector<std::string> customers;
    std::vector<std::unique_ptr<beast::websocket::stream<beast::tcp_stream>>> sockets;
    std::int64_t next_amount = 100'000;  // every order's amount is unique: it identifies the frame
};

asio::awaitable<void> prepare_e2e(api& a, bench_state& state, e2e_setup& setup) {
    const auto& o = a.opts();
    const auto& S = o.server;
    auto [owner_token, owner_id] = co_await a.sign_in();
    auto rq = request("POST", S + "/api/v1/merchants", json::object{{"name", "bench"}}, owner_token);
    auto store = co_await a.call(std::move(rq));
    const auto merchant = S + "/api/v1/merchants/" + std::string(store.at("merchant").at("id").as_string());
    rq = request("PUT", merchant + "/tiers",
                 json::object{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 100}, {"ratio_bp", 2000}}}}, {"profit_margin_bp", 3000}},
                 owner_token);
    co_await a.call(std::move(rq));
    rq = request("POST", merchant + "/card-templates",
                 json::object{{"kind", "vip"}, {"title", "bench"}, {"benefit", "b"}, {"valid_from", "2026-01-01T00:00:00Z"},
                              {"valid_until", "2028-12-01T00:00:00Z"}},
                 owner_token);
    auto card = co_await a.call(std::move(rq));
    rq = request("POST", merchant + "/api-keys", json::object{{"label", "bench"}}, owner_token);
    auto key = co_await a.call(std::move(rq));
    setup.key_id = std::string(key.at("api_key").at("id").as_string());
    setup.secret = std::string(key.at("secret").as_string());
    for (int i = 0; i < o.partners; ++i) {
        auto [partner_token, partner_id] = co_await a.sign_in();
        rq = request("POST", merchant + "/partners", json::object{{"user_id", partner_id}, {"amount_fen", 100}}, owner_token);
        auto partner = co_await a.call(std::move(rq));
        rq = request("POST", merchant + "/partners/" + std::string(partner.at("partner").at("id").as_string()) + "/card-packs",
                     json::object{{"card_template_id", card.at("card_template").at("id")}}, owner_token);
        auto pack = co_await a.call(std::move(rq));
        rq = request("POST", S + "/api/v1/partners/me/cards/" + std::string(pack.at("card_pack").at("id").as_string()) + "/shares", nullptr,
                     partner_token);
        auto share = co_await a.call(std::move(rq));
        auto [customer_token, customer_id] = co_await a.sign_in();
        rq = request("POST", S + "/api/v1/shares/" + std::string(share.at("share_code").as_string()) + "/claim", nullptr, customer_token);
        co_await a.call(std::move(rq));
        setup.customers.push_back(customer_id);
        auto server = S;
        auto token = partner_token;
        setup.sockets.push_back(co_await open_socket(std::move(server), std::move(token)));
    }
    auto executor = co_await asio::this_coro::executor;
    for (auto& ws : setup.sockets) asio::co_spawn(executor, read_frames(*ws, state), asio::detached);
    asio::steady_timer timer(executor);
    timer.expires_after(std::chrono::seconds(2));  // past the claims' second and the resume window
    co_await timer.async_wait(asio::use_awaitable);
}

// One round at `rate`: sends for `duration`, waits for the last frames, and summarizes it.
asio::awaitable<json::object> e2e_round(api& a, bench_state& state, e2e_setup& setup, double rate) {
    const auto& o = a.opts();
    state.sent.clear();
    state.latencies_ms.clear();
    state.accepted = state.refused = state.duplicates = state.skipped = 0;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    const auto total = static_cast<long long>(rate * o.duration);
    const auto start = steady::now();
    for (long long i = 0; i < total; ++i) {
        timer.expires_at(start + std::chrono::microseconds(static_cast<long long>(1e6 * static_cast<double>(i) / rate)));
        co_await timer.async_wait(asio::use_awaitable);
        if (state.in_flight >= o.senders) {
            ++state.skipped;  // the server is not keeping up: counted, not queued
            continue;
        }
        asio::co_spawn(executor,
                       send_order(a, setup.key_id, setup.secret, setup.customers[static_cast<std::size_t>(i) % setup.customers.size()],
                                  ++setup.next_amount, state),
                       asio::detached);
    }
    const auto sending = std::chrono::duration<double>(steady::now() - start).count();
    const auto drain_until = steady::now() + std::chrono::milliseconds(static_cast<long long>(o.drain * 1000));
    while (steady::now() < drain_until && (state.in_flight > 0 || static_cast<long long>(state.latencies_ms.size()) < state.accepted)) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(asio::use_awaitable);
    }
    const auto received = static_cast<long long>(state.latencies_ms.size());
    auto& l = state.latencies_ms;
    co_return json::object{{"rate_target", rate},
                           {"rate_achieved", static_cast<double>(total) / sending},
                           {"orders_sent", total},
                           {"accepted", state.accepted},
                           {"accepted_per_s", static_cast<double>(state.accepted) / sending},
                           {"refused", state.refused},
                           {"skipped_busy", state.skipped},
                           {"frames_received", received},
                           {"lost", state.accepted - received},
                           {"duplicates", state.duplicates},
                           {"p50_ms", percentile(l, 50)},
                           {"p90_ms", percentile(l, 90)},
                           {"p99_ms", percentile(l, 99)},
                           {"p999_ms", percentile(l, 99.9)},
                           {"max_ms", l.empty() ? 0.0 : *std::max_element(l.begin(), l.end())}};
}

double median_of(const std::vector<json::object>& rounds, const char* key) {
    std::vector<double> values;
    for (const auto& r : rounds) values.push_back(r.at(key).to_number<double>());
    return percentile(values, 50);
}

// `repeats` rounds at one rate; the figures are the rounds' medians (lost and duplicates: sums).
asio::awaitable<json::object> e2e_rate(api& a, bench_state& state, e2e_setup& setup, double rate) {
    const auto& o = a.opts();
    std::vector<json::object> rounds;
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    for (int i = 0; i < o.repeats; ++i) {
        rounds.push_back(co_await e2e_round(a, state, setup, rate));
        const auto& r = rounds.back();
        std::fprintf(stderr, "  round %d at %.0f/s: accepted %.1f/s, skipped %lld, lost %lld, dup %lld, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                     i + 1, rate, r.at("accepted_per_s").as_double(), static_cast<long long>(r.at("skipped_busy").as_int64()),
                     static_cast<long long>(r.at("lost").as_int64()), static_cast<long long>(r.at("duplicates").as_int64()),
                     r.at("p50_ms").as_double(), r.at("p99_ms").as_double(), r.at("max_ms").as_double());
        pause.expires_after(std::chrono::seconds(2));  // let the server's queues empty between rounds
        co_await pause.async_wait(asio::use_awaitable);
    }
    std::int64_t lost = 0, duplicates = 0, sent = 0, accepted = 0, skipped = 0;
    for (const auto& r : rounds) {
        lost += r.at("lost").as_int64();
        duplicates += r.at("duplicates").as_int64();
        sent += r.at("orders_sent").as_int64();
        accepted += r.at("accepted").as_int64();
        skipped += r.at("skipped_busy").as_int64();
    }
    co_return json::object{{"rate_target", rate},
                           {"rounds", o.repeats},
                           {"orders_sent", sent},
                           {"accepted", accepted},
                           {"skipped_busy", skipped},
                           {"accepted_per_s", median_of(rounds, "accepted_per_s")},
                           {"lost", lost},
                           {"duplicates", duplicates},
                           {"p50_ms", median_of(rounds, "p50_ms")},
                           {"p90_ms", median_of(rounds, "p90_ms")},
                           {"p99_ms", median_of(rounds, "p99_ms")},
                           {"p999_ms", median_of(rounds, "p999_ms")},
                           {"max_ms", median_of(rounds, "max_ms")}};
}

// A rate is sustained when nearly every offered order was accepted (none skipped for lack of
// capacity) and the median p99 stays under the target.
bool sustained(const json::object& r, double p99_target_ms) {
    const auto offered = r.at("orders_sent").to_number<double>();
    return r.at("skipped_busy").as_int64() == 0 && r.at("accepted").to_number<double>() >= 0.99 * offered &&
           r.at("p99_ms").as_double() < p99_target_ms;
}

asio::awaitable<void> e2e(api& a, bench_state& state, json::object& summary) {
    const auto& o = a.opts();
    e2e_setup setup;
    co_await prepare_e2e(a, state, setup);
    json::array per_rate;
    std::int64_t lost = 0, duplicates = 0;
    auto record = [&](json::object r) {
        lost += r.at("lost").as_int64();
        duplicates += r.at("duplicates").as_int64();
        per_rate.push_back(std::move(r));
    };
    for (double rate : o.rates) record(co_await e2e_rate(a, state, setup, rate));
    double highest = 0;
    if (o.search_p99_ms > 0) {
        // Bisection between a rate that holds and one that does not, to `search_step` orders/s.
        double good = 0, bad = o.search_max;
        for (const auto& r : per_rate) {
            const auto rate = r.as_object().at("rate_target").as_double();
            if (sustained(r.as_object(), o.search_p99_ms)) good = std::max(good, rate);
            else bad = std::min(bad, rate);
        }
        while (bad - good > o.search_step) {
            const double rate = std::round((good + bad) / 2);
            auto r = co_await e2e_rate(a, state, setup, rate);
            const bool held = sustained(r, o.search_p99_ms);
            std::fprintf(stderr, "search: %.0f/s %s (median p99 %.1f ms)\n", rate, held ? "holds" : "does not hold", r.at("p99_ms").as_double());
            (held ? good : bad) = rate;
            record(std::move(r));
        }
        highest = good;
    }
    for (auto& ws : setup.sockets) beast::get_lowest_layer(*ws).close();
    summary = json::object{{"mode", "e2e"}, {"partners", o.partners}, {"duration_s", o.duration}, {"repeats", o.repeats}};
    if (per_rate.size() == 1) {
        for (const auto& [k, v] : per_rate.front().as_object()) summary[k] = v;
    } else {
        summary["rates"] = std::move(per_rate);
        summary["lost"] = lost;
        summary["duplicates"] = duplicates;
    }
    if (o.search_p99_ms > 0) {
        summary["search_p99_target_ms"] = o.search_p99_ms;
        summary["highest_rate_within_target"] = highest;
    }
}

// notify: WeChat Pay notifications (signed and sealed like WeChat Pay's, with the dev keys) for
// orders placed beforehand, at a fixed rate, `duplicates` of them repeating an earlier delivery.
asio::awaitable<void> send_notification(api& a, std::string body, std::string serial, const wechat_pay::private_key& key, bench_state& state,
                                        std::vector<double>& response_ms, long long& ok_count) {
    ++state.in_flight;
    const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const auto nonce = random_hex(8);
    auto r = request("POST", a.opts().server + "/api/v1/wechat/pay/notify", nullptr);
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}, {"Wechatpay-Serial", serial}, {"Wechatpay-Timestamp", timestamp}, {"Wechatpay-Nonce", nonce},
                 {"Wechatpay-Signature", key.sign(wechat_pay::response_message(timestamp, nonce, body))}};
    const auto started = steady::now();
    try {
        auto response = co_await a.http().send(std::move(r));
        if (response.status == 204 || response.status == 200) ++ok_count;
        else if (state.first_error.empty()) state.first_error = std::to_string(response.status) + " " + response.body;
    } catch (const std::exception& e) {
        if (state.first_error.empty()) state.first_error = e.what();
    }
    response_ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - started).count());
    --state.in_flight;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

asio::awaitable<void> notify(api& a, bench_state& state, json::object& summary) {
    const auto& o = a.opts();
    const auto key = wechat_pay::private_key::load_pem_file(o.keys + "/wechatpay-platform-private.pem");
    const auto serial = wechat_pay::certificate_serial(o.keys + "/wechatpay-platform-cert.pem");
    const auto apiv3 = read_file(o.keys + "/wechatpay-apiv3-key");
    auto [owner_token, owner_id] = co_await a.sign_in();
    auto rq = request("POST", o.server + "/api/v1/merchants", json::object{{"name", "bench"}}, owner_token);
    auto store = co_await a.call(std::move(rq));
    const auto merchant_id = std::string(store.at("merchant").at("id").as_string());
    // The buyer: the bench knows the openid it signed in with.
    const auto openid = "ob" + random_hex(10);
    auto code_rq = request("POST", o.sim + "/sim/v1/login-codes", json::object{{"openid", openid}});
    auto code = co_await a.call(std::move(code_rq));
    auto login_rq = request("POST", o.server + "/api/v1/auth/wechat/login", json::object{{"code", code.at("code")}});
    auto login = co_await a.call(std::move(login_rq));
    const auto token = std::string(login.at("token").as_string());
    const auto total = static_cast<long long>(o.rate * o.duration);
    const auto unique = std::max<long long>(1, static_cast<long long>(static_cast<double>(total) * (1.0 - o.duplicates)));
    std::vector<std::string> bodies;
    for (long long i = 0; i < unique; ++i) {
        const std::int64_t amount = 100 + i;
        rq = request("POST", o.server + "/api/v1/orders",
                     json::object{{"merchant_id", merchant_id}, {"amount_fen", amount}, {"description", "bench"}, {"pay_with", "wechat"}}, token);
        auto placed = co_await a.call(std::move(rq));
        const json::object resource{{"appid", o.appid}, {"mchid", o.mchid}, {"out_trade_no", placed.at("order").at("out_trade_no")},
                                    {"transaction_id", "42" + random_hex(12)}, {"trade_type", "JSAPI"}, {"trade_state", "SUCCESS"},
                                    {"success_time", format_rfc3339_utc(std::chrono::system_clock::now())}, {"payer", json::object{{"openid", openid}}},
                                    {"amount", json::object{{"total", amount}, {"payer_total", amount}, {"currency", "CNY"}}}};
        const auto nonce = random_hex(6);
        bodies.push_back(json::serialize(json::object{
            {"id", "EV-" + random_hex(8)}, {"create_time", "2026-11-27T00:00:00+08:00"}, {"resource_type", "encrypt-resource"},
            {"event_type", "TRANSACTION.SUCCESS"}, {"summary", "ok"},
            {"resource", json::object{{"original_type", "transaction"}, {"algorithm", "AEAD_AES_256_GCM"},
                                      {"ciphertext", wechat_pay::aes_256_gcm_encrypt(apiv3, nonce, "transaction", json::serialize(resource))},
                                      {"associated_data", "transaction"}, {"nonce", nonce}}}}));
    }
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    std::vector<double> response_ms;
    long long ok_count = 0, sent_unique = 0;
    std::mt19937 random(20261127);
    const auto start = steady::now();
    for (long long i = 0; i < total; ++i) {
        timer.expires_at(start + std::chrono::microseconds(static_cast<long long>(1e6 * static_cast<double>(i) / o.rate)));
        co_await timer.async_wait(asio::use_awaitable);
        if (state.in_flight >= o.senders) {
            ++state.skipped;
            continue;
        }
        // A duplicate of something already sent, or the next new one.
        const bool repeat = sent_unique > 0 && (sent_unique >= unique || std::uniform_real_distribution<>(0, 1)(random) < o.duplicates);
        const auto index = repeat ? std::uniform_int_distribution<long long>(0, sent_unique - 1)(random) : sent_unique++;
        asio::co_spawn(executor, send_notification(a, bodies[static_cast<std::size_t>(index)], serial, key, state, response_ms, ok_count), asio::detached);
    }
    const auto sending = std::chrono::duration<double>(steady::now() - start).count();
    while (state.in_flight > 0) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
    }
    const auto elapsed = std::chrono::duration<double>(steady::now() - start).count();
    summary = json::object{{"mode", "notify"}, {"rate_target", o.rate}, {"rate_achieved", static_cast<double>(total) / sending},
                           {"deliveries", total - state.skipped}, {"unique_orders", sent_unique}, {"answered_2xx", ok_count},
                           {"accepted_per_s", static_cast<double>(ok_count) / elapsed}, {"skipped_busy", state.skipped},
                           {"p50_ms", percentile(response_ms, 50)}, {"p99_ms", percentile(response_ms, 99)},
                           {"max_ms", response_ms.empty() ? 0.0 : *std::max_element(response_ms.begin(), response_ms.end())},
                           {"lost", 0}, {"duplicates", 0}};
}

// http: `concurrency` workers, each signing a new user in (a code from the simulator, our login)
// and claiming a share, for `duration`: logins and claims a second, and their latencies.
asio::awaitable<void> http_worker(api& a, std::string share_code, steady::time_point until, std::vector<double>& login_ms, std::vector<double>& claim_ms,
                                  bench_state& state) {
    ++state.in_flight;
    while (steady::now() < until) {
        try {
            const auto t0 = steady::now();
            auto [token, id] = co_await a.sign_in();
            const auto t1 = steady::now();
            auto rq = request("POST", a.opts().server + "/api/v1/shares/" + share_code + "/claim", nullptr, token);
            co_await a.call(std::move(rq));
            const auto t2 = steady::now();
            login_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            claim_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        } catch (const std::exception& e) {
            ++state.refused;
            if (state.first_error.empty()) state.first_error = e.what();
        }
    }
    --state.in_flight;
}

asio::awaitable<void> http_mode(api& a, bench_state& state, json::object& summary) {
    const auto& o = a.opts();
    auto [owner_token, owner_id] = co_await a.sign_in();
    auto rq = request("POST", o.server + "/api/v1/merchants", json::object{{"name", "bench"}}, owner_token);
    auto store = co_await a.call(std::move(rq));
    const auto merchant = o.server + "/api/v1/merchants/" + std::string(store.at("merchant").at("id").as_string());
    rq = request("PUT", merchant + "/tiers",
                 json::object{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 100}, {"ratio_bp", 2000}}}}, {"profit_margin_bp", 3000}},
                 owner_token);
    co_await a.call(std::move(rq));
    rq = request("POST", merchant + "/card-templates",
                 json::object{{"kind", "vip"}, {"title", "bench"}, {"benefit", "b"}, {"valid_from", "2026-01-01T00:00:00Z"}, {"valid_until", "2028-12-01T00:00:00Z"}},
                 owner_token);
    auto card = co_await a.call(std::move(rq));
    auto [partner_token, partner_id] = co_await a.sign_in();
    rq = request("POST", merchant + "/partners", json::object{{"user_id", partner_id}, {"amount_fen", 100}}, owner_token);
    auto partner = co_await a.call(std::move(rq));
    rq = request("POST", merchant + "/partners/" + std::string(partner.at("partner").at("id").as_string()) + "/card-packs",
                 json::object{{"card_template_id", card.at("card_template").at("id")}, {"quota", 200}}, owner_token);
    auto pack = co_await a.call(std::move(rq));
    rq = request("POST", o.server + "/api/v1/partners/me/cards/" + std::string(pack.at("card_pack").at("id").as_string()) + "/shares", nullptr,
                 partner_token);
    auto share = co_await a.call(std::move(rq));
    const auto code = std::string(share.at("share_code").as_string());
    std::vector<double> login_ms, claim_ms;
    auto executor = co_await asio::this_coro::executor;
    const auto start = steady::now();
    const auto until = start + std::chrono::milliseconds(static_cast<long long>(o.duration * 1000));
    for (int i = 0; i < o.concurrency; ++i) asio::co_spawn(executor, http_worker(a, code, until, login_ms, claim_ms, state), asio::detached);
    asio::steady_timer timer(executor);
    do {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(asio::use_awaitable);
    } while (state.in_flight > 0);
    const auto elapsed = std::chrono::duration<double>(steady::now() - start).count();
    summary = json::object{{"mode", "http"}, {"concurrency", o.concurrency}, {"logins_and_claims", static_cast<std::int64_t>(claim_ms.size())},
                           {"per_s", static_cast<double>(claim_ms.size()) / elapsed}, {"errors", state.refused},
                           {"login_p50_ms", percentile(login_ms, 50)}, {"login_p99_ms", percentile(login_ms, 99)},
                           {"claim_p50_ms", percentile(claim_ms, 50)}, {"claim_p99_ms", percentile(claim_ms, 99)},
                           {"lost", 0}, {"duplicates", 0}};
}

using bench::readable_json;

void usage() {
    std::cerr << "usage: sharedstore-bench MODE [options]\n"
                 "  e2e     [--partners N] [--rate R | --rates R1,R2,..] [--repeats K] [--search-p99-ms MS [--search-max R] [--search-step R]]\n"
                 "          [--duration S] [--drain S]   POS callback -> WebSocket frame latency (medians of K rounds a rate)\n"
                 "  notify  [--rate R] [--duration S] [--duplicates 0.3] [--keys DIR] [--appid ID]   WeChat Pay notifications\n"
                 "  http    [--concurrency C] [--duration S]   logins and claims\n"
              << bench::connections_usage() << bench::what_if_usage() << bench::alliance_dividend_usage() << bench::fanout_usage() <<
                 "  common: [--server URL] [--sim URL] [--ca PEM]; drives a server started by scripts/run\n"
                 "  (defaults: http://127.0.0.1:8080, https://127.0.0.1:8090, var/keys/wechat-ca.pem)\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "connections") return bench::run_connections(args);
    if (!args.empty() && args[0] == "what-if") return bench::run_what_if(args);
    if (!args.empty() && args[0] == "alliance-dividend") return bench::run_alliance_dividend(args);
    if (!args.empty() && args[0] == "fanout") return bench::run_fanout(args);
    if (args.empty() || (args[0] != "e2e" && args[0] != "notify" && args[0] != "http")) {
        usage();
        return 2;
    }
    options o;
    for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
        const auto& k = args[i];
        const auto& v = args[i + 1];
        if (k == "--server") o.server = v;
        else if (k == "--sim") o.sim = v;
        else if (k == "--ca") o.ca = v;
        else if (k == "--partners") o.partners = std::stoi(v);
        else if (k == "--rate") o.rate = std::stod(v);
        else if (k == "--rates") {
            std::stringstream list(v);
            for (std::string item; std::getline(list, item, ',');) o.rates.push_back(std::stod(item));
        }
        else if (k == "--repeats") o.repeats = std::max(1, std::stoi(v));
        else if (k == "--search-p99-ms") o.search_p99_ms = std::stod(v);
        else if (k == "--search-max") o.search_max = std::stod(v);
        else if (k == "--search-step") o.search_step = std::stod(v);
        else if (k == "--duration") o.duration = std::stod(v);
        else if (k == "--drain") o.drain = std::stod(v);
        else if (k == "--concurrency") o.concurrency = std::stoi(v);
        else if (k == "--keys") o.keys = v;
        else if (k == "--appid") o.appid = v;
        else if (k == "--duplicates") o.duplicates = std::stod(v);
        else {
            usage();
            return 2;
        }
    }
    if (o.rates.empty() && o.search_p99_ms <= 0) o.rates.push_back(o.rate);
    asio::io_context io(1);
    https_client_config client_config{o.ca};
    client_config.max_idle_per_origin = o.senders;
    https_client http(io.get_executor(), client_config);
    api a(http, o);
    bench_state state;
    json::object summary;
    auto run = args[0] == "e2e" ? e2e(a, state, summary) : args[0] == "notify" ? notify(a, state, summary) : http_mode(a, state, summary);
    const auto failure = bench::run_to_end(io, std::move(run));
    if (!state.first_error.empty()) std::cerr << "first refusal: " << state.first_error.substr(0, 300) << "\n";
    if (!failure.empty()) {
        std::cerr << "sharedstore-bench: " << failure << "\n";
        return 1;
    }
    const std::map<std::string, std::string> titles{{"e2e", "e2e (POS callback sent -> dividend frame at the partner's socket)"},
                                                    {"notify", "notify (WeChat Pay notifications, duplicates included)"},
                                                    {"http", "http (a new user's login, then a claim)"}};
    std::printf("%-22s %s\n", "mode", titles.at(args[0]).c_str());
    std::string line = "{";
    for (const auto& [key, value] : summary) {
        if (key == "rates") {
            std::printf("%-8s %9s %7s %6s %5s %9s %9s %9s %9s %9s\n", "rate", "accept/s", "skipped", "lost", "dup", "p50 ms", "p90 ms", "p99 ms",
                        "p99.9 ms", "max ms");
            for (const auto& item : value.as_array()) {
                const auto& r = item.as_object();
                std::printf("%-8.0f %9.1f %7lld %6lld %5lld %9.1f %9.1f %9.1f %9.1f %9.1f\n", r.at("rate_target").to_number<double>(),
                            r.at("accepted_per_s").to_number<double>(), static_cast<long long>(r.at("skipped_busy").to_number<double>()),
                            static_cast<long long>(r.at("lost").to_number<double>()), static_cast<long long>(r.at("duplicates").to_number<double>()),
                            r.at("p50_ms").to_number<double>(), r.at("p90_ms").to_number<double>(), r.at("p99_ms").to_number<double>(),
                            r.at("p999_ms").to_number<double>(), r.at("max_ms").to_number<double>());
            }
        } else if (key != "mode") {
            std::printf("%-22s %s\n", std::string(key).c_str(), readable_json(value).c_str());
        }
        line += (line.size() > 1 ? "," : "") + json::serialize(json::value(key)) + ":" + readable_json(value);
    }
    std::printf("%s}\n", line.c_str());
    return summary.at("lost").as_int64() == 0 && summary.at("duplicates").as_int64() == 0 ? 0 : 1;
}
