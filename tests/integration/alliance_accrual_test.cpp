// The alliance's accrual on the real stack (docs/alliance.md, "Accrual", "Fan locks", "Vesting";
// issue 20): two member stores and a store outside the alliance, consumers locked by a card claim,
// a QR scan and a first payment; POS and WeChat Pay orders accrue concessions and lots; a fan's
// order at the other store pays the locking store its reward; refunds inside and after the window
// reverse exactly; vesting runs twice and vests once; the operator moves a fan with an audit.
// check-ledger after each step. Expected amounts come from each order's own snapshot (the pool's
// fund share and lock_bp at payment), since other suites may change the pool configuration.
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/support/eventually.hpp"

#include "common/clock.hpp"

#include <boost/json/serialize.hpp>

#include <latch>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

class alliance_accrual_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(true); }
    static void TearDownTestSuite() { stop(); }

    static user make_operator() {
        auto person = sign_in();
        child_process grant({SHAREDSTORE_BINARY, "grant-platform-operator", "--config", test_config_path(), "--user", person.id, "--by", "accrual-test"},
                            {}, make_temp_dir("grant-operator") + "/out.log");
        if (grant.wait_exit(60s).value_or(-1) != 0) throw std::runtime_error("grant failed: " + grant.output());
        return person;
    }
    static void run_job(const std::string& name) {
        child_process job({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), name}, sim->server_environment(server->port()),
                          make_temp_dir("run-job") + "/out.log");
        if (job.wait_exit(60s).value_or(-1) != 0) throw std::runtime_error(name + " failed: " + job.output());
    }
    static std::pair<int, std::string> check_ledger() {
        child_process process({SHAREDSTORE_BINARY, "check-ledger", "--config", test_config_path()}, {}, make_temp_dir("check-ledger") + "/out.log");
        auto code = process.wait_exit(60s);
        return {code.value_or(-1), process.output()};
    }
    // An admitted store with its concession set.
    static store member_store(const user& op, int concession_bp) {
        auto s = open_store();
        ok(call("POST", "/api/v1/platform/alliance/merchants", op, json::object{{"merchant_id", s.id}}), 201);
        ok(call("PUT", s.path() + "/alliance", s.owner, json::object{{"concession_bp", concession_bp}, {"voucher_max_bp", 5000}}));
        return s;
    }
    static std::string order_id_of(const http_reply& r) {
        if (r.status != 201) throw std::runtime_error("order: " + std::to_string(r.status) + " " + r.body);
        return text(r.json(), {"order", "id"});
    }
    static std::string merchant_order_id_of(const http_reply& r) { return text(r.json(), {"order", "merchant_order_id"}); }
    static long long of_order(const std::string& column, const std::string& order) {
        return scalar("SELECT " + column + " FROM alliance_accruals WHERE order_id = ?", {order});
    }
    static long long lot_reversed(const std::string& order) {
        return scalar("SELECT reversed_cp FROM alliance_lots WHERE order_id = ? AND holder = 'merchant'", {order});
    }
    static json::value books(const store& s) { return ok(call("GET", s.path() + "/alliance", s.owner)).at("books"); }
    static std::int64_t book(const store& s, const char* field) { return books(s).at(field).as_int64(); }
    static json::value mine(const user& who) { return ok(call("GET", "/api/v1/me/alliance", who)); }
    // What a posting of `kind` for `reference` moved into (credit) or out of (debit) accounts of `account`.
    static long long moved(const std::string& kind, const std::string& reference, const std::string& account, bool credit) {
        return scalar(std::string("SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id "
                                  "JOIN ledger_accounts a ON a.id = ") + (credit ? "e.credit_account_id" : "e.debit_account_id") +
                          " WHERE t.kind = ? AND t.reference = ? AND a.kind = ?",
                      {kind, reference, account});
    }
};

TEST_F(alliance_accrual_test, two_stores_fan_locks_accrual_vesting_refunds_and_the_operator_moving_a_fan) {
    const auto op = make_operator();
    auto A = member_store(op, 2000), B = member_store(op, 1000);
    auto outside = open_store();
    const auto keyA = make_pos_key(A), keyB = make_pos_key(B), keyOut = make_pos_key(outside);

    // Fan locks: c by a card claim at A, d by a QR scan at B, f not at all by a store outside.
    const user c = sign_in(), d = sign_in(), e = sign_in(), f = sign_in();
    ASSERT_EQ(claim(c, enrol(A).share_code), "claimed");
    ok(call("POST", "/api/v1/me/stores/" + B.id + "/visits", d, json::object{{"source", "qr"}}));
    ASSERT_EQ(claim(f, enrol(outside).share_code), "claimed");
    auto lock_of = [&](const user& who) { return mine(who).at("lock"); };
    EXPECT_EQ(text(lock_of(c), {"merchant", "id"}), A.id);
    EXPECT_EQ(text(lock_of(c), {"source"}), "claim");
    EXPECT_EQ(text(lock_of(d), {"merchant", "id"}), B.id);
    EXPECT_EQ(text(lock_of(d), {"source"}), "qr");
    EXPECT_TRUE(lock_of(f).is_null()) << "a store outside the alliance locks nobody";
    ok(call("POST", "/api/v1/me/stores/" + A.id + "/visits", d, json::object{{"source", "qr"}}));
    EXPECT_EQ(text(lock_of(d), {"merchant", "id"}), B.id) << "the first touch wins";

    // Orders: c (A's fan) at B by POS, c at A by POS, e's first payment (WeChat Pay) at B, f outside.
    const auto o1 = pos_order(keyB, c, 15000), o2 = pos_order(keyA, c, 100000);
    const auto o1_id = order_id_of(o1), o2_id = order_id_of(o2);
    auto placed = ok(call("POST", "/api/v1/orders", e,
                          json::object{{"merchant_id", B.id}, {"amount_fen", 20000}, {"description", "联盟"}, {"kind", "purchase"}, {"pay_with", "wechat"}}),
                     201);
    const auto o3_id = text(placed, {"order", "id"});
    ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + text(placed, {"order", "out_trade_no"}) + "/succeed").status, 200);
    eventually([&] { return text(ok(call("GET", "/api/v1/me/orders/" + o3_id, e)), {"order", "status"}) == "paid"; }, 10s, 50ms);
    const auto o4_id = order_id_of(pos_order(keyOut, f, 50000));

    EXPECT_EQ(text(lock_of(e), {"merchant", "id"}), B.id) << "a first payment locks";
    EXPECT_EQ(text(lock_of(e), {"source"}), "payment");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_accruals WHERE order_id = ?", {o4_id}), 0) << "no accrual outside the alliance";

    // o1: K = floor(15000 x 1000 / 10000) = 1500, the fund its share, A the lock reward, the platform the rest.
    EXPECT_EQ(of_order("concession_fen", o1_id), 1500);
    EXPECT_EQ(of_order("fund_fen", o1_id), 1500 * of_order("fund_share_bp", o1_id) / 10000);
    const auto lock1 = std::min(1500 - of_order("fund_fen", o1_id), 15000 * of_order("lock_bp", o1_id) / 10000);
    ASSERT_GT(lock1, 0);
    EXPECT_EQ(of_order("lock_fen", o1_id), lock1);
    EXPECT_EQ(std::to_string(of_order("lock_merchant_id", o1_id)), A.id);
    EXPECT_EQ(of_order("platform_fen", o1_id), 1500 - of_order("fund_fen", o1_id) - lock1);
    // o2 at A itself: no lock reward. o3: e is B's own fan.
    EXPECT_EQ(of_order("concession_fen", o2_id), 20000);
    EXPECT_EQ(of_order("lock_fen", o2_id), 0) << "no lock reward at the locking store itself";
    EXPECT_EQ(of_order("concession_fen", o3_id), 2000);
    EXPECT_EQ(of_order("lock_fen", o3_id), 0);

    EXPECT_EQ(mine(c).at("points").at("pending_cp").as_int64(), 1500 + 20000);
    EXPECT_EQ(mine(c).at("points").at("vested_cp").as_int64(), 0) << "pending until the refund window closes";
    EXPECT_EQ(book(B, "points_pending_cp"), 1500 + 2000);
    EXPECT_EQ(book(B, "concession_owed_fen"), 1500 + 2000);
    EXPECT_EQ(book(B, "fans"), 2);
    EXPECT_EQ(book(A, "fans"), 1);
    auto [code, output] = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // A refund inside the window: 30 % of o2 takes 30 % of each part back from where it waits.
    ASSERT_EQ(pos_call(keyA, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", merchant_order_id_of(o2)}, {"merchant_refund_id", "R-in"}, {"amount_fen", 30000}})
                  .status,
              201);
    EXPECT_EQ(lot_reversed(o2_id), 6000);
    EXPECT_EQ(of_order("reversed_fund_fen", o2_id), of_order("fund_fen", o2_id) * 3 / 10);
    EXPECT_EQ(mine(c).at("points").at("pending_cp").as_int64(), 1500 + 14000);
    EXPECT_EQ(book(A, "concession_owed_fen"), 14000);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // The windows close (moved back here rather than waiting a week); vesting runs twice, vests once.
    execute("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE merchant_id IN (?, ?)", {A.id, B.id});
    run_job("vest-alliance-lots");
    run_job("vest-alliance-lots");
    for (const auto& o : {o1_id, o2_id, o3_id}) {
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_accruals WHERE order_id = ? AND state = 'vested'", {o}), 1) << o;
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'alliance_vest' AND reference = ?", {"order:" + o}), 1) << o;
        EXPECT_EQ(moved("alliance_vest", "order:" + o, "alliance_fund_free", true), of_order("fund_fen", o) - of_order("reversed_fund_fen", o))
            << "the fund's share of what is left becomes free";
    }
    EXPECT_EQ(mine(c).at("points").at("vested_cp").as_int64(), 1500 + 14000);
    EXPECT_EQ(mine(c).at("points").at("pending_cp").as_int64(), 0);
    EXPECT_EQ(book(B, "points_cp"), 3500);
    EXPECT_EQ(book(A, "points_cp"), 14000);
    EXPECT_EQ(book(A, "vouchers_fen"), lock1) << "the lock reward, in vouchers, to the store that locked the fan";
    EXPECT_EQ(book(B, "vouchers_fen"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_voucher_credits WHERE reason = 'lock_reward' AND order_id = ? AND merchant_id = ? "
                     "AND expires_at > UTC_TIMESTAMP(6) + INTERVAL 300 DAY",
                     {o1_id, A.id}),
              1);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // o1 refunded whole after vesting: the lots leave the pool, the fund's share its free balance,
    // and A's lock-reward vouchers go back, in a posting of A's book.
    ASSERT_EQ(pos_call(keyB, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", merchant_order_id_of(o1)}, {"merchant_refund_id", "R-after"}, {"amount_fen", 15000}})
                  .status,
              201);
    EXPECT_EQ(lot_reversed(o1_id), 1500);
    EXPECT_EQ(mine(c).at("points").at("vested_cp").as_int64(), 14000);
    EXPECT_EQ(book(B, "points_cp"), 2000);
    EXPECT_EQ(book(B, "concession_owed_fen"), 2000);
    EXPECT_EQ(book(A, "vouchers_fen"), 0);
    const auto refund_id = std::to_string(scalar("SELECT id FROM refunds WHERE order_id = ?", {o1_id}));
    EXPECT_EQ(moved("refund", "refund:" + refund_id, "alliance_fund_free", false), of_order("fund_fen", o1_id)) << "the fund gives its share back";
    EXPECT_EQ(scalar("SELECT merchant_id FROM ledger_transactions WHERE kind = 'alliance_lock_reversal' AND reference = ?", {"refund:" + refund_id}),
              std::stoll(A.id));
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;

    // The operator moves d from B to A, with a reason; nobody else may, and a retry is one move.
    const auto fan_path = "/api/v1/platform/alliance/fans/" + d.id;
    EXPECT_EQ(call("PUT", fan_path, B.owner, json::object{{"merchant_id", A.id}, {"reason", "mine"}}).status, 403);
    EXPECT_EQ(error_code(call("PUT", fan_path, op, json::object{{"merchant_id", A.id}})), "missing_field") << "the audit needs a reason";
    EXPECT_EQ(error_code(call("PUT", fan_path, op, json::object{{"merchant_id", outside.id}, {"reason", "x"}})), "not_in_alliance");
    EXPECT_EQ(call("GET", "/api/v1/platform/alliance/fans/999999999", op).status, 404);
    for (int i = 0; i < 2; ++i) {
        auto moved_fan = ok(call("PUT", fan_path, op, json::object{{"merchant_id", A.id}, {"reason", "商户申诉：首次到店在 A"}}));
        EXPECT_EQ(text(moved_fan, {"lock", "merchant", "id"}), A.id);
        EXPECT_EQ(text(moved_fan, {"lock", "source"}), "operator");
        ASSERT_EQ(moved_fan.at("changes").as_array().size(), 2u) << "the first touch and one move: " << json::serialize(moved_fan);
        const auto& change = moved_fan.at("changes").at(0);
        EXPECT_EQ(text(change, {"from_merchant_id"}), B.id);
        EXPECT_EQ(text(change, {"changed_by_user_id"}), op.id);
        EXPECT_EQ(text(change, {"reason"}), "商户申诉：首次到店在 A");
    }
    EXPECT_EQ(book(A, "fans"), 2);
    std::tie(code, output) = check_ledger();
    EXPECT_EQ(code, 0) << output;
}

// Two first touches of one consumer at once (a claim at A, a QR scan at B): one lock, one audit row.
TEST_F(alliance_accrual_test, concurrent_first_touches_lock_the_consumer_once) {
    const auto op = make_operator();
    auto A = member_store(op, 1500), B = member_store(op, 1500);
    const auto share = enrol(A).share_code;
    for (int round = 0; round < 5; ++round) {
        const user g = sign_in();
        std::latch go(2);
        std::string claimed;
        int visited = 0;
        std::thread t1([&] {
            go.arrive_and_wait();
            claimed = claim(g, share);
        });
        std::thread t2([&] {
            go.arrive_and_wait();
            visited = call("POST", "/api/v1/me/stores/" + B.id + "/visits", g, json::object{{"source", "qr"}}).status;
        });
        t1.join();
        t2.join();
        EXPECT_EQ(claimed, "claimed");
        EXPECT_EQ(visited, 200);
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_fans WHERE user_id = ?", {g.id}), 1);
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_fan_changes WHERE user_id = ?", {g.id}), 1);
        const auto locked = std::to_string(scalar("SELECT merchant_id FROM alliance_fans WHERE user_id = ?", {g.id}));
        EXPECT_TRUE(locked == A.id || locked == B.id) << locked;
    }
}

}  // namespace
