// Settling with member stores on the real stack (docs/alliance.md "Settlement"; issue 20), on a
// cluster of its own: a store's concessions and supply money of a month (its postings moved back
// into October 2026, as a month that has closed) become one statement; issuing again, or the job,
// makes no second one; an open month and a malformed one are refused; the operator records the
// bank transfer (again: the same answer; another reference: refused), and the store owes nothing
// more. A refund in November after that, and a sale of October reported in November, make a
// negative statement the platform pays (the late sale on it: statements read when postings were
// written, not their booking date). check-ledger holds after every step, the statements' amounts
// recomputed from the ledger by month.
#include "tests/integration/support/alliance_cluster.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/serialize.hpp>

#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class alliance_settlement_test : public alliance_cluster_test {
protected:
    void SetUp() override { start_cluster("settlement", {}, false); }
    void TearDown() override { stop_cluster(); }

    static void expect_ledger_holds(const std::string& when) {
        auto [code, output] = check_ledger();
        EXPECT_EQ(code, 0) << when << ": " << output;
    }
    // Every posting of the store so far, booked and written at `at` instead (a month that has closed).
    static void book_store_postings_at(const store& s, const std::string& at, const std::string& after_id = "0") {
        execute("UPDATE ledger_transactions SET created_at = ?, recorded_at = ? WHERE merchant_id = ? AND id > ?", {at, at, s.id, after_id});
    }
    static std::string last_transaction_id() { return std::to_string(scalar("SELECT COALESCE(MAX(id), 0) FROM ledger_transactions")); }
    static http_reply issue(const user& op, const std::string& period) {
        return call("POST", "/api/v1/platform/alliance/statements", op, json::object{{"period", period}});
    }
    static http_reply settle(const user& op, const std::string& id, const std::string& reference) {
        return call("POST", "/api/v1/platform/alliance/statements/" + id + "/settle", op, json::object{{"transfer_reference", reference}});
    }
};

TEST_F(alliance_settlement_test, a_months_concessions_and_supply_become_one_statement_settled_by_one_transfer_and_a_later_refund_is_paid_back) {
    const auto op = make_operator();
    auto A = member_store(op, 2000);
    // Its concession in force since September: the sales of October below concede under it.
    execute("UPDATE alliance_concessions SET effective_from = '2026-09-01 00:00:00' WHERE merchant_id = ?", {A.id});
    const auto key = make_pos_key(A);
    const user a = sign_in();
    // October: a pays 1,000.00 at A (a concession of 200.00) and A pays a supply bill of 10.00 in money.
    const auto order = paid(key, a, 100000);
    const auto bill = text(ok(call("POST", "/api/v1/platform/alliance/supply-orders", op,
                                   json::object{{"merchant_id", A.id}, {"reference", "S-10"}, {"description", "tea"}, {"amount_fen", 1000}}),
                              201),
                           {"supply_order", "id"});
    ok(call("POST", A.path() + "/alliance/supply-orders/" + bill + "/pay", A.owner, json::object{{"voucher_fen", 0}}));
    book_store_postings_at(A, "2026-10-15 04:00:00");

    // Refused: a month still open, a malformed one; then October's statement, once.
    EXPECT_EQ(text(issue(op, "2099-01").json(), {"error", "code"}), "statement_period_open");
    EXPECT_EQ(issue(op, "2026-13").status, 400);
    EXPECT_EQ(issue(A.owner, "2026-10").status, 403);
    auto issued = ok(issue(op, "2026-10"));
    EXPECT_EQ(issued.at("issued").as_int64(), 1) << json::serialize(issued);
    EXPECT_EQ(ok(issue(op, "2026-10")).at("existing").as_int64(), 1);
    auto list = ok(call("GET", "/api/v1/platform/alliance/statements?period=2026-10", op));
    ASSERT_EQ(list.at("items").as_array().size(), 1u);
    const auto s = list.at("items").at(0);
    const auto id = text(s, {"id"});
    EXPECT_EQ(s.at("concession_fen").as_int64(), 20000);
    EXPECT_EQ(s.at("supply_fen").as_int64(), 1000);
    EXPECT_EQ(s.at("reimbursement_fen").as_int64(), 0);
    EXPECT_EQ(s.at("net_fen").as_int64(), 21000);
    EXPECT_EQ(text(s, {"payer"}), "store");
    EXPECT_EQ(text(s, {"state"}), "due");
    EXPECT_EQ(text(s, {"period_start"}), "2026-09-30T16:00:00Z");
    EXPECT_EQ(call("GET", "/api/v1/platform/alliance/statements?period=10-2026", op).status, 400);
    // The store's staff read their own.
    auto mine = ok(call("GET", A.path() + "/alliance/statements", A.owner));
    ASSERT_EQ(mine.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(mine.at("items").at(0), {"id"}), id);
    expect_ledger_holds("issued");

    // The job issues the last closed month once (nothing moved there for this store), and the next
    // run does not read it again.
    auto job = run_job("issue-alliance-statements");
    EXPECT_EQ(job.at("issued").as_int64(), 0) << json::serialize(job);
    EXPECT_FALSE(job.at("skipped").as_bool());
    job = run_job("issue-alliance-statements");
    EXPECT_TRUE(job.at("skipped").as_bool()) << json::serialize(job);

    // The operator's member list shows what is unsettled with each store.
    auto member_books = [&]() -> json::object {
        const auto page = ok(call("GET", "/api/v1/platform/alliance/merchants", op));  // kept: the loop reads into it
        for (const auto& m : page.at("items").as_array())
            if (text(m, {"merchant", "id"}) == A.id) return m.at("books").as_object();
        throw std::runtime_error("A is not listed");
    };
    EXPECT_EQ(member_books().at("concession_owed_fen").as_int64(), 20000);
    EXPECT_EQ(member_books().at("supply_owed_fen").as_int64(), 1000);
    EXPECT_EQ(member_books().at("net_owed_fen").as_int64(), 21000);

    // Settled by the store's transfer, two copies at once: one settles, the other replays; again
    // the same answer; another reference refused.
    http_reply one, two;
    std::thread t1([&] { one = settle(op, id, "BANK-20261105-001"); });
    std::thread t2([&] { two = settle(op, id, "BANK-20261105-001"); });
    t1.join();
    t2.join();
    ASSERT_EQ(one.status, 200) << one.body;
    ASSERT_EQ(two.status, 200) << two.body;
    EXPECT_NE(one.json().at("replayed").as_bool(), two.json().at("replayed").as_bool()) << "one settled it";
    EXPECT_EQ(text(one.json(), {"statement", "state"}), "settled");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'alliance_settlement'"), 1);
    EXPECT_TRUE(ok(settle(op, id, "BANK-20261105-001")).at("replayed").as_bool());
    EXPECT_EQ(text(settle(op, id, "BANK-OTHER").json(), {"error", "code"}), "statement_settled");
    EXPECT_EQ(settle(op, "999999", "X").status, 404);
    auto books = ok(call("GET", A.path() + "/alliance", A.owner)).at("books");
    EXPECT_EQ(books.at("concession_owed_fen").as_int64(), 0);
    EXPECT_EQ(member_books().at("net_owed_fen").as_int64(), 0);
    EXPECT_EQ(ok(call("GET", A.path() + "/alliance/supply-orders", A.owner)).at("supply_owed_fen").as_int64(), 0);
    expect_ledger_holds("settled");

    // November: the order refunded whole (inside its window): the concession comes back, the
    // platform owes it to the store.
    const auto before_refund = last_transaction_id();
    ASSERT_EQ(pos_call(key, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(order.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-11"}, {"amount_fen", 100000}})
                  .status,
              201);
    book_store_postings_at(A, "2026-11-10 04:00:00", before_refund);
    // And a desk sale of October reported in November, after October's statement (booked at its
    // paid_at, written in November): it lands on November's statement, not on none.
    const auto before_late = last_transaction_id();
    ASSERT_EQ(pos_call(key, "/api/v1/pos/orders",
                       json::object{{"merchant_order_id", "LATE-10"}, {"user_id", a.id}, {"amount_fen", 5000}, {"paid_at", "2026-10-20T12:00:00+08:00"}})
                  .status,
              201);
    execute("UPDATE ledger_transactions SET recorded_at = '2026-11-12 04:00:00' WHERE merchant_id = ? AND id > ?", {A.id, before_late});
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ? AND id > ? AND created_at < '2026-11-01'", {A.id, before_late}), 1)
        << "booked in October";
    EXPECT_EQ(ok(issue(op, "2026-11")).at("issued").as_int64(), 1);
    const auto november = ok(call("GET", "/api/v1/platform/alliance/statements?period=2026-11&merchant_id=" + A.id, op)).at("items").at(0);
    EXPECT_EQ(november.at("concession_fen").as_int64(), -20000 + 1000);
    EXPECT_EQ(november.at("net_fen").as_int64(), -19000);
    EXPECT_EQ(text(november, {"payer"}), "platform");
    expect_ledger_holds("November issued, the late sale on it");
    ok(settle(op, text(november, {"id"}), "BANK-20261203-007"));
    EXPECT_EQ(ok(call("GET", A.path() + "/alliance", A.owner)).at("books").at("concession_owed_fen").as_int64(), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE kind = 'platform_settlement_cash'"), 21000 - 19000);
    EXPECT_EQ(ok(call("GET", "/api/v1/platform/alliance/statements?state=settled", op)).at("items").as_array().size(), 2u);
    expect_ledger_holds("the refund paid back");
}

}  // namespace
