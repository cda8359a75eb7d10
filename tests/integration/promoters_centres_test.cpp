// Promoters and regional service centres on the real stack (docs/promoters-and-centres.md; issue
// 21), each test on a cluster of its own. The worked example: a store in 440305 (南山区) settles
// 50,000,000 fen of sales at a 1000 bp concession (one buyer locked to another member store): the
// platform net 2,400,000 gives the promoter 480,000, the county 240,000, the city 120,000, the
// province 72,000 and leaves the platform 1,488,000. A late refund is a negative line of the next
// month, carried (never paid below zero) and taken from the month after; the statements' drill-down
// names the reversal; the CSV and PDF exports are read back (the PDF with pdftotext); an operator
// records the payment (a ledger entry); the promoter and a centre's contact read their own and
// nobody else's. A region changed mid-month leaves each order with the code it was paid under.
// Refused, every reason at once: appointments on a taken code, outside the upper centre's dates,
// above the level's rate, paying for recruiting; a configuration sharing more than half. check-ledger
// holds after every step.
#include "tests/integration/support/alliance_cluster.hpp"
#include "tests/integration/support/store_api.hpp"

#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <thread>
#include <tuple>
#include <fstream>
#include <sstream>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class promoters_centres_test : public alliance_cluster_test {
protected:
    void SetUp() override { start_cluster("promoters", {}, false); }
    void TearDown() override { stop_cluster(); }

    static void expect_ledger_holds(const std::string& when) {
        auto [code, output] = check_ledger();
        EXPECT_EQ(code, 0) << when << ": " << output;
    }
    static std::string last_line_id() { return std::to_string(scalar("SELECT COALESCE(MAX(id), 0) FROM platform_net_lines")); }
    // The net lines written after `after`, moved into a month that has closed.
    static void lines_recorded_at(const std::string& after, const std::string& at) {
        execute("UPDATE platform_net_lines SET recorded_at = ? WHERE id > ?", {at, after});
    }
    static json::object appoint(const user& op, const std::string& level, const std::string& code, int rate, const std::string& from, const std::string& to,
                                const std::string& contract, http_reply* reply = nullptr, json::object extra = {}) {
        json::object body{{"level", level}, {"region_code", code}, {"name", level + " centre " + code}, {"contract_reference", contract},
                          {"rate_bp", rate},   {"starts_on", from},   {"ends_on", to}};
        for (const auto& kv : extra) body[kv.key()] = kv.value();
        auto r = call("POST", "/api/v1/platform/centres", op, body);
        if (reply) *reply = r;
        return r.status == 201 || r.status == 200 ? r.json().as_object() : json::object{};
    }
    static user add_cashier(const store& s) {
        const auto person = sign_in();
        ok(call("PUT", s.path() + "/staff/" + person.id, s.owner, json::object{{"role", "cashier"}}));
        return person;
    }
    static std::vector<std::string> problem_codes(const http_reply& r) {
        std::vector<std::string> out;
        const auto body = r.json();  // kept: the loop reads into it
        for (const auto& p : body.at("error").at("details").at("problems").as_array()) out.push_back(text(p, {"code"}));
        return out;
    }
    static json::object statement_of(const user& op, const std::string& period, const std::string& kind, const std::string& payee) {
        const auto page = ok(call("GET", "/api/v1/platform/shares/statements?period=" + period + "&payee_kind=" + kind + "&payee_id=" + payee, op));
        const auto& items = page.at("items").as_array();
        if (items.size() != 1) throw std::runtime_error("no single statement for " + kind + " " + payee + " in " + period + ": " + json::serialize(page));
        return items.at(0).as_object();
    }
};

TEST_F(promoters_centres_test, the_worked_example_a_late_refund_carried_exports_payment_and_the_payees_own_pages) {
    const auto op = make_operator();
    auto A = member_store(op, 1000);
    auto B = member_store(op, 1000);
    const auto key_a = make_pos_key(A), key_b = make_pos_key(B);

    // The region, set once by the owner; the same code again answers it; another is the operator's.
    const auto region_path = A.path() + "/region";
    EXPECT_EQ(text(call("PUT", region_path, A.owner, json::object{{"region_code", "440300"}}).json(), {"error", "code"}), "region_code_unknown")
        << "Shenzhen has districts: a store carries its district's code";
    EXPECT_EQ(call("PUT", region_path, A.owner, json::object{{"region_code", "44030x"}}).status, 400);
    auto set = call("PUT", region_path, A.owner, json::object{{"region_code", "440305"}});
    ASSERT_EQ(set.status, 201) << set.body;
    EXPECT_EQ(set.json().at("chain").as_array().size(), 3u);
    EXPECT_EQ(text(set.json().at("chain").at(2), {"name"}), "南山区");
    EXPECT_EQ(call("PUT", region_path, A.owner, json::object{{"region_code", "440305"}}).status, 200);
    EXPECT_EQ(text(call("PUT", region_path, A.owner, json::object{{"region_code", "440306"}}).json(), {"error", "code"}), "region_already_set");
    EXPECT_EQ(call("PUT", region_path, add_cashier(A), json::object{{"region_code", "440305"}}).status, 403);

    // The promoter, bound with its invite code; the first binding wins.
    const user p = sign_in(), q = sign_in();
    const auto promoter = ok(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", p.id}, {"name", "李推广"}}), 201).at("promoter");
    const auto other = ok(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", q.id}, {"name", "王推广"}}), 201).at("promoter");
    const auto promoter_id = text(promoter, {"id"});
    EXPECT_EQ(text(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", p.id}, {"name", "again"}}).json(), {"error", "code"}),
              "promoter_exists");
    const auto invite = text(promoter, {"invite_code"});
    ASSERT_EQ(invite.size(), 8u);
    EXPECT_EQ(text(call("POST", A.path() + "/promoter", A.owner, json::object{{"invite_code", "ZZZZZZZZ"}}).json(), {"error", "code"}), "invite_code_unknown");
    ASSERT_EQ(call("POST", A.path() + "/promoter", A.owner, json::object{{"invite_code", invite}}).status, 201);
    EXPECT_EQ(call("POST", A.path() + "/promoter", A.owner, json::object{{"invite_code", invite}}).status, 200);
    EXPECT_EQ(text(call("POST", A.path() + "/promoter", A.owner, json::object{{"invite_code", text(other, {"invite_code"})}}).json(), {"error", "code"}),
              "promoter_already_bound");

    // The centres: province, city, county, each within the one above; a contact reads the county's.
    const user contact = sign_in();
    http_reply r;
    appoint(op, "province", "440000", 300, "2026-01-01", "2028-12-31", "GD-2026", &r);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto province = text(r.json(), {"centre", "id"});
    appoint(op, "city", "440300", 500, "2026-01-01", "2027-12-31", "SZ-2026", &r);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto city = text(r.json(), {"centre", "id"});
    appoint(op, "county", "440305", 1000, "2026-01-01", "2027-06-30", "NS-2026", &r, json::object{{"contact_user_id", contact.id}});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto county = text(r.json(), {"centre", "id"});
    appoint(op, "county", "440305", 1000, "2026-01-01", "2027-06-30", "NS-2026", &r, json::object{{"contact_user_id", contact.id}});
    EXPECT_EQ(r.status, 200) << "the same contract again: " << r.body;
    // Refused with every reason: the code taken meanwhile, past the city's end, above the level's
    // rate, and paid for recruiting and from other centres.
    appoint(op, "county", "440305", 1200, "2027-01-01", "2028-06-30", "NS-2027", &r,
            json::object{{"fee_income_bp", 100}, {"override_bp", 50}, {"recruitment_reward_fen", 10000}});
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(problem_codes(r), (std::vector<std::string>{"rate_above_level", "territory_taken", "dates_outside_upper", "centre_fee_income",
                                                          "centre_override", "recruitment_reward"}));
    appoint(op, "county", "440300", 1000, "2026-01-01", "2026-12-31", "X-1", &r);
    EXPECT_EQ(problem_codes(r), std::vector<std::string>{"region_level_mismatch"}) << "a city's code for a county centre";
    appoint(A.owner, "county", "440306", 100, "2026-01-01", "2026-12-31", "X-2", &r);
    EXPECT_EQ(r.status, 403) << "only the platform appoints";

    // The configuration: more than half of the net, or a level below a running contract, refused.
    auto config = ok(call("GET", "/api/v1/platform/shares/config", op)).at("in_force").as_object();
    EXPECT_EQ(config.at("version").as_int64(), 0);
    EXPECT_EQ(config.at("promoter_bp").as_int64(), 2000);
    json::object bad{{"promoter_bp", 3000}, {"promoter_term_months", 0}, {"assist_fee_fen", 0}, {"assist_min_orders", 30},
                     {"county_bp", 900},    {"city_bp", 500},            {"province_bp", 300}};
    auto refused = call("PUT", "/api/v1/platform/shares/config", op, bad);
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(problem_codes(refused), (std::vector<std::string>{"out_of_range", "below_contract_rate"}))
        << "3000 + 900 + 500 + 300 = 4700 is within half; the term and the county's cap are not";

    // September: x (locked to B by a first payment there) pays 10,000,000 at A, y 40,000,000 in
    // four orders: K 5,000,000, the fund 2,500,000, x's lock reward for B 100,000: net 2,400,000.
    const user x = sign_in(), y = sign_in();
    paid(key_b, x, 100);
    const auto lines_before = last_line_id();
    paid(key_a, x, 10'000'000);
    std::vector<http_reply> y_orders;
    for (int i = 0; i < 4; ++i) y_orders.push_back(paid(key_a, y, 10'000'000));
    vest_everything();
    lines_recorded_at(lines_before, "2026-09-15 04:00:00");
    expect_ledger_holds("settled");

    auto issued = ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-09"}}));
    EXPECT_EQ(issued.at("issued").as_int64(), 4) << json::serialize(issued);
    EXPECT_EQ(ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-09"}})).at("existing").as_int64(), 4);
    EXPECT_EQ(text(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2099-01"}}).json(), {"error", "code"}),
              "statement_period_open");
    const auto sep_promoter = statement_of(op, "2026-09", "promoter", promoter_id);
    EXPECT_EQ(sep_promoter.at("base_fen").as_int64(), 2'400'000);
    EXPECT_EQ(sep_promoter.at("share_fen").as_int64(), 480'000);
    EXPECT_EQ(sep_promoter.at("payable_fen").as_int64(), 480'000);
    EXPECT_EQ(text(sep_promoter, {"state"}), "due");
    const auto sep_county = statement_of(op, "2026-09", "centre", county);
    EXPECT_EQ(sep_county.at("share_fen").as_int64(), 240'000);
    EXPECT_EQ(statement_of(op, "2026-09", "centre", city).at("share_fen").as_int64(), 120'000);
    EXPECT_EQ(statement_of(op, "2026-09", "centre", province).at("share_fen").as_int64(), 72'000);
    EXPECT_EQ(2'400'000 - 480'000 - 240'000 - 120'000 - 72'000, 1'488'000) << "what the platform keeps";
    EXPECT_EQ(scalar("SELECT -balance FROM ledger_accounts WHERE kind = 'share_commission_payable'"), 912'000);
    expect_ledger_holds("September issued");

    // The drill-down and the exports.
    const auto sep_id = text(sep_promoter, {"id"});
    auto detail = ok(call("GET", "/api/v1/platform/shares/statements/" + sep_id, op));
    ASSERT_EQ(detail.at("merchants").as_array().size(), 1u);
    EXPECT_EQ(detail.at("merchants").at(0).at("settled_orders").as_int64(), 5);
    EXPECT_EQ(detail.at("merchants").at(0).at("settled_fen").as_int64(), 2'400'000);
    EXPECT_EQ(text(detail.at("merchants").at(0), {"region_code"}), "440305");
    auto csv = call("GET", "/api/v1/platform/shares/statements/" + sep_id + "/export?format=csv", op);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_NE(csv.body.find("分成 Share (yuan),4800.00"), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find("李推广"), std::string::npos);
    auto pdf = call("GET", "/api/v1/platform/shares/statements/" + sep_id + "/export?format=pdf", op);
    ASSERT_EQ(pdf.status, 200);
    ASSERT_EQ(pdf.body.substr(0, 8), "%PDF-1.4");
    const auto path = make_temp_dir("share-pdf") + "/statement.pdf";
    std::ofstream(path, std::ios::binary) << pdf.body;
    ASSERT_EQ(std::system(("pdftotext -layout " + path + " " + path + ".txt").c_str()), 0) << "pdftotext (poppler-utils) reads the export";
    std::stringstream extracted;
    extracted << std::ifstream(path + ".txt").rdbuf();
    EXPECT_NE(extracted.str().find("分润对账单 Share statement 2026-09"), std::string::npos) << extracted.str();
    EXPECT_NE(extracted.str().find("李推广"), std::string::npos) << extracted.str();
    EXPECT_NE(extracted.str().find("4800.00"), std::string::npos) << extracted.str();
    EXPECT_NE(extracted.str().find("24000.00"), std::string::npos) << "the platform net: " << extracted.str();
    EXPECT_EQ(call("GET", "/api/v1/platform/shares/statements/" + sep_id + "/export?format=xls", op).status, 400);

    // October: a quarter of one of y's orders refunded after it settled: a quarter of that order's
    // net of 500,000 comes back as a negative line, and the promoter's part of it is carried.
    const auto refund_lines = last_line_id();
    const auto order_id = text(y_orders[0].json(), {"order", "merchant_order_id"});
    ASSERT_EQ(pos_call(key_a, "/api/v1/pos/refunds", json::object{{"merchant_order_id", order_id}, {"merchant_refund_id", "R-1"}, {"amount_fen", 2'500'000}})
                  .status,
              201);
    lines_recorded_at(refund_lines, "2026-10-10 04:00:00");
    EXPECT_EQ(ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-10"}})).at("issued").as_int64(), 4);
    const auto oct_promoter = statement_of(op, "2026-10", "promoter", promoter_id);
    EXPECT_EQ(oct_promoter.at("base_fen").as_int64(), -125'000) << "a quarter of that order's 500,000";
    EXPECT_EQ(oct_promoter.at("share_fen").as_int64(), -25'000);
    EXPECT_EQ(oct_promoter.at("payable_fen").as_int64(), 0);
    EXPECT_EQ(oct_promoter.at("carried_out_fen").as_int64(), -25'000);
    EXPECT_EQ(text(oct_promoter, {"state"}), "nothing_due");
    auto oct_detail = ok(call("GET", "/api/v1/platform/shares/statements/" + text(oct_promoter, {"id"}), op));
    ASSERT_EQ(oct_detail.at("reversals").as_array().size(), 1u);
    EXPECT_EQ(oct_detail.at("reversals").at(0).at("net_fen").as_int64(), -125'000);
    EXPECT_EQ(text(oct_detail.at("reversals").at(0), {"order_id"}), text(y_orders[0].json(), {"order", "id"}));
    EXPECT_EQ(statement_of(op, "2026-10", "centre", county).at("carried_out_fen").as_int64(), -12'500);
    EXPECT_EQ(text(call("POST", "/api/v1/platform/shares/statements/" + text(oct_promoter, {"id"}) + "/pay", op,
                        json::object{{"payment_reference", "BANK-1"}})
                       .json(),
                   {"error", "code"}),
              "share_statement_nothing_due");
    expect_ledger_holds("October issued");

    // November: y pays 1,000,000 more: net 50,000, the promoter's 10,000 less October's 25,000 carried.
    const auto nov_lines = last_line_id();
    paid(key_a, y, 1'000'000);
    vest_everything();
    lines_recorded_at(nov_lines, "2026-11-20 04:00:00");
    ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-11"}}));
    const auto nov_promoter = statement_of(op, "2026-11", "promoter", promoter_id);
    EXPECT_EQ(nov_promoter.at("share_fen").as_int64(), 10'000);
    EXPECT_EQ(nov_promoter.at("carried_in_fen").as_int64(), -25'000);
    EXPECT_EQ(nov_promoter.at("payable_fen").as_int64(), 0);
    EXPECT_EQ(nov_promoter.at("carried_out_fen").as_int64(), -15'000);
    // The job finds the closed months issued; it reads them once.
    auto job = run_job("issue-share-statements");
    EXPECT_EQ(job.at("issued").as_int64(), 0) << json::serialize(job);
    EXPECT_TRUE(run_job("issue-share-statements").at("skipped").as_bool());

    // September's promoter statement paid by transfer (two at once: one pays, one replays).
    http_reply one, two;
    std::thread t1([&] { one = call("POST", "/api/v1/platform/shares/statements/" + sep_id + "/pay", op, json::object{{"payment_reference", "BANK-9"}}); });
    std::thread t2([&] { two = call("POST", "/api/v1/platform/shares/statements/" + sep_id + "/pay", op, json::object{{"payment_reference", "BANK-9"}}); });
    t1.join();
    t2.join();
    ASSERT_EQ(one.status, 200) << one.body;
    ASSERT_EQ(two.status, 200) << two.body;
    EXPECT_NE(one.json().at("replayed").as_bool(), two.json().at("replayed").as_bool());
    EXPECT_EQ(text(one.json(), {"statement", "state"}), "paid");
    EXPECT_EQ(text(call("POST", "/api/v1/platform/shares/statements/" + sep_id + "/pay", op, json::object{{"payment_reference", "BANK-10"}}).json(),
                   {"error", "code"}),
              "share_statement_paid");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'share_payment'"), 1);
    EXPECT_EQ(scalar("SELECT -balance FROM ledger_accounts WHERE kind = 'share_commission_payable'"), 912'000 - 480'000);
    expect_ledger_holds("paid");

    // The payees' own pages: the promoter's merchants and statements; the contact's centre; nobody else's.
    auto mine = ok(call("GET", "/api/v1/me/promoter", p));
    ASSERT_EQ(mine.at("merchants").as_array().size(), 1u);
    EXPECT_EQ(text(mine.at("merchants").at(0), {"merchant", "id"}), A.id);
    EXPECT_FALSE(mine.at("merchants").at(0).at("term_ends_at").is_null());
    EXPECT_EQ(ok(call("GET", "/api/v1/me/share-statements", p)).at("items").as_array().size(), 3u);
    EXPECT_EQ(call("GET", "/api/v1/me/share-statements/" + text(sep_county, {"id"}), p).status, 404) << "a centre's statement";
    EXPECT_EQ(call("GET", "/api/v1/me/share-statements/" + sep_id + "/export?format=csv", p).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/me/promoter", contact).status, 403);
    auto centres = ok(call("GET", "/api/v1/me/centres", contact));
    ASSERT_EQ(centres.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(centres.at("items").at(0), {"id"}), county);
    EXPECT_EQ(ok(call("GET", "/api/v1/me/share-statements", contact)).at("items").as_array().size(), 3u);
    EXPECT_EQ(ok(call("GET", "/api/v1/me/share-statements/" + text(sep_county, {"id"}), contact)).at("merchants").as_array().size(), 1u);
    EXPECT_EQ(call("GET", "/api/v1/me/share-statements/" + sep_id, contact).status, 404);
    EXPECT_EQ(call("GET", "/api/v1/me/centres", y).status, 403);
    EXPECT_EQ(call("GET", "/api/v1/me/share-statements", y).status, 403);
}

TEST_F(promoters_centres_test, a_region_changed_mid_month_leaves_each_order_its_code_and_an_operator_moves_a_promoter_with_a_reason) {
    const auto op = make_operator();
    auto A = member_store(op, 1000);
    const auto key = make_pos_key(A);
    ok(call("PUT", A.path() + "/region", A.owner, json::object{{"region_code", "440305"}}), 201);
    http_reply r;
    appoint(op, "county", "440305", 1000, "2026-01-01", "2027-12-31", "NS-1", &r);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto nanshan = text(r.json(), {"centre", "id"});
    appoint(op, "county", "440306", 800, "2026-01-01", "2027-12-31", "BA-1", &r);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto baoan = text(r.json(), {"centre", "id"});
    // A city centre appointed later may not end before the counties under it do.
    appoint(op, "city", "440300", 500, "2026-01-01", "2026-12-31", "SZ-1", &r);
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(problem_codes(r), std::vector<std::string>{"lower_outside_dates"});
    appoint(op, "city", "440300", 500, "2026-01-01", "2027-12-31", "SZ-1", &r);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto shenzhen_centre = text(r.json(), {"centre", "id"});
    // Nor end early while they run on.
    EXPECT_EQ(text(call("POST", "/api/v1/platform/centres/" + shenzhen_centre + "/terminate", op,
                        json::object{{"ends_on", "2027-06-30"}, {"reason", "restructuring"}})
                       .json(),
                   {"error", "code"}),
              "centre_end_invalid");

    const user buyer = sign_in();
    const auto before = last_line_id();
    paid(key, buyer, 1'000'000);  // net 50,000 under 440305
    // The operator moves the store to 宝安区 (440306): a reason is required, and audited.
    EXPECT_EQ(call("PUT", "/api/v1/platform/merchants/" + A.id + "/region", op, json::object{{"region_code", "440306"}}).status, 400);
    EXPECT_EQ(call("PUT", "/api/v1/platform/merchants/" + A.id + "/region", A.owner, json::object{{"region_code", "440306"}, {"reason", "x"}}).status, 403);
    auto moved = ok(call("PUT", "/api/v1/platform/merchants/" + A.id + "/region", op,
                         json::object{{"region_code", "440306"}, {"reason", "licence re-issued at the new address"}}));
    EXPECT_EQ(text(moved, {"region_code"}), "440306");
    ASSERT_EQ(moved.at("changes").as_array().size(), 2u);
    EXPECT_EQ(text(moved.at("changes").at(1), {"from_code"}), "440305");
    EXPECT_EQ(text(moved.at("changes").at(1), {"reason"}), "licence re-issued at the new address");
    paid(key, buyer, 2'000'000);  // net 100,000 under 440306
    vest_everything();
    lines_recorded_at(before, "2026-11-05 04:00:00");
    ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-11"}}));
    EXPECT_EQ(statement_of(op, "2026-11", "centre", nanshan).at("base_fen").as_int64(), 50'000) << "the order paid before the change";
    EXPECT_EQ(statement_of(op, "2026-11", "centre", baoan).at("base_fen").as_int64(), 100'000);
    EXPECT_EQ(statement_of(op, "2026-11", "centre", baoan).at("share_fen").as_int64(), 8'000);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT region_code) FROM alliance_accruals WHERE merchant_id = ?", {A.id}), 2);

    // The region table shows the store under 440300 and the centres in force.
    auto shenzhen = ok(call("GET", "/api/v1/platform/regions?parent=440300", op));
    bool seen = false;
    for (const auto& item : shenzhen.at("items").as_array())
        if (text(item, {"code"}) == "440306") {
            seen = true;
            EXPECT_EQ(item.at("merchants").as_int64(), 1);
            EXPECT_EQ(item.at("centres").as_array().size(), 1u);
        }
    EXPECT_TRUE(seen);
    EXPECT_EQ(ok(call("GET", "/api/v1/platform/regions", op)).at("items").as_array().size(), 31u) << "the provinces";
    EXPECT_EQ(call("GET", "/api/v1/platform/regions?parent=999999", op).status, 422);

    // Promoters: the operator binds and moves a store, with a reason, audited; the store's staff see who.
    const user p1 = sign_in(), p2 = sign_in();
    const auto first = text(ok(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", p1.id}, {"name", "P1"}}), 201), {"promoter", "id"});
    const auto second = text(ok(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", p2.id}, {"name", "P2"}}), 201), {"promoter", "id"});
    const auto assign_path = "/api/v1/platform/merchants/" + A.id + "/promoter";
    ok(call("PUT", assign_path, op, json::object{{"promoter_id", first}, {"reason", "signed at the fair"}}));
    auto reassigned = ok(call("PUT", assign_path, op, json::object{{"promoter_id", second}, {"reason", "P1 left the region"}}));
    EXPECT_EQ(text(reassigned, {"binding", "promoter", "id"}), second);
    ASSERT_EQ(reassigned.at("changes").as_array().size(), 2u);
    EXPECT_EQ(text(reassigned.at("changes").at(1), {"from_promoter_id"}), first);
    EXPECT_EQ(text(reassigned.at("changes").at(1), {"source"}), "operator");
    EXPECT_EQ(call("PUT", assign_path, op, json::object{{"promoter_id", "999999"}, {"reason", "x"}}).status, 404);
    EXPECT_EQ(text(ok(call("GET", A.path() + "/promoter", add_cashier(A))), {"binding", "promoter", "name"}), "P2");
    auto profile = ok(call("GET", "/api/v1/platform/promoters/" + second, op));
    EXPECT_EQ(profile.at("merchants").as_array().size(), 1u);
    EXPECT_EQ(ok(call("GET", "/api/v1/platform/promoters", op)).at("items").as_array().size(), 2u);

    // A centre ended early: from its last day on it shares nothing.
    auto ended = ok(call("POST", "/api/v1/platform/centres/" + baoan + "/terminate", op, json::object{{"ends_on", "2026-11-30"}, {"reason", "contract breach"}}));
    EXPECT_EQ(text(ended, {"centre", "ends_on"}), "2026-11-30");
    EXPECT_EQ(text(call("POST", "/api/v1/platform/centres/" + baoan + "/terminate", op, json::object{{"ends_on", "2028-01-01"}, {"reason", "x"}}).json(),
                   {"error", "code"}),
              "centre_end_invalid");
    const auto december = last_line_id();
    paid(key, buyer, 1'000'000);
    vest_everything();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM platform_net_lines WHERE id > ? AND county_centre_id IS NULL", {december}), 1) << "vacant: the platform keeps it";
    expect_ledger_holds("after all");
}

TEST_F(promoters_centres_test, assist_fees_above_the_floor_an_issue_catching_up_on_earlier_months_and_a_term_that_ends) {
    const auto op = make_operator();
    auto A = member_store(op, 1000);
    const auto key = make_pos_key(A);
    const user p = sign_in();
    const auto promoter = text(ok(call("POST", "/api/v1/platform/promoters", op, json::object{{"user_id", p.id}, {"name", "P"}}), 201), {"promoter", "id"});
    ok(call("PUT", "/api/v1/platform/merchants/" + A.id + "/promoter", op, json::object{{"promoter_id", promoter}, {"reason", "signed"}}));
    // A 30.00 assist fee a month for a store with at least two orders settled in it.
    auto config = ok(call("PUT", "/api/v1/platform/shares/config", op,
                          json::object{{"promoter_bp", 2000}, {"promoter_term_months", 24}, {"assist_fee_fen", 3000}, {"assist_min_orders", 2},
                                       {"county_bp", 1000}, {"city_bp", 500}, {"province_bp", 300}}));
    EXPECT_EQ(config.at("in_force").at("version").as_int64(), 1);
    EXPECT_EQ(config.at("history").as_array().size(), 1u);

    // September: two orders of 1,000.00 (net 50.00 each); October: one.
    const user buyer = sign_in();
    auto before = last_line_id();
    paid(key, buyer, 100'000);
    paid(key, buyer, 100'000);
    vest_everything();
    lines_recorded_at(before, "2026-09-10 04:00:00");
    before = last_line_id();
    paid(key, buyer, 100'000);
    vest_everything();
    lines_recorded_at(before, "2026-10-10 04:00:00");

    // The operator issues October first: September is issued before it, so its carry runs in order.
    ok(call("POST", "/api/v1/platform/shares/statements", op, json::object{{"period", "2026-10"}}));
    const auto sep = statement_of(op, "2026-09", "promoter", promoter);
    EXPECT_EQ(sep.at("share_fen").as_int64(), 2'000);
    EXPECT_EQ(sep.at("assist_fen").as_int64(), 3'000) << "two orders: at the floor";
    EXPECT_EQ(sep.at("payable_fen").as_int64(), 5'000);
    const auto oct = statement_of(op, "2026-10", "promoter", promoter);
    EXPECT_EQ(oct.at("share_fen").as_int64(), 1'000);
    EXPECT_EQ(oct.at("assist_fen").as_int64(), 0) << "one order: below the floor";
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM share_statement_periods WHERE period IN ('2026-09', '2026-10')"), 2);
    auto csv = call("GET", "/api/v1/platform/shares/statements/" + text(sep, {"id"}) + "/export", op);
    EXPECT_NE(csv.body.find("辅助经营费 Assist fees (yuan),30.00"), std::string::npos) << csv.body;

    // The term ended: an order settled after it is the platform's alone.
    execute("UPDATE merchant_promoters SET term_ends_at = UTC_TIMESTAMP(6) - INTERVAL 1 DAY WHERE merchant_id = ?", {A.id});
    before = last_line_id();
    paid(key, buyer, 100'000);
    vest_everything();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM platform_net_lines WHERE id > ? AND promoter_id IS NULL AND promoter_bp = 0", {before}), 1);
    expect_ledger_holds("after all");

    // check-ledger names a statement whose share does not follow from its lines, and an order
    // settled without its line.
    const auto sep_id = text(sep, {"id"});
    execute("UPDATE share_statements SET share_fen = share_fen + 1, payable_fen = payable_fen + 1 WHERE id = ?", {sep_id});
    auto [code, output] = check_ledger();
    EXPECT_NE(code, 0);
    EXPECT_NE(output.find("share statement " + sep_id), std::string::npos) << output;
    execute("UPDATE share_statements SET share_fen = share_fen - 1, payable_fen = payable_fen - 1 WHERE id = ?", {sep_id});
    const auto order = std::to_string(scalar("SELECT MAX(order_id) FROM platform_net_lines"));
    execute("DELETE FROM platform_net_lines WHERE order_id = ?", {order});
    std::tie(code, output) = check_ledger();
    EXPECT_NE(code, 0);
    EXPECT_NE(output.find("order " + order), std::string::npos) << output;
}

}  // namespace
