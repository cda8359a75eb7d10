// Supply orders and the dividend's earmark on the real stack (docs/alliance.md "Supply orders",
// "Dividends"; issue 20), on a cluster of each test's own (the pool is platform-wide):
// - A bill issued by the operator (a replay, a reference reused, a store outside the alliance), paid
//   by the store with its dividend vouchers within the pool's cap (refusals over the cap and over
//   its balance, a replay, a second payment); a refund of the order behind those vouchers makes the
//   store owe them (voucher debt), the next dividend nets it, and the bill refunded gives the
//   vouchers back; a bill cancelled.
// - A dividend under way when the largest order is refunded: the fund's free balance cannot pay the
//   refund's share (the dividend set its money aside), the platform advances the shortfall, the
//   free balance never goes below zero, and the next dividend's planning repays the platform.
// check-ledger after every step.
#include "tests/integration/support/alliance_cluster.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/support/eventually.hpp"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

class alliance_supply_test : public alliance_cluster_test {
protected:
    void SetUp() override { start_cluster("supply", {}, false); }
    void TearDown() override { stop_cluster(); }

    static void expect_ledger_holds(const std::string& when) {
        auto [code, output] = check_ledger();
        EXPECT_EQ(code, 0) << when << ": " << output;
    }
    static json::value supply_view(const store& s) { return ok(call("GET", s.path() + "/alliance/supply-orders", s.owner)); }
    static http_reply issue(const user& op, const store& s, const std::string& reference, std::int64_t fen, const std::string& what = "茶叶 20 箱") {
        return call("POST", "/api/v1/platform/alliance/supply-orders", op,
                    json::object{{"merchant_id", s.id}, {"reference", reference}, {"description", what}, {"amount_fen", fen}});
    }
    static http_reply pay(const store& s, const std::string& id, std::int64_t voucher_fen) {
        return call("POST", s.path() + "/alliance/supply-orders/" + id + "/pay", s.owner, json::object{{"voucher_fen", voucher_fen}});
    }
    static std::string error_code(const http_reply& r) { return text(r.json(), {"error", "code"}); }
    // Natural balances (assets positive; the fund's accounts are credit-normal).
    static long long fund_free() { return scalar("SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'alliance_fund_free'"); }
    static long long platform(const std::string& kind) {
        return scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE kind = ? AND merchant_id = 0", {kind});
    }
    // The worked example's first step: a pays 1000.00 at A (c = 2000), it vests, and dividend 1
    // credits 100 fen of vouchers to a and to A.
    struct dividend_one {
        user op;
        store A;
        pos_key key;
        user a;
        http_reply order_a;
    };
    static dividend_one store_with_dividend_vouchers() {
        auto op = make_operator();
        set_pool(op, 40000, 1);
        auto A = member_store(op, 2000);
        auto key = make_pos_key(A);
        auto a = sign_in();
        auto order_a = paid(key, a, 100000);
        vest_everything();
        if (run_job("pay-alliance-dividends").at("dividend").as_int64() != 1) throw std::runtime_error("dividend 1 was not paid");
        return {std::move(op), std::move(A), std::move(key), std::move(a), std::move(order_a)};
    }
    static http_reply refund(const pos_key& key, const http_reply& order, const std::string& id, std::int64_t fen) {
        return pos_call(key, "/api/v1/pos/refunds",
                        json::object{{"merchant_order_id", text(order.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", id}, {"amount_fen", fen}});
    }
};

TEST_F(alliance_supply_test, a_store_pays_a_bill_with_its_vouchers_owes_them_after_a_refund_and_gets_them_back) {
    const auto scene = store_with_dividend_vouchers();
    const auto& [op, A, key, a, order_a] = scene;
    const user b = sign_in();

    // The bill: issued once, a retry answers it again, its reference cannot name another bill.
    auto issued = issue(op, A, "INV-2026-001", 1000);
    ASSERT_EQ(issued.status, 201) << issued.body;
    const auto bill = text(issued.json(), {"supply_order", "id"});
    EXPECT_EQ(text(issued.json(), {"supply_order", "state"}), "open");
    auto again = issue(op, A, "INV-2026-001", 1000);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(text(again.json(), {"supply_order", "id"}), bill);
    EXPECT_EQ(error_code(issue(op, A, "INV-2026-001", 1200)), "supply_reference_conflict");
    EXPECT_EQ(error_code(issue(op, open_store(), "INV-X", 1000)), "not_in_alliance");
    EXPECT_EQ(issue(A.owner, A, "INV-Y", 1000).status, 403) << "a store bills nobody";

    // The store sees it with what it can pay it with: 100 of vouchers, at most 30 % of the bill.
    auto view = supply_view(A);
    EXPECT_EQ(view.at("supply_voucher_max_bp").as_int64(), 3000);
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 100);
    ASSERT_EQ(view.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(view.at("items").at(0), {"reference"}), "INV-2026-001");

    // Refused: over 300 (30 % of 1000), over its 100 of vouchers; then 100 of vouchers and 900 owed.
    auto over = pay(A, bill, 301);
    EXPECT_EQ(over.status, 409);
    EXPECT_EQ(error_code(over), "supply_vouchers_over_maximum");
    EXPECT_EQ(error_code(pay(A, bill, 200)), "supply_vouchers_over_balance");
    auto paid_bill = pay(A, bill, 100);
    ASSERT_EQ(paid_bill.status, 200) << paid_bill.body;
    EXPECT_EQ(text(paid_bill.json(), {"supply_order", "state"}), "paid");
    EXPECT_EQ(paid_bill.json().at("supply_order").at("money_fen").as_int64(), 900);
    EXPECT_EQ(pay(A, bill, 100).status, 200) << "the same payment again is a replay";
    EXPECT_EQ(error_code(pay(A, bill, 50)), "supply_order_not_open");
    view = supply_view(A);
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 0);
    EXPECT_EQ(view.at("supply_owed_fen").as_int64(), 900);
    EXPECT_EQ(platform("supply_revenue"), -1000) << "money 900 and the fund's 100 for the vouchers";
    expect_ledger_holds("bill paid");

    // a's order refunded whole after the dividend: A's lot had released the 100 it spent on the
    // bill; a voucher debt of the store, the platform advancing its money into the fund.
    const auto free_before = fund_free();
    ASSERT_EQ(refund(key, order_a, "R-1", 100000).status, 201);
    view = supply_view(A);
    EXPECT_EQ(view.at("voucher_debt_fen").as_int64(), 100);
    EXPECT_EQ(fund_free(), free_before + 100 + 100 - 10000) << "a's unspent 100 and the advanced 100 come back; the fund's share leaves";
    EXPECT_GE(fund_free(), 0);
    expect_ledger_holds("store debt");

    // Dividend 2 (b's order lifts S past 46000): A's release of 276 pays its debt first.
    paid(key, b, 230000);
    vest_everything();
    ASSERT_EQ(run_job("pay-alliance-dividends").at("dividend").as_int64(), 2);
    view = supply_view(A);
    EXPECT_EQ(view.at("voucher_debt_fen").as_int64(), 0);
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 276 - 100);
    EXPECT_EQ(ok(call("GET", A.path() + "/alliance", A.owner)).at("books").at("vouchers_earned_fen").as_int64(), 276)
        << "dividend 1's 100 were taken back by the refund; dividend 2 credited 276";
    expect_ledger_holds("debt netted");

    // The bill refunded: the money owed is undone and the 100 vouchers come back, valid 30 days at least.
    auto refunded = call("POST", "/api/v1/platform/alliance/supply-orders/" + bill + "/refund", op, json::object{{"reason", "goods returned"}});
    ASSERT_EQ(refunded.status, 200) << refunded.body;
    EXPECT_EQ(text(refunded.json(), {"supply_order", "state"}), "refunded");
    EXPECT_EQ(text(refunded.json(), {"supply_order", "end_reason"}), "goods returned");
    view = supply_view(A);
    EXPECT_EQ(view.at("supply_owed_fen").as_int64(), 0);
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 276);
    EXPECT_EQ(scalar("SELECT remaining_fen FROM alliance_voucher_credits WHERE supply_order_id = ?", {bill}), 100);
    EXPECT_EQ(scalar("SELECT expires_at >= UTC_TIMESTAMP() + INTERVAL 29 DAY FROM alliance_voucher_credits WHERE supply_order_id = ?", {bill}), 1);
    EXPECT_EQ(call("POST", "/api/v1/platform/alliance/supply-orders/" + bill + "/refund", op, json::object{{"reason", "again"}}).status, 200);
    expect_ledger_holds("bill refunded");

    // A second bill cancelled while open: it can then be neither paid nor refunded.
    const auto second = text(ok(issue(op, A, "INV-2026-002", 5000), 201), {"supply_order", "id"});
    auto cancelled = call("POST", "/api/v1/platform/alliance/supply-orders/" + second + "/cancel", op, json::object{{"reason", "issued twice"}});
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(text(cancelled.json(), {"supply_order", "state"}), "cancelled");
    EXPECT_EQ(error_code(pay(A, second, 0)), "supply_order_not_open");
    EXPECT_EQ(error_code(call("POST", "/api/v1/platform/alliance/supply-orders/" + second + "/refund", op, json::object{{"reason", "x"}})),
              "supply_order_not_paid");
    EXPECT_EQ(error_code(call("POST", "/api/v1/platform/alliance/supply-orders/" + bill + "/cancel", op, json::object{{"reason", "x"}})),
              "supply_order_not_open");
    // The operator's list, filtered by store and state.
    auto list = ok(call("GET", "/api/v1/platform/alliance/supply-orders?merchant_id=" + A.id + "&state=cancelled", op));
    ASSERT_EQ(list.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(list.at("items").at(0), {"id"}), second);
    EXPECT_EQ(call("GET", "/api/v1/platform/alliance/supply-orders?state=lost", op).status, 400);
    // Another store's bill is not found at this store.
    auto B = member_store(op, 1000);
    const auto theirs = text(ok(issue(op, B, "INV-B-1", 1000), 201), {"supply_order", "id"});
    EXPECT_EQ(error_code(pay(A, theirs, 0)), "supply_order_not_found");
    expect_ledger_holds("the end");
}

// Copies racing (a double click, a retry while the first is in flight): two issues of one bill make
// one; two payments of it draw the vouchers once; each copy gets an answer, never a 500.
TEST_F(alliance_supply_test, copies_of_an_issue_and_of_a_payment_racing_make_one_bill_and_one_spend) {
    const auto scene = store_with_dividend_vouchers();
    const auto& op = scene.op;
    const auto& A = scene.A;
    for (int round = 0; round < 3; ++round) {
        const auto reference = "INV-RACE-" + std::to_string(round);
        http_reply first, second;
        std::thread t1([&] { first = issue(op, A, reference, 1000); });
        std::thread t2([&] { second = issue(op, A, reference, 1000); });
        t1.join();
        t2.join();
        ASSERT_TRUE((first.status == 201 && second.status == 200) || (first.status == 200 && second.status == 201)) << first.body << " / " << second.body;
        const auto bill = text(first.json(), {"supply_order", "id"});
        EXPECT_EQ(text(second.json(), {"supply_order", "id"}), bill);
        std::thread p1([&] { first = pay(A, bill, round == 0 ? 100 : 0); });
        std::thread p2([&] { second = pay(A, bill, round == 0 ? 100 : 0); });
        p1.join();
        p2.join();
        EXPECT_EQ(first.status, 200) << first.body;
        EXPECT_EQ(second.status, 200) << second.body;
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_supply_orders WHERE merchant_id = ?", {A.id}), 3);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM alliance_supply_voucher_draws"), 100) << "the vouchers drawn once";
    EXPECT_EQ(supply_view(A).at("supply_owed_fen").as_int64(), 900 + 1000 + 1000);
    expect_ledger_holds("copies raced");
}

// The other order of events: the bill refunded first (its vouchers back as a supply_return credit),
// then the order behind them: the clawback takes those returned vouchers, and the store owes nothing.
TEST_F(alliance_supply_test, a_clawback_takes_the_vouchers_a_refunded_bill_gave_back_before_any_debt) {
    const auto scene = store_with_dividend_vouchers();
    const auto& [op, A, key, a, order_a] = scene;
    const auto bill = text(ok(issue(op, A, "INV-R", 1000), 201), {"supply_order", "id"});
    ASSERT_EQ(pay(A, bill, 100).status, 200);
    ASSERT_EQ(call("POST", "/api/v1/platform/alliance/supply-orders/" + bill + "/refund", op, json::object{{"reason", "returned"}}).status, 200);
    EXPECT_EQ(supply_view(A).at("vouchers_spendable_fen").as_int64(), 100);
    ASSERT_EQ(refund(key, order_a, "R-1", 100000).status, 201);
    const auto view = supply_view(A);
    EXPECT_EQ(view.at("voucher_debt_fen").as_int64(), 0) << "the returned vouchers paid the clawback";
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 0);
    EXPECT_EQ(scalar("SELECT remaining_fen FROM alliance_voucher_credits WHERE supply_order_id = ?", {bill}), 0);
    EXPECT_EQ(platform("voucher_debt_advanced"), 0);
    expect_ledger_holds("clawback from returned vouchers");
}

// A fan-lock reward the locking store spent on a bill that was then refunded: the reward's reversal
// (the fan's order at the other store refunded after vesting) takes the returned vouchers, no debt.
TEST_F(alliance_supply_test, a_lock_rewards_reversal_takes_the_vouchers_a_refunded_bill_gave_the_locking_store) {
    const auto op = make_operator();
    auto A = member_store(op, 1000), B = member_store(op, 1000);
    const auto keyB = make_pos_key(B);
    const user c = sign_in();
    ASSERT_EQ(claim(c, enrol(A).share_code), "claimed");  // c is A's fan
    const auto order = paid(keyB, c, 100000);               // at B: A's reward 1% = 1,000 fen
    vest_everything();
    EXPECT_EQ(supply_view(A).at("vouchers_spendable_fen").as_int64(), 1000);
    const auto bill = text(ok(issue(op, A, "INV-L", 10000), 201), {"supply_order", "id"});
    ASSERT_EQ(pay(A, bill, 1000).status, 200);
    ASSERT_EQ(call("POST", "/api/v1/platform/alliance/supply-orders/" + bill + "/refund", op, json::object{{"reason", "returned"}}).status, 200);
    EXPECT_EQ(supply_view(A).at("vouchers_spendable_fen").as_int64(), 1000);
    ASSERT_EQ(refund(keyB, order, "R-L", 100000).status, 201);
    const auto view = supply_view(A);
    EXPECT_EQ(view.at("voucher_debt_fen").as_int64(), 0) << "the returned vouchers paid the reversal";
    EXPECT_EQ(view.at("vouchers_spendable_fen").as_int64(), 0);
    EXPECT_EQ(platform("voucher_debt_advanced"), 0);
    expect_ledger_holds("lock reward reversed from returned vouchers");
}

TEST_F(alliance_supply_test, a_refund_during_a_dividend_never_takes_the_fund_below_zero_and_the_platform_is_repaid) {
    const auto op = make_operator();
    set_pool(op, 1000, 1);
    auto A = member_store(op, 1000);
    const auto key = make_pos_key(A);
    // Eleven small orders and, by the last consumer, a large one (K = 1,000,000 fen): the fund's
    // free balance is mostly that order's share.
    std::vector<user> people;
    for (int i = 0; i < 11; ++i) {
        people.push_back(sign_in());
        paid(key, people.back(), 2000 + 10 * i);
    }
    const user big = sign_in();
    const auto big_order = paid(key, big, 10'000'000);
    vest_everything();

    // The dividend plans, credits the first four consumers and stops (the relay frozen): its money
    // is set aside, the large order's lots still to be credited.
    server->process().send_signal(SIGSTOP);
    auto figures = run_job("pay-alliance-dividends", {{"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_CHUNK_LOTS", "4"},
                                                      {"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_BACKLOG", "3"},
                                                      {"SHAREDSTORE_JOBS_ALLIANCE_DIVIDEND_OUTBOX_WAIT_S", "1"}});
    server->process().send_signal(SIGCONT);
    ASSERT_EQ(text(figures, {"paused"}), "outbox_backlog") << json::serialize(figures);
    const auto earmarked = scalar("SELECT earmarked_fen FROM alliance_dividends WHERE number = 1");
    EXPECT_EQ(earmarked, scalar("SELECT available_fen FROM alliance_dividends WHERE number = 1"));
    EXPECT_GT(earmarked, 0);
    expect_ledger_holds("dividend under way");

    // The large order refunded now: its fund share (500,000) is more than what is free.
    const auto free_before = fund_free();
    ASSERT_LT(free_before, 500'000);
    ASSERT_EQ(refund(key, big_order, "R-big", 10'000'000).status, 201);
    EXPECT_EQ(fund_free(), 0) << "never below zero";
    EXPECT_EQ(platform("fund_shortfall_advanced"), 500'000 - free_before) << "the platform advanced the rest";
    expect_ledger_holds("refund during the dividend");

    // The dividend finishes; what its earmark kept for the refunded lots returns to the fund.
    eventually([&] { return scalar("SELECT COUNT(*) FROM outbox_events WHERE relayed_at IS NULL") == 0; }, 20s, 20ms);
    figures = run_job("pay-alliance-dividends");
    EXPECT_TRUE(figures.at("paused").is_null()) << json::serialize(figures);
    EXPECT_EQ(scalar("SELECT state = 'done' FROM alliance_dividends WHERE number = 1"), 1);
    EXPECT_EQ(platform("alliance_fund_earmarked"), 0);
    EXPECT_EQ(scalar("SELECT released_fen < available_fen FROM alliance_dividends WHERE number = 1"), 1) << "the refunded lots released nothing";
    expect_ledger_holds("dividend done");

    // Dividend 2's planning repays the platform from the free balance before setting anything aside.
    const auto S1 = scalar("SELECT pool_cp FROM alliance_dividends WHERE number = 1");
    const user next = sign_in();
    paid(key, next, (S1 * 115 / 100 / 2 + 1000) * 10);  // its two lots alone pass ceil(S1 x 1.15)
    vest_everything();
    figures = run_job("pay-alliance-dividends");
    ASSERT_EQ(figures.at("dividend").as_int64(), 2) << json::serialize(figures);
    EXPECT_EQ(platform("fund_shortfall_advanced"), 0);
    EXPECT_GE(fund_free(), 0);
    expect_ledger_holds("platform repaid");
}

}  // namespace
