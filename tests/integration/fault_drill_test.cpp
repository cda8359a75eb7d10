// Fault drills (ctest label "fault"): POS orders flow at a moderate rate to two server instances
// while something breaks; afterwards every accepted order has exactly one dividend
// (`sharedstore check-ledger` passes), every reminder reached the partner's client at least once,
// and the client (which de-duplicates by id, as docs/websocket.md asks) showed none twice.
// Each drill prints its counts.
#include "common/clock.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/tcp_proxy.hpp"
#include "tests/integration/support/ws_client.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <iterator>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class fault_drill_test : public isolated_cluster_test {
protected:
    // Instances of one cluster: their own Redis (AOF everysec, as in production) and database,
    // MariaDB reached through a proxy the drills can cut.
    static void SetUpTestSuite() {
        database_link = new tcp_proxy(test_config().mysql.port);
        start_cluster("drill",
                      {{"SHAREDSTORE_MYSQL_PORT", std::to_string(database_link->port())},
                       {"SHAREDSTORE_MYSQL_CONNECT_TIMEOUT_MS", std::string("1000")},
                       {"SHAREDSTORE_PUSH_RESUME_WINDOW_MS", std::string("200")},
                       {"SHAREDSTORE_PUSH_RELAY_INTERVAL_MS", std::string("20")}},
                      true, true);
    }
    static void TearDownTestSuite() {
        stop_cluster();
        delete database_link;
    }

    // The partner's phone: connects to one of the instances, reads, reconnects with `resume` from
    // the last id it saw whenever the connection ends, and shows each reminder once.
    // Connected from construction to destruction (joined then, however the test ends).
    struct phone {
        phone(std::string session_token, std::vector<int> instance_ports) : token(std::move(session_token)), ports(std::move(instance_ports)) {
            thread = std::thread([this] { run(); });
        }
        ~phone() {
            stop = true;
            thread.join();
        }
        phone(const phone&) = delete;
        phone& operator=(const phone&) = delete;

        const std::string token;
        const std::vector<int> ports;
        std::atomic<bool> stop{false}, drop{false};
        std::atomic<bool> away{false};  // the app in the background: disconnected until cleared
        std::mutex mutex;
        std::set<std::string> shown_ids;
        std::set<std::int64_t> amounts;
        std::string last_id = "0-0";
        long long received = 0, duplicates_received = 0, reconnects = 0;
        std::thread thread;

        void run() {
            std::size_t next = 0;
            while (!stop) {
                if (away) {
                    std::this_thread::sleep_for(20ms);
                    continue;
                }
                std::unique_ptr<ws_client> client;
                try {
                    client = std::make_unique<ws_client>(ports[next++ % ports.size()], bearer(token));
                } catch (const std::exception&) {
                    std::this_thread::sleep_for(100ms);
                    continue;
                }
                if (client->status() != 101) {
                    std::this_thread::sleep_for(100ms);
                    continue;
                }
                {
                    std::lock_guard lock(mutex);
                    client->send_text(json::serialize(json::object{{"type", "resume"}, {"after", last_id}}));
                }
                while (!stop && !drop && !away) {
                    auto frame = client->read(200ms);
                    if (!frame) continue;
                    if (frame->opcode != 1) break;  // closed: reconnect
                    auto f = json::parse(frame->payload).as_object();
                    const auto id = std::string(f.at("id").as_string());
                    std::lock_guard lock(mutex);
                    ++received;
                    if (!shown_ids.insert(id).second) {
                        ++duplicates_received;  // delivered twice (at least once): not shown twice
                        continue;
                    }
                    amounts.insert(f.at("order_amount_fen").as_int64());
                    last_id = id;
                    client->send_text(json::serialize(json::object{{"type", "ack"}, {"id", id}}));
                }
                drop = false;
                ++reconnects;
            }
        }
    };

    struct drill_result {
        long long sent = 0, accepted = 0, retried = 0;
    };

    // POS orders at ~`rate`/s for `duration`, alternating between the instances; a refused one
    // (5xx while something is down) is sent again under the same merchant_order_id with a fresh
    // nonce, as a front desk would, until accepted.
    // The failures, on their own clock: the traffic may be stuck retrying while they happen. The
    // thread lives until finish(): a child started from it (a restarted Redis or instance) dies
    // with the thread that forked it (PR_SET_PDEATHSIG), so it must outlive the drill.
    struct timeline {
        std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
        std::thread thread;
        explicit timeline(std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> steps) {
            thread = std::thread([steps = std::move(steps), done = done] {
                const auto start = std::chrono::steady_clock::now();
                for (const auto& [at, step] : steps) {
                    std::this_thread::sleep_until(start + at);
                    step();
                }
                while (!*done) std::this_thread::sleep_for(20ms);
            });
        }
        void finish() {
            *done = true;
            thread.join();
        }
    };

    static drill_result traffic(const pos_key& key, const user& customer, std::vector<int> ports, double rate, std::chrono::seconds duration,
                                std::set<std::int64_t>& accepted_amounts, std::int64_t first_amount) {
        drill_result r;
        const auto start = std::chrono::steady_clock::now();
        const auto total = static_cast<int>(rate * static_cast<double>(duration.count()));
        for (int i = 0; i < total; ++i) {
            std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<long long>(1e6 * i / rate)));
            const std::int64_t amount = first_amount + i;
            const json::object body{{"merchant_order_id", "D-" + std::to_string(amount)}, {"user_id", customer.id}, {"amount_fen", amount},
                                    {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
            ++r.sent;
            for (int attempt = 0; attempt < 300; ++attempt) {
                http_reply reply;
                try {
                    reply = pos_call(key, "/api/v1/pos/orders", body, "", 0s, "", ports[static_cast<std::size_t>(i + attempt) % ports.size()]);
                } catch (const std::exception&) {
                    reply.status = 0;  // the instance is down
                }
                if (reply.status == 200 || reply.status == 201) {
                    ++r.accepted;
                    accepted_amounts.insert(amount);
                    break;
                }
                ++r.retried;
                std::this_thread::sleep_for(100ms);
            }
        }
        return r;
    }

    // Waits until the phone showed every accepted amount; then the ledger is checked.
    static void verify(phone& p, const std::set<std::int64_t>& accepted, const drill_result& r, const char* drill) {
        for (int i = 0; i < 300; ++i) {
            {
                std::lock_guard lock(p.mutex);
                if (std::includes(p.amounts.begin(), p.amounts.end(), accepted.begin(), accepted.end())) break;
            }
            std::this_thread::sleep_for(100ms);
        }
        std::lock_guard lock(p.mutex);
        std::vector<std::int64_t> missing;
        std::set_difference(accepted.begin(), accepted.end(), p.amounts.begin(), p.amounts.end(), std::back_inserter(missing));
        std::printf("drill %s: orders sent %lld, accepted %lld (%lld retries), reminders received %lld, shown %zu, delivered twice %lld "
                    "(shown twice 0), missing %zu, reconnects %lld\n",
                    drill, r.sent, r.accepted, r.retried, p.received, p.shown_ids.size(), p.duplicates_received, missing.size(), p.reconnects);
        EXPECT_EQ(r.accepted, r.sent) << "an order was never accepted";
        EXPECT_TRUE(missing.empty()) << missing.size() << " reminders never reached the phone, e.g. amount " << (missing.empty() ? 0 : missing.front());
        child_process check({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {{"SHAREDSTORE_MYSQL_DATABASE", scratch_database}},
                            make_temp_dir("check-ledger") + "/out.log");
        EXPECT_EQ(check.wait_exit(60s), 0) << check.output();
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders o WHERE o.merchant_order_id LIKE 'D-%' AND o.status = 'paid' AND "
                         "(SELECT COUNT(*) FROM dividends d WHERE d.order_id = o.id) <> 1"),
                  0)
            << "a paid order without exactly one dividend";
    }

    struct drill_scene {
        store s;
        pos_key key;
        partner owner_partner;
        user customer;
    };
    static drill_scene scene() {
        drill_scene d{open_store(), {}, {}, sign_in()};
        d.key = make_pos_key(d.s);
        d.owner_partner = enrol(d.s);
        if (claim(d.customer, d.owner_partner.share_code) != "claimed") throw std::runtime_error("claim failed");
        std::this_thread::sleep_for(1100ms);  // orders dated after the claim's second
        return d;
    }

    static inline tcp_proxy* database_link = nullptr;
};

TEST_F(fault_drill_test, redis_killed_and_restarted_after_five_seconds) {
    auto d = scene();
    server_process second(instance_environment());
    phone p(d.owner_partner.person.token, {server->port()});  // stays connected through the outage: sessions live in Redis
    std::set<std::int64_t> accepted;
    timeline chaos({{3s, [] { redis->kill_hard(); }}, {8s, [] {
                        redis->wipe_data();  // restarted without its data
                        redis->start();
                    }}});
    auto r = traffic(d.key, d.customer, {server->port(), second.port()}, 10, 15s, accepted, 10'000);
    verify(p, accepted, r, "redis-kill");
    chaos.finish();
}

// A Redis host crash: SIGKILL, and the AOF loses what was written in its last second (what
// appendfsync everysec allows on power loss), so Redis comes back with its data but without its
// tail, while one of the partner's phones is away and the other stays on.
TEST_F(fault_drill_test, redis_crash_losing_its_last_second_while_a_phone_is_away) {
    auto d = scene();
    server_process second(instance_environment());
    phone away(d.owner_partner.person.token, {second.port(), server->port()});
    phone steady(d.owner_partner.person.token, {server->port()});
    std::set<std::int64_t> accepted;
    std::uintmax_t kept = 0, written = 0;
    timeline chaos({{2s, [&] { away.away = true; }},
                    {3500ms, [&] { kept = redis->aof_size(); }},
                    {4500ms, [&] {
                         redis->kill_hard();
                         written = redis->aof_size();
                         redis->truncate_aof(kept);
                     }},
                    {7s, [] { redis->start(); }},
                    {10s, [&] { away.away = false; }}});
    auto r = traffic(d.key, d.customer, {server->port(), second.port()}, 10, 14s, accepted, 50'000);
    std::printf("drill redis-tail-lost: AOF cut from %ju to %ju bytes\n", written, kept);
    EXPECT_GT(written, kept) << "nothing was written in the second that was cut: the drill lost nothing";
    verify(away, accepted, r, "redis-tail-lost (phone away)");
    verify(steady, accepted, r, "redis-tail-lost (phone on)");
    chaos.finish();  // last: the restarted Redis is a child of its thread
}

TEST_F(fault_drill_test, one_of_two_instances_killed_and_restarted) {
    auto d = scene();
    const auto env = instance_environment();
    auto doomed = std::make_unique<server_process>(env);
    const int doomed_port = doomed->port();
    phone p(d.owner_partner.person.token, {doomed_port, server->port()});  // on the doomed instance first, then elsewhere
    std::set<std::int64_t> accepted;
    timeline chaos({{4s, [&] { doomed->process().send_signal(SIGKILL); }},
                           {8s, [&] {
                                auto restarted_env = env;
                                restarted_env.emplace_back("SHAREDSTORE_HTTP_PORT", std::to_string(doomed_port));
                                doomed = std::make_unique<server_process>(restarted_env);
                            }}});
    auto r = traffic(d.key, d.customer, {server->port(), doomed_port}, 10, 15s, accepted, 20'000);
    verify(p, accepted, r, "instance-kill");
    EXPECT_EQ(http_call(doomed_port, "GET", "/healthz").status, 200) << "the restarted instance is not serving";
    chaos.finish();
}

TEST_F(fault_drill_test, mariadb_unreachable_for_ten_seconds) {
    auto d = scene();
    phone p(d.owner_partner.person.token, {server->port()});
    // WeChat Pay orders placed now and paid while MariaDB is away: 5xx, retried by the simulator.
    std::vector<std::string> out_trade_nos;
    std::set<std::int64_t> accepted;
    for (std::int64_t amount : {777, 778}) {
        auto placed = ok(call("POST", "/api/v1/orders", d.customer,
                              json::object{{"merchant_id", d.s.id}, {"amount_fen", amount}, {"description", "x"}, {"pay_with", "wechat"}}),
                         201);
        out_trade_nos.push_back(text(placed, {"order", "out_trade_no"}));
        accepted.insert(amount);
    }
    timeline chaos({{3s,
                            [&] {
                                database_link->cut();
                                for (const auto& no : out_trade_nos) sim->send("POST", "/sim/v1/pay/transactions/" + no + "/succeed");
                            }},
                           {13s, [] { database_link->restore(); }}});
    auto r = traffic(d.key, d.customer, {server->port()}, 10, 20s, accepted, 30'000);
    verify(p, accepted, r, "mariadb-unreachable");
    chaos.finish();
}

TEST_F(fault_drill_test, the_partners_connection_dropped_every_few_seconds) {
    auto d = scene();
    server_process second(instance_environment());
    phone p(d.owner_partner.person.token, {server->port(), second.port()});
    std::set<std::int64_t> accepted;
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> drops;
    for (int s = 1; s < 12; s += 2) drops.emplace_back(std::chrono::seconds(s), [&p] { p.drop = true; });
    timeline chaos(std::move(drops));
    auto r = traffic(d.key, d.customer, {server->port(), second.port()}, 20, 12s, accepted, 40'000);
    chaos.finish();
    verify(p, accepted, r, "connection-drops");
    EXPECT_GE(p.reconnects, 5);
}

}  // namespace
