// Every idempotent write, sent 16 times at once with one id: exactly one applies it, every other
// copy gets the replay answer (200, "replayed": true), none a 500, and the money moves once. A
// front desk that sees a 500 records the payment again; that is why a 500 here is a double charge.
#include "common/clock.hpp"
#include "tests/integration/support/store_api.hpp"

#include <atomic>
#include <functional>
#include <latch>
#include <map>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

constexpr int copies = 16;

class concurrent_replays_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

    // `send` run `copies` times at once; the statuses counted.
    static std::map<int, int> at_once(const std::function<http_reply()>& send, std::vector<http_reply>* replies = nullptr) {
        std::vector<http_reply> out(copies);
        std::latch start(copies);
        std::vector<std::thread> threads;
        for (int i = 0; i < copies; ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                out[i] = send();
            });
        for (auto& t : threads) t.join();
        std::map<int, int> statuses;
        for (const auto& r : out) {
            ++statuses[r.status];
            if (r.status >= 500) ADD_FAILURE() << "a concurrent copy got " << r.status << ": " << r.body;
        }
        if (replies) *replies = std::move(out);
        return statuses;
    }
    static void expect_one_applied_rest_replayed(const std::vector<http_reply>& replies) {
        int applied = 0, replayed = 0;
        for (const auto& r : replies) {
            if (r.status == 201) ++applied;
            if (r.status == 200 && r.json().as_object().if_contains("replayed") && r.json().at("replayed").as_bool()) ++replayed;
        }
        EXPECT_EQ(applied, 1);
        EXPECT_EQ(replayed, copies - 1);
    }
};

TEST_F(concurrent_replays_test, an_enrolment_sent_sixteen_times_at_once_enrols_once) {
    auto s = open_store();
    auto person = sign_in();
    const json::object payment{{"user_id", person.id}, {"amount_fen", 1000000}, {"request_id", "desk-" + random_hex(8)}};
    std::vector<http_reply> replies;
    at_once([&] { return call("POST", s.path() + "/partners", s.owner, payment); }, &replies);
    expect_one_applied_rest_replayed(replies);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM partners WHERE merchant_id = ?", {s.id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ? AND kind = 'buy_in_cash'", {s.id}), 1);
    EXPECT_EQ(scalar("SELECT -balance FROM ledger_accounts WHERE merchant_id = ? AND kind = 'stored_value' AND user_id = ?", {s.id, person.id}),
              1000000);
}

TEST_F(concurrent_replays_test, a_top_up_sent_sixteen_times_at_once_is_recorded_once) {
    auto s = open_store();
    auto p = enrol(s);
    const json::object payment{{"amount_fen", 2000000}, {"request_id", "desk-" + random_hex(8)}};
    std::vector<http_reply> replies;
    at_once([&] { return call("POST", s.path() + "/partners/" + p.id + "/buy-ins", s.owner, payment); }, &replies);
    expect_one_applied_rest_replayed(replies);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ? AND kind = 'buy_in_cash'", {s.id}), 2);
    EXPECT_EQ(scalar("SELECT total_buy_in_fen FROM partners WHERE id = ?", {p.id}), 3000000);
}

TEST_F(concurrent_replays_test, the_same_request_id_for_another_amount_at_once_is_a_conflict_not_a_500) {
    auto s = open_store();
    auto p = enrol(s);
    const auto request_id = "desk-" + random_hex(8);
    std::atomic<int> next{0};
    auto statuses = at_once([&] {
        const std::int64_t amount = next++ % 2 ? 100 : 200;
        return call("POST", s.path() + "/partners/" + p.id + "/buy-ins", s.owner, json::object{{"amount_fen", amount}, {"request_id", request_id}});
    });
    EXPECT_EQ(statuses[201], 1);
    EXPECT_EQ(statuses[201] + statuses[200] + statuses[409], copies);
    EXPECT_GE(statuses[409], copies / 2 - 1) << "the other amount's copies are refused";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ? AND kind = 'buy_in_cash'", {s.id}), 2);
}

TEST_F(concurrent_replays_test, a_pos_order_and_its_refund_sent_sixteen_times_at_once_apply_once) {
    auto s = open_store();
    auto p = enrol(s);
    auto customer = sign_in();
    ASSERT_EQ(claim(customer, p.share_code), "claimed");
    const auto key = make_pos_key(s);
    const json::object order{{"merchant_order_id", "C-" + random_hex(6)}, {"user_id", customer.id}, {"amount_fen", 20000}, {"profit_fen", 5000},
                             {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}};
    std::vector<http_reply> replies;
    at_once([&] { return pos_call(key, "/api/v1/pos/orders", order); }, &replies);
    expect_one_applied_rest_replayed(replies);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE merchant_id = ?", {s.id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM dividends WHERE merchant_id = ?", {s.id}), 1);

    const json::object refund{{"merchant_order_id", order.at("merchant_order_id")}, {"merchant_refund_id", "R-" + random_hex(6)}, {"amount_fen", 5000}};
    at_once([&] { return pos_call(key, "/api/v1/pos/refunds", refund); }, &replies);
    expect_one_applied_rest_replayed(replies);
    EXPECT_EQ(scalar("SELECT refunded_fen FROM orders WHERE merchant_id = ?", {s.id}), 5000);
}

TEST_F(concurrent_replays_test, one_customer_claiming_one_link_sixteen_times_at_once_is_claimed_once) {
    auto s = open_store();
    auto p = enrol(s);
    auto customer = sign_in();
    std::vector<http_reply> replies;
    auto statuses = at_once([&] { return call("POST", "/api/v1/shares/" + p.share_code + "/claim", customer); }, &replies);
    EXPECT_EQ(statuses[200], copies);
    std::map<std::string, int> outcomes;
    for (const auto& r : replies)
        if (r.status == 200) ++outcomes[text(r.json(), {"outcome"})];
    EXPECT_EQ(outcomes["claimed"], 1);
    EXPECT_EQ(outcomes["already_yours"], copies - 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM leads WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id}), 1);
    EXPECT_EQ(scalar("SELECT claimed FROM card_packs WHERE id = ?", {p.pack_id}), 1);
}

// Console writes that are idempotent by nature (PUT) or versioned: copies at once are all answered.
TEST_F(concurrent_replays_test, console_writes_sent_sixteen_times_at_once_are_all_answered) {
    auto s = open_store();
    auto cashier = sign_in();
    auto staff = at_once([&] { return call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}); });
    EXPECT_EQ(staff[200], copies);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM merchant_staff WHERE merchant_id = ? AND user_id = ?", {s.id, cashier.id}), 1);
    const auto before = scalar("SELECT COUNT(*) FROM tier_versions WHERE merchant_id = ?", {s.id});
    const json::object tiers{{"tiers", json::array{json::object{{"name", "a"}, {"buy_in_fen", 1000}, {"ratio_bp", 1000}}}}, {"profit_margin_bp", 3000}};
    auto versions = at_once([&] { return call("PUT", s.path() + "/tiers", s.owner, tiers); });
    EXPECT_EQ(versions[200], copies);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM tier_versions WHERE merchant_id = ?", {s.id}), before + copies);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT version) FROM tier_versions WHERE merchant_id = ?", {s.id}), before + copies);
}

}  // namespace
