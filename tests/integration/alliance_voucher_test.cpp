// Spending vouchers on the real stack (docs/alliance.md "Spending vouchers" and "At the desk";
// docs/business-rules.md 3.1; issue 20), on a database of each test's own (dividends are
// platform-wide):
// - Two member stores, a consumer with vouchers from a real dividend: a WeChat Pay order paying
//   part with vouchers (held while unpaid, spent when WeChat Pay says paid, the store reimbursed
//   from the fund), one closed unpaid (the vouchers come back), every refusal by name; the desk's
//   two steps (a code, a reservation replayed on a retry and raced by two copies, the order
//   callback confirming it), refunds giving the voucher part back in proportion, a reservation
//   cancelled and one expired and released by the job.
// - Voucher debt: vouchers spent, then the order whose lots released them refunded: the unspent
//   part goes back, the rest is a debt that the next dividend nets before crediting.
// check-ledger after every step.
#include "tests/integration/support/alliance_cluster.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"
#include "tests/support/eventually.hpp"

#include <boost/json/serialize.hpp>

#include "server/domain/rfc3339.hpp"

#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

class alliance_voucher_test : public alliance_cluster_test {
protected:
    void SetUp() override { start_cluster("vouchers", {}, true); }
    void TearDown() override { stop_cluster(); }

    static void expect_ledger_holds(const std::string& when) {
        auto [code, output] = check_ledger();
        EXPECT_EQ(code, 0) << when << ": " << output;
    }
    static json::value vouchers_of(const user& who) { return ok(call("GET", "/api/v1/me/alliance", who)).at("vouchers"); }
    static std::int64_t balance(const user& who) { return vouchers_of(who).at("balance_fen").as_int64(); }
    static long long account(const std::string& kind, const std::string& merchant_id = "0", const std::string& user_id = "0") {
        return scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE kind = ? AND merchant_id = ? AND user_id = ?", {kind, merchant_id, user_id});
    }
    static http_reply place(const user& who, const store& s, std::int64_t amount, std::int64_t voucher_fen) {
        return call("POST", "/api/v1/orders", who,
                    json::object{{"merchant_id", s.id}, {"amount_fen", amount}, {"description", "联盟券"}, {"pay_with", "wechat"}, {"voucher_fen", voucher_fen}});
    }
    static std::string code_of(const user& who) { return text(ok(call("POST", "/api/v1/me/alliance/voucher-code", who), 201), {"code"}); }
    static http_reply reserve(const pos_key& key, const std::string& sale, const std::string& code, std::int64_t total, std::int64_t vouchers) {
        return pos_call(key, "/api/v1/pos/voucher-reservations",
                        json::object{{"merchant_order_id", sale}, {"code", code}, {"order_total_fen", total}, {"voucher_fen", vouchers}});
    }
    static http_reply desk_order(const pos_key& key, const std::string& sale, const user& who, std::int64_t cash, std::int64_t vouchers,
                                 const std::string& reservation) {
        return pos_call(key, "/api/v1/pos/orders",
                        json::object{{"merchant_order_id", sale}, {"user_id", who.id}, {"amount_fen", cash}, {"paid_at", format_rfc3339_seconds(std::chrono::system_clock::now())},
                                     {"voucher_fen", vouchers}, {"voucher_reservation_id", reservation}});
    }
    // A consumer with `fen` of vouchers from dividend 1 (a's order at A; r_1 = 50 bp of its lot).
    static void first_dividend(const pos_key& keyA, const user& a, std::int64_t order_fen) {
        paid(keyA, a, order_fen);
        vest_everything();
        run_job("pay-alliance-dividends");
    }
};

TEST_F(alliance_voucher_test, vouchers_pay_part_of_wechat_pay_and_desk_orders_and_refunds_give_them_back) {
    const auto op = make_operator();
    set_pool(op, 40000, 1);
    auto A = member_store(op, 2000), B = member_store(op, 1000);
    auto outside = open_store();
    const auto keyA = make_pos_key(A), keyB = make_pos_key(B);
    const user a = sign_in();
    // 1,000,000 fen at c = 2000: lots of 200,000 cp; dividend 1 releases 1,000 fen to a (and to A).
    first_dividend(keyA, a, 1'000'000);
    ASSERT_EQ(balance(a), 1000);
    expect_ledger_holds("after dividend 1");

    // Refusals, each by name, and nothing held by any of them.
    EXPECT_EQ(error_code(place(a, B, 2000, 1001)), "vouchers_over_order_maximum") << "B lets vouchers pay 50 %";
    EXPECT_EQ(error_code(place(a, B, 2000, 2000)), "vouchers_leave_nothing_to_pay");
    EXPECT_EQ(error_code(place(a, B, 20000, 6000)), "vouchers_over_balance") << "1,000 of vouchers, 4,200 of advance (alliance_advance_test)";
    EXPECT_EQ(error_code(place(a, outside, 2000, 500)), "vouchers_not_accepted");
    EXPECT_EQ(call("POST", "/api/v1/orders", a,
                   json::object{{"merchant_id", B.id}, {"kind", "buy_in"}, {"amount_fen", 1000000}, {"description", "x"}, {"pay_with", "wechat"}, {"voucher_fen", 5}})
                  .status,
              400);
    EXPECT_EQ(vouchers_of(a).at("held_fen").as_int64(), 0);

    // A WeChat Pay order of 2,000 fen paying 600 with vouchers: WeChat Pay is asked for 1,400; the
    // vouchers are held until it is paid, then spent, and the platform owes B the 600.
    auto placed = ok(place(a, B, 2000, 600), 201);
    EXPECT_EQ(placed.at("order").at("amount_fen").as_int64(), 1400);
    EXPECT_EQ(placed.at("order").at("voucher_fen").as_int64(), 600);
    EXPECT_EQ(balance(a), 400);
    EXPECT_EQ(vouchers_of(a).at("held_fen").as_int64(), 600);
    expect_ledger_holds("an order holding vouchers");
    const auto wx_id = text(placed, {"order", "id"});
    ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + text(placed, {"order", "out_trade_no"}) + "/succeed").status, 200);
    eventually([&] { return text(ok(call("GET", "/api/v1/me/orders/" + wx_id, a)), {"order", "status"}) == "paid"; }, 10s, 50ms);
    EXPECT_EQ(balance(a), 400);
    EXPECT_EQ(vouchers_of(a).at("held_fen").as_int64(), 0);
    EXPECT_EQ(account("voucher_reimbursement_receivable", B.id), 600) << "the platform owes B the voucher part";
    EXPECT_EQ(ok(call("GET", "/api/v1/platform/alliance/dividends", op)).at("pool").at("books").at("reimbursements_owed_fen").as_int64(), 600)
        << "the operator sees what the platform owes the stores";
    EXPECT_EQ(scalar("SELECT base_fen FROM alliance_accruals WHERE order_id = ?", {wx_id}), 1400) << "the concession is on money paid";
    expect_ledger_holds("a WeChat Pay order paid partly with vouchers");

    // Another one closed unpaid: its vouchers come back.
    auto second = ok(place(a, B, 1000, 300), 201);
    EXPECT_EQ(balance(a), 100);
    ok(call("POST", "/api/v1/me/orders/" + text(second, {"order", "id"}) + "/close", a));
    EXPECT_EQ(balance(a), 400);
    expect_ledger_holds("an order closed unpaid");

    // At the desk: a shows a code, the desk reserves 300 of a 1,000 fen sale; a retry answers the
    // same reservation, other amounts under the same sale id are refused, two copies racing get one
    // reservation.
    auto code = code_of(a);
    EXPECT_EQ(code.size(), 12u);
    auto reserved = reserve(keyB, "D-1", code, 1000, 300);
    ASSERT_EQ(reserved.status, 201) << reserved.body;
    const auto reservation = text(reserved.json(), {"reservation", "id"});
    EXPECT_EQ(text(reserved.json(), {"reservation", "state"}), "reserved");
    EXPECT_EQ(reserved.json().at("reservation").at("pay_fen").as_int64(), 700);
    EXPECT_EQ(balance(a), 100);
    auto again = reserve(keyB, "D-1", code, 1000, 300);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(text(again.json(), {"reservation", "id"}), reservation);
    EXPECT_EQ(error_code(reserve(keyB, "D-1", code, 1000, 200)), "voucher_reservation_conflict");
    EXPECT_EQ(error_code(reserve(keyB, "D-9", code, 1000, 50)), "voucher_code_invalid") << "a reservation used the code";
    EXPECT_EQ(error_code(reserve(keyB, "D-9", "123456789012", 1000, 50)), "invalid_field") << "a failed check digit";
    expect_ledger_holds("a desk reservation");
    {
        const auto fresh = code_of(a);
        http_reply first, second_copy;
        std::thread t1([&] { first = reserve(keyB, "D-race", fresh, 500, 50); });
        std::thread t2([&] { second_copy = reserve(keyB, "D-race", fresh, 500, 50); });
        t1.join();
        t2.join();
        std::multiset<int> statuses{first.status, second_copy.status};
        EXPECT_EQ(statuses, (std::multiset<int>{200, 201})) << first.body << " / " << second_copy.body;
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_voucher_reservations WHERE merchant_order_id = 'D-race'"), 1);
        EXPECT_EQ(balance(a), 50);
        const auto race_id = first.status == 201 ? text(first.json(), {"reservation", "id"}) : text(second_copy.json(), {"reservation", "id"});
        ASSERT_EQ(pos_call(keyB, "/api/v1/pos/voucher-reservations/" + race_id + "/cancel", json::object{}).status, 200);
        EXPECT_EQ(balance(a), 100);
    }

    // The order callback confirms it: 700 in money, 300 in vouchers; a retry is the replay.
    auto sold = desk_order(keyB, "D-1", a, 700, 300, reservation);
    ASSERT_EQ(sold.status, 201) << sold.body;
    EXPECT_EQ(sold.json().at("order").at("voucher_fen").as_int64(), 300);
    EXPECT_EQ(desk_order(keyB, "D-1", a, 700, 300, reservation).status, 200);
    EXPECT_EQ(error_code(desk_order(keyB, "D-2", a, 700, 300, reservation)), "voucher_reservation_mismatch") << "another sale's reservation";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_voucher_reservations WHERE id = ? AND state = 'confirmed'", {reservation}), 1);
    EXPECT_EQ(balance(a), 100);
    EXPECT_EQ(account("voucher_reimbursement_receivable", B.id), 900);
    EXPECT_EQ(error_code(pos_call(keyB, "/api/v1/pos/voucher-reservations/" + reservation + "/cancel", json::object{})), "voucher_reservation_confirmed");
    expect_ledger_holds("a desk sale paid partly with vouchers");

    // Refunds give the voucher part back in proportion: half of the money, half of the vouchers,
    // as a credit of its own; the store owes back that much of its reimbursement.
    ASSERT_EQ(pos_call(keyB, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "D-1"}, {"merchant_refund_id", "R-1"}, {"amount_fen", 350}}).status, 201);
    EXPECT_EQ(balance(a), 250);
    const auto credits = vouchers_of(a).at("credits").as_array();
    bool returned = false;
    for (const auto& c : credits) returned = returned || (c.at("reason").as_string() == "refund_return" && c.at("remaining_fen").as_int64() == 150);
    EXPECT_TRUE(returned) << json::serialize(credits);
    ASSERT_EQ(pos_call(keyB, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "D-1"}, {"merchant_refund_id", "R-2"}, {"amount_fen", 350}}).status, 201);
    EXPECT_EQ(balance(a), 400);
    EXPECT_EQ(account("voucher_reimbursement_receivable", B.id), 600);
    const auto b_books = ok(call("GET", B.path() + "/alliance", B.owner)).at("books");
    EXPECT_EQ(b_books.at("vouchers_accepted_fen").as_int64(), 600) << "what B took as payment in all, less refunds' returns";
    expect_ledger_holds("refunds of a sale paid partly with vouchers");

    // Cancelled by the desk: back at once, cancelling twice answers the same, and the order
    // callback can no longer use it.
    auto cancelled = reserve(keyB, "D-3", code_of(a), 800, 200);
    ASSERT_EQ(cancelled.status, 201) << cancelled.body;
    const auto cancel_id = text(cancelled.json(), {"reservation", "id"});
    EXPECT_EQ(balance(a), 200);
    auto cancel = pos_call(keyB, "/api/v1/pos/voucher-reservations/" + cancel_id + "/cancel", json::object{});
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(text(cancel.json(), {"reservation", "released_by"}), "cancel");
    EXPECT_TRUE(pos_call(keyB, "/api/v1/pos/voucher-reservations/" + cancel_id + "/cancel", json::object{}).json().at("replayed").as_bool());
    EXPECT_EQ(balance(a), 400);
    EXPECT_EQ(error_code(desk_order(keyB, "D-3", a, 600, 200, cancel_id)), "voucher_reservation_expired");
    EXPECT_EQ(error_code(pos_call(keyA, "/api/v1/pos/voucher-reservations/" + cancel_id + "/cancel", json::object{})), "voucher_reservation_not_found")
        << "another store's reservation does not exist for A";

    // Past its 15 minutes but not yet released, a reservation still confirms (the sale happened at
    // the desk); once the job released it, the callback is refused and the vouchers are back.
    auto late = reserve(keyB, "D-5", code_of(a), 800, 100);
    ASSERT_EQ(late.status, 201) << late.body;
    execute("UPDATE alliance_voucher_reservations SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ?", {text(late.json(), {"reservation", "id"})});
    EXPECT_EQ(desk_order(keyB, "D-5", a, 700, 100, text(late.json(), {"reservation", "id"})).status, 201);
    EXPECT_EQ(balance(a), 300);
    ASSERT_EQ(pos_call(keyB, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "D-5"}, {"merchant_refund_id", "R-5"}, {"amount_fen", 700}}).status, 201);
    EXPECT_EQ(balance(a), 400);
    auto lapsed = reserve(keyB, "D-4", code_of(a), 800, 100);
    ASSERT_EQ(lapsed.status, 201) << lapsed.body;
    const auto lapsed_id = text(lapsed.json(), {"reservation", "id"});
    EXPECT_EQ(balance(a), 300);
    execute("UPDATE alliance_voucher_reservations SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ?", {lapsed_id});
    run_job("release-voucher-reservations");
    EXPECT_EQ(error_code(desk_order(keyB, "D-4", a, 700, 100, lapsed_id)), "voucher_reservation_expired");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_voucher_reservations WHERE id = ? AND released_by = 'expiry'", {lapsed_id}), 1);
    EXPECT_EQ(balance(a), 400);
    // The same sale reserved again with a new code holds them again, as a reservation of its own
    // (the next attempt): a cancel of the old one still being retried finds the old one released
    // and leaves the new one alone; the order names the new one.
    auto renewed = reserve(keyB, "D-4", code_of(a), 800, 100);
    ASSERT_EQ(renewed.status, 201) << renewed.body;
    const auto renewed_id = text(renewed.json(), {"reservation", "id"});
    EXPECT_NE(renewed_id, lapsed_id);
    EXPECT_EQ(scalar("SELECT attempt FROM alliance_voucher_reservations WHERE id = ?", {renewed_id}), 2);
    auto stale = pos_call(keyB, "/api/v1/pos/voucher-reservations/" + lapsed_id + "/cancel", json::object{});
    ASSERT_EQ(stale.status, 200) << stale.body;
    EXPECT_TRUE(stale.json().at("replayed").as_bool());
    EXPECT_EQ(scalar("SELECT state = 'reserved' FROM alliance_voucher_reservations WHERE id = ?", {renewed_id}), 1) << "the stale cancel released nothing";
    EXPECT_EQ(balance(a), 300);
    EXPECT_EQ(error_code(desk_order(keyB, "D-4", a, 700, 100, lapsed_id)), "voucher_reservation_expired") << "the old attempt pays nothing";
    ASSERT_EQ(desk_order(keyB, "D-4", a, 700, 100, renewed_id).status, 201);
    EXPECT_EQ(balance(a), 300);
    EXPECT_EQ(reserve(keyB, "D-4", code_of(a), 800, 100).status, 200) << "asking again after the sale answers the confirmed reservation";
    expect_ledger_holds("reservations cancelled, expired and renewed");
}

TEST_F(alliance_voucher_test, vouchers_spent_then_taken_back_by_a_refund_become_a_debt_the_next_dividend_nets) {
    const auto op = make_operator();
    set_pool(op, 40000, 1);
    auto A = member_store(op, 2000), B = member_store(op, 1000);
    const auto keyA = make_pos_key(A), keyB = make_pos_key(B);
    const user a = sign_in();
    const auto first = paid(keyA, a, 1'000'000);
    vest_everything();
    run_job("pay-alliance-dividends");
    ASSERT_EQ(balance(a), 1000);

    // a spends 900 of them at B's desk.
    auto reserved = reserve(keyB, "S-1", code_of(a), 2000, 900);
    ASSERT_EQ(reserved.status, 201) << reserved.body;
    ASSERT_EQ(desk_order(keyB, "S-1", a, 1100, 900, text(reserved.json(), {"reservation", "id"})).status, 201);
    EXPECT_EQ(balance(a), 100);
    // A second order of a at A (vested before the refund: the fund's free balance has its share).
    paid(keyA, a, 1'500'000);
    vest_everything();

    // The first order refunded whole: its lot's 1,000 fen of vouchers go back; a has 100 of them,
    // the 900 spent are a voucher debt (never money).
    ASSERT_EQ(pos_call(keyA, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(first.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-all"}, {"amount_fen", 1'000'000}})
                  .status,
              201);
    EXPECT_EQ(balance(a), 0);
    EXPECT_EQ(vouchers_of(a).at("debt_fen").as_int64(), 900);
    auto platform_advance = [] { return scalar("SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE kind = 'voucher_debt_advanced'"); };
    EXPECT_EQ(platform_advance(), 900) << "the platform advanced the debt's money into the fund";
    expect_ledger_holds("a clawback beyond the unspent vouchers");

    // Half of the desk sale refunded: its 450 of vouchers come back, and pay the debt first.
    ASSERT_EQ(pos_call(keyB, "/api/v1/pos/refunds", json::object{{"merchant_order_id", "S-1"}, {"merchant_refund_id", "RS-1"}, {"amount_fen", 550}}).status, 201);
    EXPECT_EQ(balance(a), 0);
    EXPECT_EQ(vouchers_of(a).at("debt_fen").as_int64(), 450);
    EXPECT_EQ(platform_advance(), 450);
    expect_ledger_holds("returned vouchers paying a debt");

    // Dividend 2 (S >= ceil(400,000 x 1.15)): a's new lot of 300,000 cp releases 1,800 at 60 bp;
    // the debt takes 450 first, a can spend the other 1,350 and is told of those.
    run_job("pay-alliance-dividends");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM alliance_dividends WHERE number = 2 AND state = 'done'"), 1);
    EXPECT_EQ(vouchers_of(a).at("debt_fen").as_int64(), 0);
    EXPECT_EQ(platform_advance(), 0) << "repaid as the dividend netted the debt";
    EXPECT_EQ(balance(a), 1350);
    EXPECT_EQ(scalar("SELECT amount_fen FROM alliance_voucher_credits WHERE dividend_number = 2 AND holder = 'consumer' AND user_id = ?", {a.id}), 1800)
        << "the lots released the whole amount";
    ws_client client(server->port(), bearer(a.token));
    ASSERT_EQ(client.status(), 101) << client.body();
    client.send_text(R"({"type":"resume","after":"0-0"})");
    std::int64_t told = 0;
    for (int n = 0; n < 2;) {
        auto f = json::parse(client.read_text(10s)).as_object();
        if (f.at("type").as_string() != "vouchers") continue;
        ++n;
        if (f.at("dividend").as_int64() == 2) told = f.at("amount_fen").as_int64();
    }
    EXPECT_EQ(told, 1350);
    expect_ledger_holds("a debt netted by a dividend");
}

TEST_F(alliance_voucher_test, vouchers_ending_are_reminded_once_then_expire_into_the_fund_and_a_later_refund_takes_back_no_debt) {
    const auto op = make_operator();
    set_pool(op, 40000, 1);
    auto A = member_store(op, 2000);
    const auto keyA = make_pos_key(A);
    const user a = sign_in();
    const auto first = paid(keyA, a, 1'000'000);
    vest_everything();
    run_job("pay-alliance-dividends");
    ASSERT_EQ(balance(a), 1000);
    auto fund_free = [] { return scalar("SELECT COALESCE(-SUM(balance), 0) FROM ledger_accounts WHERE kind = 'alliance_fund_free'"); };
    const auto free_after_dividend = fund_free();

    // Ending within the notice (7 days): one reminder, however often the job runs.
    execute("UPDATE alliance_voucher_credits SET expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 DAY");
    run_job("remind-expiring-vouchers");
    run_job("remind-expiring-vouchers");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers_expiring' AND user_id = ?", {a.id}), 1);
    ws_client client(server->port(), bearer(a.token));
    ASSERT_EQ(client.status(), 101) << client.body();
    client.send_text(R"({"type":"resume","after":"0-0"})");
    for (;;) {
        auto f = json::parse(client.read_text(10s)).as_object();
        if (f.at("type").as_string() != "vouchers_expiring") continue;
        EXPECT_EQ(f.at("amount_fen").as_int64(), 1000);
        break;
    }

    // Past their end: the consumer's and the store's vouchers expire, their money back in the free
    // balance; run again, nothing more.
    execute("UPDATE alliance_voucher_credits SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND");
    run_job("expire-alliance-vouchers");
    run_job("expire-alliance-vouchers");
    EXPECT_EQ(balance(a), 0);
    EXPECT_EQ(ok(call("GET", A.path() + "/alliance", A.owner)).at("books").at("vouchers_fen").as_int64(), 0);
    EXPECT_EQ(fund_free(), free_after_dividend + 2000);
    EXPECT_EQ(scalar("SELECT SUM(expired_fen) FROM alliance_voucher_credits"), 2000);
    EXPECT_EQ(vouchers_of(a).at("advance").at("available_fen").as_int64(), 4200);
    EXPECT_EQ(error_code(place(a, A, 10000, 4201)), "vouchers_over_balance") << "expired vouchers are not spendable; only the advance is";
    expect_ledger_holds("vouchers expired");

    // Half of the order refunded after: each lot gives back 500 of what it released, taken from the
    // expired part (its money is in the free balance already): no debt.
    ASSERT_EQ(pos_call(keyA, "/api/v1/pos/refunds",
                       json::object{{"merchant_order_id", text(first.json(), {"order", "merchant_order_id"})}, {"merchant_refund_id", "R-half"}, {"amount_fen", 500'000}})
                  .status,
              201);
    EXPECT_EQ(vouchers_of(a).at("debt_fen").as_int64(), 0);
    EXPECT_EQ(fund_free(), free_after_dividend + 2000 - 50'000) << "only the refunded fund share leaves";
    EXPECT_EQ(scalar("SELECT SUM(expired_fen) FROM alliance_voucher_credits"), 1000);
    expect_ledger_holds("a refund after expiry");
}

}  // namespace

namespace {

class alliance_advance_test : public alliance_voucher_test {};

TEST_F(alliance_advance_test, an_advance_pays_beyond_the_vouchers_and_the_next_dividend_repays_it_before_crediting) {
    const auto op = make_operator();
    set_pool(op, 40000, 1);
    auto A = member_store(op, 2000), B = member_store(op, 1000);
    const auto keyA = make_pos_key(A);
    const user a = sign_in(), b = sign_in();
    first_dividend(keyA, a, 1'000'000);
    ASSERT_EQ(balance(a), 1000);
    // The limit: a's lot of 200,000 cp at the next three rates (60, 70, 80 bp): 1,200 + 1,400 + 1,600;
    // the budget (2000 bp of the free fund, 98,000) has room for it.
    auto advance = vouchers_of(a).at("advance");
    EXPECT_EQ(advance.at("limit_fen").as_int64(), 4200);
    EXPECT_EQ(advance.at("outstanding_fen").as_int64(), 0);
    EXPECT_EQ(advance.at("available_fen").as_int64(), 4200);

    EXPECT_EQ(error_code(place(a, B, 12000, 5201)), "vouchers_over_balance") << "1,000 of vouchers and 4,200 of advance";
    // 5,000 of a 10,000 fen order: the 1,000 vouchers first, then 4,000 advanced; closed unpaid,
    // the advance is simply not taken.
    auto placed = ok(place(a, B, 10000, 5000), 201);
    EXPECT_EQ(balance(a), 0);
    EXPECT_EQ(vouchers_of(a).at("held_fen").as_int64(), 5000);
    EXPECT_EQ(vouchers_of(a).at("advance").at("outstanding_fen").as_int64(), 4000);
    EXPECT_EQ(vouchers_of(a).at("advance").at("available_fen").as_int64(), 200);
    expect_ledger_holds("an advance held");
    ok(call("POST", "/api/v1/me/orders/" + text(placed, {"order", "id"}) + "/close", a));
    EXPECT_EQ(balance(a), 1000);
    EXPECT_EQ(vouchers_of(a).at("advance").at("outstanding_fen").as_int64(), 0);
    expect_ledger_holds("an advance given back");

    // Again, and paid: the store is reimbursed the whole voucher part; a owes 4,000 of advance.
    placed = ok(place(a, B, 10000, 5000), 201);
    const auto id = text(placed, {"order", "id"});
    ASSERT_EQ(sim->send("POST", "/sim/v1/pay/transactions/" + text(placed, {"order", "out_trade_no"}) + "/succeed").status, 200);
    eventually([&] { return text(ok(call("GET", "/api/v1/me/orders/" + id, a)), {"order", "status"}) == "paid"; }, 10s, 50ms);
    EXPECT_EQ(account("voucher_reimbursement_receivable", B.id), 5000);
    EXPECT_EQ(vouchers_of(a).at("advance").at("outstanding_fen").as_int64(), 4000);
    expect_ledger_holds("an advance spent");
    EXPECT_EQ(ok(call("GET", "/api/v1/platform/alliance/dividends", op)).at("pool").at("books").at("advances_outstanding_fen").as_int64(), 4000);

    // Dividend 2 (b's order takes S past ceil(400,000 x 1.15)): a's lots release 1,200 + 3; all of
    // it repays the advance before anything is credited, so a gets no vouchers and no frame.
    paid(keyA, b, 1'000'000);
    vest_everything();
    run_job("pay-alliance-dividends");
    ASSERT_EQ(scalar("SELECT COUNT(*) FROM alliance_dividends WHERE number = 2 AND state = 'done'"), 1);
    EXPECT_EQ(scalar("SELECT amount_fen FROM alliance_voucher_credits WHERE dividend_number = 2 AND holder = 'consumer' AND user_id = ?", {a.id}), 1203);
    EXPECT_EQ(balance(a), 0);
    EXPECT_EQ(vouchers_of(a).at("advance").at("outstanding_fen").as_int64(), 4000 - 1203);
    EXPECT_EQ(balance(b), 1200) << "b owed nothing";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE kind = 'vouchers' AND user_id = ?", {a.id}), 1) << "dividend 1's frame only";
    expect_ledger_holds("an advance repaid by a dividend");
}

}  // namespace
