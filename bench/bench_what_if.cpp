// sharedstore-bench what-if: how long the tier what-if (POST .../tier-versions/preview) takes on a
// store with many paid orders. Sets up a store with three tiers, P partners each owning C customers
// (buy-in, pack, share, claim), records N signed POS orders round-robin over the customers (a
// third with a category, a fifth with the POS's own profit), then asks for the what-if of another
// table R times and reports the answer's time (median, min, max), the orders it replayed and its size.
#include "bench/bench_what_if.hpp"

#include "bench/bench_support.hpp"

#include "common/clock.hpp"
#include "common/random_token.hpp"
#include "common/sha256.hpp"
#include "wechat/https_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace sharedstore::bench {

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using steady = std::chrono::steady_clock;

struct what_if_options {
    std::string server = "http://127.0.0.1:8080";
    std::string sim = "https://127.0.0.1:8090";
    std::string ca = "var/keys/wechat-ca.pem";
    int partners = 20;
    int customers = 5;  // per partner
    int orders = 10'000;
    int repeats = 5;
    int senders = 32;  // POS callbacks in flight while recording the orders
};

struct run_state {
    explicit run_state(what_if_options o, https_client& h) : opts(std::move(o)), http(h) {}
    what_if_options opts;
    https_client& http;
    std::string key_id, secret, merchant_path, owner_token;
    std::vector<std::string> customers;
    long long recorded = 0, refused = 0;
    int in_flight = 0;
    std::string first_error;
};

json::object tier(const char* name, std::int64_t buy_in, int ratio) { return json::object{{"name", name}, {"buy_in_fen", buy_in}, {"ratio_bp", ratio}}; }

// Each request is built before its co_await (docs/coroutines.md: GCC 12 destroys temporaries in
// a co_await expression twice).
asio::awaitable<void> set_up(run_state& s) {
    const auto& S = s.opts.server;
    auto sim = s.opts.sim, server = S;
    auto owner = co_await sign_in(s.http, std::move(sim), std::move(server));
    s.owner_token = owner.token;
    auto rq = json_request("POST", S + "/api/v1/merchants", json::object{{"name", "what-if bench"}}, s.owner_token);
    auto store = co_await call_json(s.http, std::move(rq));
    s.merchant_path = S + "/api/v1/merchants/" + std::string(store.at("merchant").at("id").as_string());
    rq = json_request("PUT", s.merchant_path + "/tiers",
                      json::object{{"tiers", json::array{tier("银卡", 100, 2000), tier("金卡", 300, 3000), tier("钻石", 500, 5000)}},
                                   {"profit_margin_bp", 3000},
                                   {"category_margins", json::object{{"drinks", 5000}}}},
                      s.owner_token);
    co_await call_json(s.http, std::move(rq));
    rq = json_request("POST", s.merchant_path + "/card-templates",
                      json::object{{"kind", "vip"}, {"title", "bench"}, {"benefit", "b"}, {"valid_from", "2026-01-01T00:00:00Z"},
                                   {"valid_until", "2028-12-01T00:00:00Z"}},
                      s.owner_token);
    auto card = co_await call_json(s.http, std::move(rq));
    rq = json_request("POST", s.merchant_path + "/api-keys", json::object{{"label", "bench"}}, s.owner_token);
    auto key = co_await call_json(s.http, std::move(rq));
    s.key_id = std::string(key.at("api_key").at("id").as_string());
    s.secret = std::string(key.at("secret").as_string());
    for (int i = 0; i < s.opts.partners; ++i) {
        sim = s.opts.sim, server = S;
        auto partner = co_await sign_in(s.http, std::move(sim), std::move(server));
        // Buy-ins of 100 to 600 fen: partners spread over the tiers, some changing tier under the proposed table.
        rq = json_request("POST", s.merchant_path + "/partners", json::object{{"user_id", partner.id}, {"amount_fen", 100 + 100 * (i % 6)}},
                          s.owner_token);
        auto enrolled = co_await call_json(s.http, std::move(rq));
        rq = json_request("POST", s.merchant_path + "/partners/" + std::string(enrolled.at("partner").at("id").as_string()) + "/card-packs",
                          json::object{{"card_template_id", card.at("card_template").at("id")}, {"quota", 200}}, s.owner_token);
        auto pack = co_await call_json(s.http, std::move(rq));
        rq = json_request("POST", S + "/api/v1/partners/me/cards/" + std::string(pack.at("card_pack").at("id").as_string()) + "/shares", nullptr,
                          partner.token);
        auto share = co_await call_json(s.http, std::move(rq));
        const auto claim_url = S + "/api/v1/shares/" + std::string(share.at("share_code").as_string()) + "/claim";
        for (int c = 0; c < s.opts.customers; ++c) {
            sim = s.opts.sim, server = S;
            auto customer = co_await sign_in(s.http, std::move(sim), std::move(server));
            rq = json_request("POST", claim_url, nullptr, customer.token);
            co_await call_json(s.http, std::move(rq));
            s.customers.push_back(customer.id);
        }
    }
}

asio::awaitable<void> record_order(run_state& s, long long n) {
    ++s.in_flight;
    json::object body{{"merchant_order_id", "W-" + std::to_string(n) + "-" + random_hex(4)},
                      {"user_id", s.customers[static_cast<std::size_t>(n) % s.customers.size()]},
                      {"amount_fen", 500 + (n * 7919) % 20'000},
                      {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
    if (n % 3 == 0) body["category"] = "drinks";
    if (n % 5 == 0) body["profit_fen"] = 100 + n % 400;
    const auto text = json::serialize(body);
    const auto nonce = random_hex(12);
    const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const auto signature = hmac_sha256_hex(s.secret, timestamp + "\n" + nonce + "\nPOST\n/api/v1/pos/orders\n" + text);
    try {
        auto r = json_request("POST", s.opts.server + "/api/v1/pos/orders", body);
        r.body = text;  // exactly the signed bytes
        r.headers.insert(r.headers.end(), {{"X-Api-Key", s.key_id}, {"X-Timestamp", timestamp}, {"X-Nonce", nonce}, {"X-Signature", signature}});
        co_await call_json(s.http, std::move(r));
        ++s.recorded;
    } catch (const std::exception& e) {
        if (s.first_error.empty()) s.first_error = e.what();
        ++s.refused;
    }
    --s.in_flight;
}

asio::awaitable<void> record_orders(run_state& s) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    for (long long n = 0; n < s.opts.orders; ++n) {
        while (s.in_flight >= s.opts.senders) {
            timer.expires_after(std::chrono::milliseconds(1));
            co_await timer.async_wait(asio::use_awaitable);
        }
        asio::co_spawn(executor, record_order(s, n), asio::detached);
        if ((n + 1) % 2000 == 0) std::fprintf(stderr, "[what-if] %lld orders sent\n", n + 1);
    }
    while (s.in_flight > 0) {
        timer.expires_after(std::chrono::milliseconds(5));
        co_await timer.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<void> run(run_state& s, json::object& summary) {
    const auto setup_start = steady::now();
    co_await set_up(s);
    const auto orders_start = steady::now();
    co_await record_orders(s);
    const auto orders_s = std::chrono::duration<double>(steady::now() - orders_start).count();
    // The proposed table: other ratios, a lower 金卡 threshold, other margins.
    const json::object proposed{{"tiers", json::array{tier("银卡", 100, 2500), tier("金卡", 200, 4000)}},
                                {"profit_margin_bp", 4000},
                                {"category_margins", json::object{{"drinks", 6000}}}};
    std::vector<double> ms;
    std::int64_t replayed = 0, bytes = 0;
    for (int i = 0; i < s.opts.repeats; ++i) {
        auto r = json_request("POST", s.merchant_path + "/tier-versions/preview", proposed, s.owner_token);
        const auto start = steady::now();
        auto response = co_await s.http.send(std::move(r));
        ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - start).count());
        if (response.status != 200) throw std::runtime_error("what-if answered " + std::to_string(response.status) + ": " + response.body.substr(0, 300));
        const auto answer = json::parse(response.body);
        replayed = answer.at("orders").as_int64();
        bytes = static_cast<std::int64_t>(response.body.size());
        std::fprintf(stderr, "[what-if] round %d: %.1f ms, %lld orders replayed\n", i + 1, ms.back(), static_cast<long long>(replayed));
    }
    const auto min = *std::min_element(ms.begin(), ms.end()), max = *std::max_element(ms.begin(), ms.end());
    summary = json::object{{"mode", "what-if"},
                           {"partners", s.opts.partners},
                           {"customers", static_cast<std::int64_t>(s.customers.size())},
                           {"orders_recorded", s.recorded},
                           {"orders_refused", s.refused},
                           {"orders_per_s_while_recording", static_cast<double>(s.recorded) / orders_s},
                           {"setup_s", std::chrono::duration<double>(orders_start - setup_start).count()},
                           {"orders_replayed", replayed},
                           {"answer_bytes", bytes},
                           {"repeats", s.opts.repeats},
                           {"what_if_median_ms", percentile(ms, 50)},
                           {"what_if_min_ms", min},
                           {"what_if_max_ms", max}};
}

}  // namespace

const char* what_if_usage() {
    return "  what-if [--partners P] [--customers C] [--orders N] [--repeats R]   the tier what-if's time on N paid orders\n";
}

int run_what_if(const std::vector<std::string>& args) {
    what_if_options o;
    for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
        const auto& k = args[i];
        const auto& v = args[i + 1];
        if (k == "--server") o.server = v;
        else if (k == "--sim") o.sim = v;
        else if (k == "--ca") o.ca = v;
        else if (k == "--partners") o.partners = std::max(1, std::stoi(v));
        else if (k == "--customers") o.customers = std::max(1, std::stoi(v));
        else if (k == "--orders") o.orders = std::max(1, std::stoi(v));
        else if (k == "--repeats") o.repeats = std::max(1, std::stoi(v));
        else {
            std::cerr << "sharedstore-bench what-if: unknown option " << k << "\n" << what_if_usage();
            return 2;
        }
    }
    if (args.size() % 2 == 0) {
        std::cerr << "sharedstore-bench what-if: an option without its value\n" << what_if_usage();
        return 2;
    }
    asio::io_context io(1);
    https_client_config client_config{o.ca};
    client_config.max_idle_per_origin = o.senders;
    https_client http(io.get_executor(), client_config);
    run_state state(o, http);
    json::object summary;
    const auto failure = run_to_end(io, run(state, summary));
    if (!state.first_error.empty()) std::cerr << "first refusal: " << state.first_error.substr(0, 300) << "\n";
    if (!failure.empty()) {
        std::cerr << "sharedstore-bench: " << failure << "\n";
        return 1;
    }
    print_summary("what-if (POST .../tier-versions/preview on a store's paid orders)", summary);
    std::fflush(stdout);
    return summary.at("orders_refused").as_int64() == 0 ? 0 : 1;
}

}  // namespace sharedstore::bench
