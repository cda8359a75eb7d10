// Partners, card packs, share links and the claim that decides lead ownership, against the real
// server, MariaDB, Redis and the WeChat simulator.
#include "tests/integration/support/store_api.hpp"

#include <atomic>
#include <latch>
#include <map>
#include <set>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
namespace json = boost::json;

namespace {

class partner_claim_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }
};

TEST_F(partner_claim_test, a_cash_buy_in_enrols_a_partner_credits_stored_value_and_sets_the_tier) {
    store bare{sign_in(), "", ""};
    bare.id = text(ok(call("POST", "/api/v1/merchants", bare.owner, json::object{{"name", "no tiers yet"}}), 201), {"merchant", "id"});
    auto someone = sign_in();
    auto refused = call("POST", bare.path() + "/partners", bare.owner, json::object{{"user_id", someone.id}, {"amount_fen", 1000000}});
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(error_code(refused), "no_tiers");

    auto s = open_store();
    auto cashier = sign_in();
    ok(call("PUT", s.path() + "/staff/" + cashier.id, s.owner, json::object{{"role", "cashier"}}));
    auto person = sign_in();
    auto low = call("POST", s.path() + "/partners", cashier, json::object{{"user_id", person.id}, {"amount_fen", 999999}});
    EXPECT_EQ(low.status, 400);
    EXPECT_EQ(error_code(low), "below_lowest_tier");
    auto bad_id = call("POST", s.path() + "/partners", cashier, json::object{{"user_id", "12a"}, {"amount_fen", 1000000}});
    EXPECT_EQ(bad_id.status, 400);

    // The cashier records cash at the desk; the desk's request id makes a double tap harmless.
    const auto request_id = "desk-" + random_hex(6);
    const json::object payment{{"user_id", person.id}, {"amount_fen", 1000000}, {"note", "现金"}, {"request_id", request_id}};
    auto enrolled = ok(call("POST", s.path() + "/partners", cashier, payment), 201);
    const auto partner_id = text(enrolled, {"partner", "id"});
    EXPECT_EQ(text(enrolled, {"partner", "tier", "name"}), "银卡");
    EXPECT_EQ(enrolled.at("partner").at("stored_value_fen").as_int64(), 1000000);
    EXPECT_EQ(enrolled.at("partner").at("buy_ins").as_array().size(), 1u);

    auto again = ok(call("POST", s.path() + "/partners", cashier, payment), 200);
    EXPECT_TRUE(again.at("replayed").as_bool());
    EXPECT_EQ(again.at("partner").at("stored_value_fen").as_int64(), 1000000) << "a replay writes nothing";
    auto reused = call("POST", s.path() + "/partners/" + partner_id + "/buy-ins", cashier,
                       json::object{{"amount_fen", 5}, {"request_id", request_id}});
    EXPECT_EQ(reused.status, 409);
    EXPECT_EQ(error_code(reused), "request_id_reused");
    auto twice = call("POST", s.path() + "/partners", cashier, json::object{{"user_id", person.id}, {"amount_fen", 1000000}});
    EXPECT_EQ(twice.status, 409);
    EXPECT_EQ(error_code(twice), "already_partner");

    // Topping up to 30,000 yuan reaches the gold tier.
    auto topped = ok(call("POST", s.path() + "/partners/" + partner_id + "/buy-ins", cashier, json::object{{"amount_fen", 2000000}}), 201);
    EXPECT_EQ(text(topped, {"partner", "tier", "name"}), "金卡");
    EXPECT_EQ(topped.at("partner").at("total_buy_in_fen").as_int64(), 3000000);
    EXPECT_EQ(topped.at("partner").at("stored_value_fen").as_int64(), 3000000);

    // The ledger holds both cash payments: desk cash debited, the partner's stored value credited,
    // and the cached balances equal the entries.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_transactions WHERE merchant_id = ? AND kind = 'buy_in_cash'", {s.id}), 2);
    EXPECT_EQ(scalar("SELECT -balance FROM ledger_accounts WHERE merchant_id = ? AND kind = 'stored_value' AND user_id = ?", {s.id, person.id}),
              3000000);
    EXPECT_EQ(scalar("SELECT balance FROM ledger_accounts WHERE merchant_id = ? AND kind = 'desk_cash'", {s.id}), 3000000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger_accounts a WHERE a.merchant_id = ? AND a.balance <> "
                     "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE debit_account_id = a.id) - "
                     "(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE credit_account_id = a.id)",
                     {s.id}),
              0);

    // The partner sees the membership; a cashier may not pause, a manager or the owner may.
    auto mine = ok(call("GET", "/api/v1/partners/me", person));
    ASSERT_EQ(mine.at("memberships").as_array().size(), 1u);
    EXPECT_EQ(text(mine.at("memberships").at(0), {"merchant", "id"}), s.id);
    EXPECT_EQ(call("PATCH", s.path() + "/partners/" + partner_id, cashier, json::object{{"status", "paused"}}).status, 403);
    auto paused = ok(call("PATCH", s.path() + "/partners/" + partner_id, s.owner,
                          json::object{{"status", "paused"}, {"inactive_dividends", "stop"}, {"note", "休假"}}));
    EXPECT_EQ(text(paused, {"partner", "status"}), "paused");
    EXPECT_EQ(text(paused, {"partner", "inactive_dividends"}), "stop");
    auto no_pack = call("POST", s.path() + "/partners/" + partner_id + "/card-packs", s.owner, json::object{{"card_template_id", s.card_template_id}});
    EXPECT_EQ(no_pack.status, 409);
    EXPECT_EQ(error_code(no_pack), "partner_not_active");
    ok(call("PATCH", s.path() + "/partners/" + partner_id, s.owner, json::object{{"status", "ended"}}));
    auto after_end = call("PATCH", s.path() + "/partners/" + partner_id, s.owner, json::object{{"status", "active"}});
    EXPECT_EQ(after_end.status, 409);
    EXPECT_EQ(error_code(after_end), "partner_ended");

    auto listed = ok(call("GET", s.path() + "/partners?status=ended", s.owner));
    ASSERT_EQ(listed.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(listed.at("items").at(0), {"id"}), partner_id);
    EXPECT_EQ(call("GET", s.path() + "/partners?status=gone", s.owner).status, 400);
}

TEST_F(partner_claim_test, card_packs_default_to_100_and_refuse_more_than_200_or_another_stores_card) {
    auto s = open_store();
    auto other = open_store();
    auto person = sign_in();
    const auto partner_id =
        text(ok(call("POST", s.path() + "/partners", s.owner, json::object{{"user_id", person.id}, {"amount_fen", 1000000}}), 201), {"partner", "id"});
    auto pack = ok(call("POST", s.path() + "/partners/" + partner_id + "/card-packs", s.owner, json::object{{"card_template_id", s.card_template_id}}), 201);
    EXPECT_EQ(pack.at("card_pack").at("quota").as_int64(), 100);
    EXPECT_EQ(pack.at("card_pack").at("quota_left").as_int64(), 100);
    EXPECT_EQ(call("POST", s.path() + "/partners/" + partner_id + "/card-packs", s.owner,
                   json::object{{"card_template_id", s.card_template_id}, {"quota", 201}})
                  .status,
              400);
    auto foreign = call("POST", s.path() + "/partners/" + partner_id + "/card-packs", s.owner, json::object{{"card_template_id", other.card_template_id}});
    EXPECT_EQ(foreign.status, 404);
    EXPECT_EQ(error_code(foreign), "card_template_not_found");

    auto cards = ok(call("GET", "/api/v1/partners/me/cards", person));
    ASSERT_EQ(cards.at("items").as_array().size(), 1u);
    EXPECT_EQ(text(cards.at("items").at(0), {"card", "title"}), "VIP 会员卡");
    // Someone else cannot share my pack: it does not exist for them.
    EXPECT_EQ(call("POST", "/api/v1/partners/me/cards/" + text(pack, {"card_pack", "id"}) + "/shares", sign_in()).status, 404);
}

TEST_F(partner_claim_test, a_share_carries_only_a_code_and_its_public_view_shows_no_partner) {
    auto s = open_store();
    auto p = enrol(s);
    auto created = ok(call("POST", "/api/v1/partners/me/cards/" + p.pack_id + "/shares", p.person), 201);
    const auto code = text(created, {"share_code"});
    EXPECT_EQ(code.size(), 16u);
    EXPECT_EQ(code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
    EXPECT_EQ(text(created, {"path"}), "/pages/share/index?code=" + code);
    EXPECT_EQ(text(created, {"qr_scene"}), "c=" + code);
    EXPECT_LE(text(created, {"qr_scene"}).size(), 32u);
    EXPECT_EQ(text(created, {"qr_url"}), "/api/v1/shares/" + code + "/qr.png");
    EXPECT_NE(code, p.share_code);

    auto view = call("GET", "/api/v1/shares/" + code, user{});
    ASSERT_EQ(view.status, 200) << view.body;
    const auto body = view.json();
    EXPECT_EQ(text(body, {"state"}), "open");
    EXPECT_TRUE(body.at("claimable").as_bool());
    EXPECT_EQ(text(body, {"merchant", "id"}), s.id);
    EXPECT_EQ(text(body, {"card", "benefit"}), "全场九折");
    // Nothing but the card and its store: the exact set of fields (a substring search for the
    // partner's ids would collide with a store id of the same digits).
    auto keys = [](const json::object& o) {
        std::set<std::string> out;
        for (const auto& [k, v] : o) out.insert(std::string(k));
        return out;
    };
    EXPECT_EQ(keys(body.as_object()), (std::set<std::string>{"share_code", "merchant", "card", "state", "claimable"})) << view.body;
    EXPECT_EQ(keys(body.at("merchant").as_object()), (std::set<std::string>{"id", "name"})) << view.body;
    EXPECT_EQ(keys(body.at("card").as_object()),
              (std::set<std::string>{"kind", "title", "benefit", "valid_from", "valid_until", "cover_url"}))
        << view.body;
    EXPECT_EQ(call("GET", "/api/v1/shares/AAAAAAAAAAAAAAAA", user{}).status, 404);
    EXPECT_EQ(call("GET", "/api/v1/shares/short", user{}).status, 404);

    // The QR code comes from getwxacodeunlimit once; the second fetch is served from the cache.
    const auto before = sim->calls("getwxacodeunlimit");
    auto png = call("GET", "/api/v1/shares/" + code + "/qr.png", user{});
    ASSERT_EQ(png.status, 200) << png.body;
    EXPECT_EQ(png.header("content-type"), "image/png");
    EXPECT_EQ(png.body.substr(1, 3), "PNG");
    auto png_again = call("GET", "/api/v1/shares/" + code + "/qr.png", user{});
    ASSERT_EQ(png_again.status, 200);
    EXPECT_EQ(png_again.body, png.body);
    EXPECT_EQ(sim->calls("getwxacodeunlimit"), before + 1);

    // Revoked: the link, its QR code and a claim through it are dead.
    EXPECT_EQ(call("DELETE", "/api/v1/partners/me/shares/" + code, sign_in()).status, 404) << "only the partner can revoke";
    ok(call("DELETE", "/api/v1/partners/me/shares/" + code, p.person));
    EXPECT_EQ(text(ok(call("GET", "/api/v1/shares/" + code, user{})), {"state"}), "revoked");
    EXPECT_EQ(call("GET", "/api/v1/shares/" + code + "/qr.png", user{}).status, 404);
    EXPECT_EQ(claim(sign_in(), code), "revoked");
}

TEST_F(partner_claim_test, each_claim_outcome) {
    auto s = open_store();
    auto a = enrol(s), b = enrol(s);
    auto customer = sign_in();
    EXPECT_EQ(claim(customer, a.share_code), "claimed");
    EXPECT_EQ(claim(customer, a.share_code), "already_yours");
    EXPECT_EQ(claim(customer, b.share_code), "owned_by_other");
    auto owned = ok(call("POST", "/api/v1/shares/" + b.share_code + "/claim", customer));
    EXPECT_FALSE(owned.at("holds_card").as_bool()) << "by default an owned customer gets no card from another partner";
    // The owner is not revealed: only these fields, and the store's own.
    std::set<std::string> fields;
    for (const auto& [k, v] : owned.as_object()) fields.insert(std::string(k));
    EXPECT_EQ(fields, (std::set<std::string>{"outcome", "merchant", "holds_card", "card"})) << json::serialize(owned);
    EXPECT_EQ(owned.at("merchant").as_object().size(), 2u) << json::serialize(owned);
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"cards_for_owned_customers", true}}));
    owned = ok(call("POST", "/api/v1/shares/" + b.share_code + "/claim", customer));
    EXPECT_EQ(text(owned, {"outcome"}), "owned_by_other");
    EXPECT_TRUE(owned.at("holds_card").as_bool());
    EXPECT_EQ(scalar("SELECT partner_id FROM leads WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id}), std::stoll(a.id));

    // Self-referral: the partner's own user, or another account with the same unionid or phone.
    EXPECT_EQ(claim(a.person, a.share_code), "self_referral");
    const auto unionid = "u" + random_hex(8);
    auto twin_partner = enrol(s, 100, sign_in(unionid));
    EXPECT_EQ(claim(sign_in(unionid), twin_partner.share_code), "self_referral");
    const auto phone = "139" + std::to_string(10000000 + std::stoll(random_hex(3), nullptr, 16));
    auto bind_phone = [&](const user& who) {
        ok(call("POST", "/api/v1/me/phone", who, json::object{{"code", sim->phone_code(who.openid, phone)}}));
    };
    auto phone_partner = enrol(s);
    auto phone_twin = sign_in();
    bind_phone(phone_partner.person);
    bind_phone(phone_twin);
    EXPECT_EQ(claim(phone_twin, phone_partner.share_code), "self_referral");

    // An existing customer (bought here before any claim) is refused unless the store allows it.
    auto regular = sign_in();
    execute("INSERT INTO store_customers (merchant_id, user_id, first_purchase_at, last_purchase_at) VALUES (?, ?, NOW(6), NOW(6))",
            {s.id, regular.id});
    EXPECT_EQ(claim(regular, a.share_code), "existing_customer");
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"allow_existing_customers", true}}));
    EXPECT_EQ(claim(regular, a.share_code), "claimed");

    // A pack of one card is exhausted by its first claim.
    auto small = enrol(s, 1);
    EXPECT_EQ(claim(sign_in(), small.share_code), "claimed");
    EXPECT_EQ(claim(sign_in(), small.share_code), "pack_exhausted");

    // Outside the validity window.
    auto later = open_store("2028-06-01T00:00:00Z", "2029-01-01T00:00:00Z");
    auto early = enrol(later);
    EXPECT_EQ(claim(sign_in(), early.share_code), "expired");

    // A paused partner's links are dead.
    ok(call("PATCH", s.path() + "/partners/" + b.id, s.owner, json::object{{"status", "paused"}}));
    EXPECT_EQ(claim(sign_in(), b.share_code), "revoked");
    EXPECT_EQ(claim(sign_in(), "AAAAAAAAAAAAAAAA").substr(0, 8), "HTTP 404");
    EXPECT_EQ(call("POST", "/api/v1/shares/" + a.share_code + "/claim", user{}).status, 401);
}

TEST_F(partner_claim_test, a_lapsed_binding_is_claimable_and_every_owner_change_is_in_the_history) {
    auto s = open_store();
    ok(call("PATCH", s.path() + "/settings", s.owner, json::object{{"protection_days", 30}}));
    auto a = enrol(s), b = enrol(s), c = enrol(s);
    auto customer = sign_in();
    EXPECT_EQ(claim(customer, a.share_code), "claimed");
    EXPECT_EQ(claim(customer, b.share_code), "owned_by_other");
    // 31 days without a purchase: the binding lapses.
    execute("UPDATE leads SET bound_at = NOW(6) - INTERVAL 31 DAY WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id});
    EXPECT_EQ(claim(customer, b.share_code), "claimed");

    // The owner moves the customer by hand, with a reason; a manager may not.
    auto manager = sign_in();
    ok(call("PUT", s.path() + "/staff/" + manager.id, s.owner, json::object{{"role", "manager"}}));
    EXPECT_EQ(call("PUT", s.path() + "/leads/" + customer.id, manager, json::object{{"partner_id", c.id}, {"reason", "x"}}).status, 403);
    EXPECT_EQ(call("PUT", s.path() + "/leads/" + customer.id, s.owner, json::object{{"partner_id", c.id}}).status, 400);
    auto moved = ok(call("PUT", s.path() + "/leads/" + customer.id, s.owner, json::object{{"partner_id", c.id}, {"reason", "顾客要求更换导购"}}));
    EXPECT_EQ(text(moved, {"lead", "partner_id"}), c.id);
    auto same = call("PUT", s.path() + "/leads/" + customer.id, s.owner, json::object{{"partner_id", c.id}, {"reason", "again"}});
    EXPECT_EQ(same.status, 409);
    auto self = call("PUT", s.path() + "/leads/" + c.person.id, s.owner, json::object{{"partner_id", c.id}, {"reason", "self"}});
    EXPECT_EQ(error_code(self), "self_referral");

    auto history = ok(call("GET", s.path() + "/lead-history?customer_user_id=" + customer.id, manager));
    const auto& items = history.at("items").as_array();
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(text(items.at(0), {"reason"}), "reassigned");
    EXPECT_EQ(text(items.at(0), {"previous_partner_id"}), b.id);
    EXPECT_EQ(text(items.at(0), {"actor_user_id"}), s.owner.id);
    EXPECT_EQ(text(items.at(0), {"note"}), "顾客要求更换导购");
    EXPECT_EQ(text(items.at(1), {"reason"}), "claimed_after_lapse");
    EXPECT_EQ(text(items.at(1), {"previous_partner_id"}), a.id);
    EXPECT_EQ(text(items.at(2), {"reason"}), "claimed");
    EXPECT_TRUE(items.at(2).at("previous_partner_id").is_null());
}

TEST_F(partner_claim_test, partners_and_merchants_page_through_leads_with_phones_masked) {
    auto s = open_store();
    auto a = enrol(s), b = enrol(s);
    std::vector<user> customers;
    for (int i = 0; i < 3; ++i) {
        customers.push_back(sign_in());
        ASSERT_EQ(claim(customers.back(), a.share_code), "claimed");
    }
    const auto phone = "1380013" + std::to_string(1000 + std::stoll(random_hex(1), nullptr, 16));
    ok(call("POST", "/api/v1/me/phone", customers[0], json::object{{"code", sim->phone_code(customers[0].openid, phone)}}));
    ASSERT_EQ(claim(sign_in(), b.share_code), "claimed");

    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        auto page = ok(call("GET", "/api/v1/partners/me/customers?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), a.person));
        for (const auto& item : page.at("items").as_array()) seen.insert(text(item, {"customer", "user_id"}));
        cursor = page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
        ++pages;
    } while (!cursor.empty() && pages < 10);
    EXPECT_EQ(pages, 2);
    EXPECT_EQ(seen, (std::set<std::string>{customers[0].id, customers[1].id, customers[2].id}));
    auto first = ok(call("GET", "/api/v1/partners/me/customers?merchant_id=" + s.id, a.person));
    const auto all = json::serialize(first);
    EXPECT_EQ(all.find(phone), std::string::npos) << all;
    EXPECT_NE(all.find(phone.substr(0, 3) + "****" + phone.substr(7)), std::string::npos) << all;

    auto of_a = ok(call("GET", s.path() + "/leads?partner_id=" + a.id, s.owner));
    EXPECT_EQ(of_a.at("items").as_array().size(), 3u);
    auto all_leads = ok(call("GET", s.path() + "/leads", s.owner));
    EXPECT_EQ(all_leads.at("items").as_array().size(), 4u);
    EXPECT_EQ(call("GET", s.path() + "/leads?partner_id=x", s.owner).status, 400);
    EXPECT_EQ(call("GET", s.path() + "/leads?color=red", s.owner).status, 400);
    auto detail = ok(call("GET", s.path() + "/partners/" + a.id, s.owner));
    EXPECT_EQ(detail.at("partner").at("lead_count").as_int64(), 3);
    EXPECT_EQ(detail.at("partner").at("card_packs").at(0).at("quota_left").as_int64(), 97);
}

// Business rules section 2: 200 claims of one customer through 200 partners at once end with
// exactly one owner; the primary key on (store, customer) settles it.
TEST_F(partner_claim_test, two_hundred_concurrent_claims_of_one_customer_make_exactly_one_owner) {
    constexpr int partners = 200;
    auto s = open_store();
    std::vector<partner> links(partners);
    {
        std::vector<std::thread> setup;
        std::atomic<int> next{0};
        for (int t = 0; t < 8; ++t)
            setup.emplace_back([&] {
                for (int i = next++; i < partners; i = next++) links[i] = enrol(s);
            });
        for (auto& t : setup) t.join();
    }
    auto customer = sign_in();
    std::vector<std::string> outcomes(partners);
    std::latch start(partners);
    std::vector<std::thread> claims;
    for (int i = 0; i < partners; ++i)
        claims.emplace_back([&, i] {
            start.arrive_and_wait();
            outcomes[i] = claim(customer, links[i].share_code);
        });
    for (auto& t : claims) t.join();
    std::map<std::string, int> counts;
    for (const auto& o : outcomes) ++counts[o];
    EXPECT_EQ(counts["claimed"], 1);
    EXPECT_EQ(counts["owned_by_other"], partners - 1);
    EXPECT_EQ(counts.size(), 2u) << "unexpected outcomes: " << [&] {
        std::string all;
        for (const auto& [o, n] : counts) all += o + " x" + std::to_string(n) + "; ";
        return all;
    }();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM leads WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM lead_history WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id}), 1);
    const auto winner = std::find(outcomes.begin(), outcomes.end(), "claimed") - outcomes.begin();
    ASSERT_LT(winner, partners);
    EXPECT_EQ(scalar("SELECT partner_id FROM leads WHERE merchant_id = ? AND customer_user_id = ?", {s.id, customer.id}),
              std::stoll(links[winner].id));
}

TEST_F(partner_claim_test, a_pack_of_n_never_yields_n_plus_one_claims_under_concurrency) {
    constexpr int quota = 5, customers = 40;
    auto s = open_store();
    auto p = enrol(s, quota);
    std::vector<user> people(customers);
    for (auto& person : people) person = sign_in();
    std::vector<std::string> outcomes(customers);
    std::latch start(customers);
    std::vector<std::thread> claims;
    for (int i = 0; i < customers; ++i)
        claims.emplace_back([&, i] {
            start.arrive_and_wait();
            outcomes[i] = claim(people[i], p.share_code);
        });
    for (auto& t : claims) t.join();
    std::map<std::string, int> counts;
    for (const auto& o : outcomes) ++counts[o];
    EXPECT_EQ(counts["claimed"], quota);
    EXPECT_EQ(counts["pack_exhausted"], customers - quota);
    EXPECT_EQ(scalar("SELECT claimed FROM card_packs WHERE id = ?", {p.pack_id}), quota);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM card_claims WHERE card_pack_id = ?", {p.pack_id}), quota);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM leads WHERE partner_id = ?", {p.id}), quota);
}

}  // namespace
