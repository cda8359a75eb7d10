// The customer's cards on the real stack (issue 26): claim -> code -> redemption at the desk ->
// the POS order that carries it -> the dividend on the discounted profit -> the partner's frames;
// twenty redemptions of one card at once redeem it once; an expired or replaced code is refused;
// a full refund within the card's validity gives the card back; another store cannot redeem it.
#include "common/clock.hpp"
#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/store_api.hpp"
#include "tests/integration/support/ws_client.hpp"

#include <latch>
#include <map>
#include <thread>

using namespace sharedstore;
using namespace sharedstore::test_support;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

class card_wallet_test : public store_api_test {
protected:
    static void SetUpTestSuite() { start(); }
    static void TearDownTestSuite() { stop(); }

    // A store whose card is "20 yuan off from 50 yuan", a partner with a pack of it, a customer
    // who claimed it, and a cashier at the desk.
    struct scene {
        store s;
        partner sharer;
        user customer, cashier;
        std::string card_id;
    };
    static std::string add_offer_card(const store& s, const json::object& offer, const std::string& title = "20元代金卡") {
        return text(ok(call("POST", s.path() + "/card-templates", s.owner,
                            json::object{{"kind", "treat"}, {"title", title}, {"benefit", "满50减20"}, {"valid_from", "2026-06-01T00:00:00Z"},
                                         {"valid_until", "2029-01-01T00:00:00Z"}, {"offer", offer}}),
                         201),
                    {"card_template", "id"});
    }
    static scene claimed_card(const json::object& offer = {{"kind", "amount_off"}, {"amount_off_fen", 2000}, {"min_spend_fen", 5000}}) {
        scene sc{open_store(), {}, sign_in(), sign_in(), ""};
        sc.s.card_template_id = add_offer_card(sc.s, offer);
        sc.sharer = enrol(sc.s);
        if (claim(sc.customer, sc.sharer.share_code) != "claimed") throw std::runtime_error("claim failed");
        ok(call("PUT", sc.s.path() + "/staff/" + sc.cashier.id, sc.s.owner, json::object{{"role", "cashier"}}));
        auto cards = ok(call("GET", "/api/v1/me/cards", sc.customer));
        sc.card_id = text(cards.at("items").as_array().at(0), {"id"});
        return sc;
    }
    static std::string new_code(const scene& sc) { return text(ok(call("POST", "/api/v1/me/cards/" + sc.card_id + "/code", sc.customer), 201), {"code"}); }
    static http_reply redeem(const scene& sc, const user& desk, const std::string& code, std::optional<std::int64_t> bill = 10000,
                             const std::string& request_id = "") {
        json::object body{{"code", code}, {"request_id", request_id.empty() ? "desk-" + random_hex(8) : request_id}};
        if (bill) body["bill_fen"] = *bill;
        return call("POST", sc.s.path() + "/card-redemptions", desk, body);
    }
    static std::string state_of_card(const scene& sc) {
        return text(ok(call("GET", "/api/v1/me/cards", sc.customer)).at("items").as_array().at(0), {"state"});
    }
    static http_reply pos_order_with_card(const pos_key& key, const scene& sc, std::int64_t amount, const std::string& redemption_id,
                                          const std::string& order_id) {
        return pos_call(key, "/api/v1/pos/orders",
                        json::object{{"merchant_order_id", order_id}, {"user_id", sc.customer.id}, {"amount_fen", amount},
                                     {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}, {"card_redemption_id", redemption_id}});
    }
    // `send` run `n` times at once; the replies in order.
    static std::vector<http_reply> at_once(int n, const std::function<http_reply(int)>& send) {
        std::vector<http_reply> out(n);
        std::latch go(n);
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                go.arrive_and_wait();
                out[i] = send(i);
            });
        for (auto& t : threads) t.join();
        return out;
    }
    static std::map<std::string, json::object> frames_of(const user& who, std::size_t count) {
        ws_client client(server->port(), bearer(who.token));
        if (client.status() != 101) throw std::runtime_error("upgrade refused: " + client.body());
        client.send_text(R"({"type":"resume","after":"0-0"})");
        std::map<std::string, json::object> by_type;
        while (by_type.size() < count) {
            auto f = json::parse(client.read_text(10s)).as_object();
            by_type[std::string(f.at("type").as_string())] = f;
        }
        return by_type;
    }
};

TEST_F(card_wallet_test, claim_code_desk_pos_order_dividend_on_the_discounted_profit_and_the_partners_frames) {
    auto sc = claimed_card();
    auto wallet = ok(call("GET", "/api/v1/me/cards", sc.customer));
    ASSERT_EQ(wallet.at("items").as_array().size(), 1u);
    const auto& held = wallet.at("items").as_array().at(0).as_object();
    EXPECT_EQ(held.at("state").as_string(), "usable");
    EXPECT_EQ(held.at("merchant").at("name").as_string(), "茶饮小店");
    EXPECT_EQ(held.at("card").at("offer").at("amount_off_fen").as_int64(), 2000);
    EXPECT_EQ(held.at("card").at("offer").at("min_spend_fen").as_int64(), 5000);
    EXPECT_FALSE(held.contains("partner_id")) << "the holder never sees the partner";
    // As an id travels (a quoted string): the bare digits of a small id turn up in any date ("12" in December).
    EXPECT_EQ(json::serialize(wallet).find("\"" + sc.sharer.person.id + "\""), std::string::npos);

    auto made = ok(call("POST", "/api/v1/me/cards/" + sc.card_id + "/code", sc.customer), 201);
    const auto code = text(made, {"code"});
    EXPECT_EQ(code.size(), 12u);
    EXPECT_EQ(text(made, {"qr_payload"}), "sscard:" + code);
    EXPECT_EQ(made.at("expires_in_s").as_int64(), 120);

    // The desk scans the QR payload with the bill of 100 yuan: 20 off, 80 to pay.
    auto redeemed = ok(redeem(sc, sc.cashier, "sscard:" + code, 10000), 201);
    const auto& r = redeemed.at("redemption").as_object();
    EXPECT_EQ(r.at("discount_fen").as_int64(), 2000);
    EXPECT_EQ(r.at("pay_fen").as_int64(), 8000);
    EXPECT_EQ(r.at("state").as_string(), "redeemed");
    EXPECT_EQ(r.at("card_id").as_string(), sc.card_id);
    const auto redemption_id = std::string(r.at("id").as_string());
    EXPECT_EQ(state_of_card(sc), "redeemed");

    // The POS reports the 80 yuan it took with the redemption: profit floor(10000 x 30%) - 2000 =
    // 1000, and the owner's 20 % of that is 200 (not 20 % of floor(8000 x 30%) = 480).
    auto key = make_pos_key(sc.s);
    auto order = ok(pos_order_with_card(key, sc, 8000, redemption_id, "P-card-" + random_hex(4)), 201);
    EXPECT_EQ(order.at("order").at("profit_fen").as_int64(), 1000);
    EXPECT_EQ(order.at("dividend").at("amount_fen").as_int64(), 200);
    EXPECT_EQ(scalar("SELECT order_id FROM card_redemptions WHERE id = ?", {redemption_id}), std::stoll(text(order, {"order", "id"})));

    // The partner hears of the card first, then of the dividend, with the customer masked.
    auto frames = frames_of(sc.sharer.person, 2);
    ASSERT_TRUE(frames.count("card_redeemed"));
    EXPECT_EQ(frames["card_redeemed"].at("discount_fen").as_int64(), 2000);
    EXPECT_EQ(frames["card_redeemed"].at("card_title").as_string(), "20元代金卡");
    EXPECT_EQ(frames["card_redeemed"].at("merchant").at("name").as_string(), "茶饮小店");
    EXPECT_EQ(frames["card_redeemed"].at("customer").as_string(), "微信用户");
    EXPECT_EQ(frames["card_redeemed"].at("redemption_id").as_string(), redemption_id);
    ASSERT_TRUE(frames.count("dividend"));
    EXPECT_EQ(frames["dividend"].at("dividend_fen").as_int64(), 200);

    // A redeemed card makes no new code, and the same redemption discounts no second order.
    EXPECT_EQ(error_code(call("POST", "/api/v1/me/cards/" + sc.card_id + "/code", sc.customer)), "card_not_usable");
    EXPECT_EQ(error_code(pos_order_with_card(key, sc, 8000, redemption_id, "P-again-" + random_hex(4))), "card_redemption_used");

    // The store's report: the card claimed and redeemed brought a first purchase; a second purchase
    // within 30 days is a repeat. Cashiers do not see it.
    auto before_repeat = ok(call("GET", sc.s.path() + "/card-report", sc.s.owner));
    EXPECT_EQ(before_repeat.at("totals").at("first_purchases").as_int64(), 1);
    EXPECT_EQ(before_repeat.at("totals").at("repeat_30d").as_int64(), 0);
    ok(pos_order(key, sc.customer, 3000), 201);
    auto report = ok(call("GET", sc.s.path() + "/card-report", sc.s.owner));
    for (const char* figure : {"claimed", "redeemed", "first_purchases", "repeat_30d", "repeat_90d"})
        EXPECT_EQ(report.at("totals").at(figure).as_int64(), 1) << figure;
    ASSERT_EQ(report.at("partners").as_array().size(), 1u);
    EXPECT_EQ(text(report.at("partners").as_array().at(0), {"partner_id"}), sc.sharer.id);
    ASSERT_EQ(report.at("templates").as_array().size(), 1u);
    EXPECT_EQ(text(report.at("templates").as_array().at(0), {"title"}), "20元代金卡");
    EXPECT_EQ(call("GET", sc.s.path() + "/card-report", sc.cashier).status, 403);
}

TEST_F(card_wallet_test, twenty_redemptions_of_one_card_at_once_redeem_it_exactly_once) {
    auto sc = claimed_card();
    const auto code = new_code(sc);
    auto replies = at_once(20, [&](int i) { return redeem(sc, i % 2 ? sc.cashier : sc.s.owner, code, 10000, "race-" + std::to_string(i) + "-" + random_hex(4)); });
    int redeemed = 0, already = 0;
    for (const auto& r : replies) {
        EXPECT_LT(r.status, 500) << r.body;
        if (r.status == 201) ++redeemed;
        else if (error_code(r) == "card_already_redeemed") ++already;
        else ADD_FAILURE() << r.status << " " << r.body;
    }
    EXPECT_EQ(redeemed, 1);
    EXPECT_EQ(already, 19);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM card_redemptions WHERE card_claim_id = ?", {sc.card_id}), 1);

    // Twenty copies of one call (a double scan, a retried POS call): one applies, the rest replay it.
    auto other = claimed_card();
    const auto other_code = new_code(other);
    const auto request_id = "same-" + random_hex(6);
    auto copies = at_once(20, [&](int) { return redeem(other, other.cashier, other_code, 10000, request_id); });
    int applied = 0, replayed = 0;
    std::set<std::string> ids;
    for (const auto& r : copies) {
        EXPECT_LT(r.status, 500) << r.body;
        if (r.status == 201) ++applied;
        if (r.status == 200 && r.json().at("replayed").as_bool()) ++replayed;
        if (r.status < 300) ids.insert(text(r.json(), {"redemption", "id"}));
    }
    EXPECT_EQ(applied, 1);
    EXPECT_EQ(replayed, 19);
    EXPECT_EQ(ids.size(), 1u);
    // The request_id with another bill is not the same redemption.
    EXPECT_EQ(error_code(redeem(other, other.cashier, other_code, 20000, request_id)), "request_id_reused");
}

TEST_F(card_wallet_test, an_expired_replaced_or_mistyped_code_is_refused) {
    auto sc = claimed_card();
    const auto first = new_code(sc);
    const auto second = new_code(sc);
    ASSERT_NE(first, second);
    EXPECT_EQ(error_code(redeem(sc, sc.cashier, first)), "card_code_not_found") << "a new code kills the old one";
    auto typo = second;
    typo[3] = typo[3] == '9' ? '0' : static_cast<char>(typo[3] + 1);
    EXPECT_EQ(redeem(sc, sc.cashier, typo).status, 404) << "the check digit catches a typo";
    execute("UPDATE card_codes SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE code = ?", {second});
    EXPECT_EQ(error_code(redeem(sc, sc.cashier, second)), "card_code_expired");
    EXPECT_EQ(state_of_card(sc), "usable");
    EXPECT_EQ(redeem(sc, sc.cashier, new_code(sc)).status, 201) << "a fresh code works";
}

TEST_F(card_wallet_test, the_offer_rules_at_the_desk) {
    auto sc = claimed_card();
    EXPECT_EQ(error_code(redeem(sc, sc.cashier, new_code(sc), 4999)), "card_minimum_spend_not_met");
    EXPECT_EQ(error_code(redeem(sc, sc.cashier, new_code(sc), std::nullopt)), "card_bill_required");
    auto percent = claimed_card(json::object{{"kind", "percent_off"}, {"percent_off_bp", 1500}, {"cap_fen", 1000}});
    auto capped = ok(redeem(percent, percent.cashier, new_code(percent), 9999), 201);
    EXPECT_EQ(capped.at("redemption").at("discount_fen").as_int64(), 1000) << "floor(9999 x 15%) = 1499, capped at 1000";
    auto gift = claimed_card(json::object{{"kind", "free_item"}, {"free_item", "洗车一次"}});
    auto free = ok(redeem(gift, gift.cashier, new_code(gift), std::nullopt), 201);
    EXPECT_EQ(free.at("redemption").at("free_item").as_string(), "洗车一次");
    EXPECT_EQ(free.at("redemption").at("discount_fen").as_int64(), 0);
    // A template's offer is checked with every problem named.
    auto bad = call("POST", sc.s.path() + "/card-templates", sc.s.owner,
                    json::object{{"kind", "treat"}, {"title", "x"}, {"benefit", "x"}, {"valid_from", "2026-06-01T00:00:00Z"},
                                 {"valid_until", "2029-01-01T00:00:00Z"}, {"offer", json::object{{"kind", "percent_off"}, {"percent_off_bp", 20000}, {"free_item", "x"}}}});
    EXPECT_EQ(error_code(bad), "invalid_card");
    EXPECT_EQ(bad.json().at("error").at("details").at("problems").as_array().size(), 2u) << bad.body;
}

TEST_F(card_wallet_test, a_full_refund_within_the_validity_gives_the_card_back) {
    auto sc = claimed_card();
    auto redeemed = ok(redeem(sc, sc.cashier, new_code(sc), 10000), 201);
    const auto redemption_id = text(redeemed, {"redemption", "id"});
    auto key = make_pos_key(sc.s);
    const auto order_id = "P-refund-" + random_hex(4);
    ok(pos_order_with_card(key, sc, 8000, redemption_id, order_id), 201);
    auto refund = [&](std::int64_t amount) {
        return pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", order_id}, {"merchant_refund_id", "R-" + random_hex(6)}, {"amount_fen", amount}});
    };
    ok(refund(1000), 201);
    EXPECT_EQ(state_of_card(sc), "redeemed") << "a partial refund keeps the discounted purchase standing";
    auto last = ok(refund(7000), 201);
    EXPECT_EQ(last.at("reversed_fen").as_int64(), 200 - 25) << "the dividend reverses in proportion as ever";
    EXPECT_EQ(state_of_card(sc), "usable") << "the whole order refunded: the card is back";
    EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM card_redemptions WHERE id = ?", {redemption_id}), 1);
    // The undone redemption discounts nothing more; the card redeems again with a new code.
    EXPECT_EQ(error_code(pos_order_with_card(key, sc, 8000, redemption_id, "P-undone-" + random_hex(4))), "card_redemption_used");
    EXPECT_EQ(redeem(sc, sc.cashier, new_code(sc), 10000).status, 201);
}

TEST_F(card_wallet_test, a_wechat_pay_order_closed_unpaid_lets_go_of_its_redemption) {
    auto sc = claimed_card();
    const auto redemption_id = text(ok(redeem(sc, sc.cashier, new_code(sc), 10000), 201), {"redemption", "id"});
    auto placed = ok(call("POST", "/api/v1/orders", sc.customer,
                          json::object{{"merchant_id", sc.s.id}, {"amount_fen", 8000}, {"description", "套餐"}, {"pay_with", "wechat"},
                                       {"card_redemption_id", redemption_id}}),
                     201);
    EXPECT_EQ(text(placed, {"order", "card_redemption_id"}), redemption_id);
    EXPECT_EQ(placed.at("order").at("card_discount_fen").as_int64(), 2000) << "the order records the card's discount";
    auto key = make_pos_key(sc.s);
    EXPECT_EQ(error_code(pos_order_with_card(key, sc, 8000, redemption_id, "P-busy-" + random_hex(4))), "card_redemption_used");
    const auto id = text(placed, {"order", "id"});
    EXPECT_EQ(text(ok(call("POST", "/api/v1/me/orders/" + id + "/close", sc.customer)), {"order", "status"}), "closed");
    EXPECT_EQ(scalar("SELECT order_id IS NULL FROM card_redemptions WHERE id = ?", {redemption_id}), 1);
    EXPECT_EQ(state_of_card(sc), "redeemed") << "the card stays redeemed at the desk";
    // The redemption discounts the customer's next order instead.
    EXPECT_EQ(pos_order_with_card(key, sc, 8000, redemption_id, "P-next-" + random_hex(4)).status, 201);
}

TEST_F(card_wallet_test, a_refund_after_the_validity_leaves_the_card_redeemed) {
    auto sc = claimed_card();
    const auto redemption_id = text(ok(redeem(sc, sc.cashier, new_code(sc), 10000), 201), {"redemption", "id"});
    auto key = make_pos_key(sc.s);
    const auto order_id = "P-late-" + random_hex(4);
    ok(pos_order_with_card(key, sc, 8000, redemption_id, order_id), 201);
    execute("UPDATE card_templates SET valid_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = ?", {sc.s.card_template_id});
    ok(pos_call(key, "/api/v1/pos/refunds", json::object{{"merchant_order_id", order_id}, {"merchant_refund_id", "R-" + random_hex(6)}, {"amount_fen", 8000}}),
       201);
    EXPECT_EQ(state_of_card(sc), "redeemed");
    EXPECT_EQ(scalar("SELECT undone_at IS NULL FROM card_redemptions WHERE id = ?", {redemption_id}), 1);
}

TEST_F(card_wallet_test, another_store_cannot_redeem_the_card_or_attach_its_redemption) {
    auto sc = claimed_card();
    auto other = open_store();
    const auto code = new_code(sc);
    EXPECT_EQ(error_code(call("POST", other.path() + "/card-redemptions", other.owner,
                              json::object{{"code", code}, {"request_id", "other-" + random_hex(6)}, {"bill_fen", 10000}})),
              "card_code_not_found");
    auto other_key = make_pos_key(other);
    EXPECT_EQ(error_code(pos_call(other_key, "/api/v1/pos/card-redemptions", json::object{{"code", code}, {"request_id", "pos-" + random_hex(6)}, {"bill_fen", 10000}})),
              "card_code_not_found");
    // Not staff of the card's store: refused before anything is looked at.
    EXPECT_EQ(redeem(sc, other.owner, code).status, 403);
    EXPECT_EQ(redeem(sc, sc.customer, code).status, 403);
    // The card's own POS redeems it; another store's POS order cannot carry that redemption.
    auto key = make_pos_key(sc.s);
    auto at_pos = pos_call(key, "/api/v1/pos/card-redemptions", json::object{{"code", code}, {"request_id", "pos-" + random_hex(6)}, {"bill_fen", 10000}});
    ASSERT_EQ(at_pos.status, 201) << at_pos.body;
    EXPECT_EQ(text(at_pos.json(), {"redemption", "via"}), "pos");
    const auto redemption_id = text(at_pos.json(), {"redemption", "id"});
    EXPECT_EQ(error_code(pos_order_with_card(other_key, sc, 8000, redemption_id, "P-x-" + random_hex(4))), "card_redemption_not_found");
    // Nor can another customer's order at the card's store.
    auto stranger = sign_in();
    EXPECT_EQ(error_code(pos_call(key, "/api/v1/pos/orders",
                                  json::object{{"merchant_order_id", "P-s-" + random_hex(4)}, {"user_id", stranger.id}, {"amount_fen", 8000},
                                               {"paid_at", format_rfc3339_utc(std::chrono::system_clock::now())}, {"card_redemption_id", redemption_id}})),
              "card_redemption_other_customer");
    // Someone else's card makes no code for the caller.
    EXPECT_EQ(error_code(call("POST", "/api/v1/me/cards/" + sc.card_id + "/code", stranger)), "held_card_not_found");
}

TEST_F(card_wallet_test, a_card_about_to_expire_reminds_its_holder_once) {
    auto sc = claimed_card();
    // Within a notice of two hours (a notice no other suite's cards fall into by chance).
    execute("UPDATE card_templates SET valid_until = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR WHERE id = ?", {sc.s.card_template_id});
    auto run_job = [] {
        child_process job({SHAREDSTORE_BINARY, "run-job", "--config", test_config_path(), "remind-expiring-cards"},
                          {{"SHAREDSTORE_JOBS_CARD_EXPIRY_NOTICE_S", std::string("7200")}}, make_temp_dir("remind-cards") + "/out.log");
        return job.wait_exit(60s);
    };
    EXPECT_EQ(run_job(), 0);
    EXPECT_EQ(run_job(), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox_events WHERE user_id = ? AND kind = 'card_expiring'", {sc.customer.id}), 1) << "once";
    auto frames = frames_of(sc.customer, 1);
    ASSERT_TRUE(frames.count("card_expiring"));
    EXPECT_EQ(frames["card_expiring"].at("card_id").as_string(), sc.card_id);
    EXPECT_EQ(frames["card_expiring"].at("amount_off_fen").as_int64(), 2000);
    EXPECT_EQ(frames["card_expiring"].at("card_title").as_string(), "20元代金卡");
}

}  // namespace
