// A committed payment wakes the outbox relay (docs/websocket.md, "How reminders travel"): with
// the relay's poll set to a minute, reminders still reach the partner within seconds, whichever
// of two instances took the order and whichever holds the relay's lease. A Redis and a database
// of the suite's own: instances sharing Redis form one cluster, and another suite's instance
// polling every 20 ms would relay everything itself.
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"

#include <boost/json.hpp>

#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class relay_wake_test : public isolated_cluster_test {
protected:
    static void SetUpTestSuite() {
        start_cluster("wake",
                      {{"SHAREDSTORE_PUSH_RELAY_INTERVAL_MS", std::string("60000")}, {"SHAREDSTORE_PUSH_RESUME_WINDOW_MS", std::string("200")}},
                      false);
    }
    static void TearDownTestSuite() { stop_cluster(); }
};

TEST_F(relay_wake_test, reminders_arrive_long_before_the_relays_poll_on_either_instance) {
    const auto s = open_store();
    const auto key = make_pos_key(s);
    const auto owner = enrol(s);
    const auto customer = sign_in();
    ASSERT_EQ(claim(customer, owner.share_code), "claimed");
    server_process other(instance_environment());

    ws_client here(server->port(), bearer(owner.person.token)), there(other.port(), bearer(owner.person.token));
    ASSERT_EQ(here.status(), 101);
    ASSERT_EQ(there.status(), 101);
    std::this_thread::sleep_for(300ms);  // past the resume window: live
    // Long enough apart that the relay's 5 s lease lapses in between: the wake-up then goes to
    // the instance that took the order, otherwise to the lease holder, which may be the other one.
    for (std::int64_t amount : {1100, 2200, 3300, 4400}) {
        const int port = amount % 2200 == 0 ? other.port() : server->port();
        const auto reply = pos_order(key, customer, amount, port);
        ASSERT_EQ(reply.status, 201) << reply.body;
        for (auto* socket : {&here, &there}) {
            // 15 s is a quarter of the poll: only a wake-up gets the frame here in time.
            const auto text = socket->read_text(15s);
            EXPECT_EQ(json::parse(text).at("order_amount_fen").as_int64(), amount) << text;
        }
        if (amount == 2200) std::this_thread::sleep_for(6s);
    }
}

}  // namespace
