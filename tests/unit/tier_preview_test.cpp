// The what-if of a tier table, on worked numbers: each figure below is computed by hand in the
// comment beside it, through the rules a payment applies (profit from the POS, the category's
// margin or the store's; the owner's tier from their total buy-in; floors; refunds taking back
// floor(x x refunded / amount)).
#include "server/domain/tier_preview.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

namespace {

// Version 6 (older): 银卡 10,000 yuan at 10 %, margin 30 %.
const recorded_tier_version v6{6, {{{"银卡", 1'000'000, 1000}}, {3000, {}}}};
// Version 7, in force now: 银卡 10,000 / 金卡 30,000 / 钻石 50,000 yuan at 20 / 30 / 50 %, margin 30 %, drinks 50 %.
const recorded_tier_version v7{7, {{{"银卡", 1'000'000, 2000}, {"金卡", 3'000'000, 3000}, {"钻石", 5'000'000, 5000}}, {3000, {{"drinks", 5000}}}}};
// Proposed: 银卡 10,000 yuan at 25 %, 金卡 from 20,000 yuan at 40 %, margin 40 %, drinks 60 %.
const tier_table proposed{{{"银卡", 1'000'000, 2500}, {"金卡", 2'000'000, 4000}}, {4000, {{"drinks", 6000}}}};

partner_facts partner(std::uint64_t id, std::int64_t buy_in, bool active = true, bool keeps_paying = true) {
    return {.id = id, .user_id = 100 + id, .active = active, .inactive_keeps_paying = keeps_paying, .total_buy_in_fen = buy_in};
}

// A 银卡, B 钻石 now (金卡 proposed), C below every tier and paused with dividends stopped,
// D 金卡 both ways, E 银卡 now (金卡 proposed).
const std::vector<partner_facts> partners{partner(1, 1'000'000), partner(2, 5'000'000), partner(3, 500'000, false, false),
                                          partner(4, 3'000'000), partner(5, 2'000'000)};

replayed_order order(std::uint64_t id, std::int64_t amount, std::optional<std::uint64_t> version, std::optional<std::uint64_t> owner) {
    replayed_order o;
    o.order_id = id;
    o.amount_fen = amount;
    o.customer_user_id = 200 + id;
    o.tier_version_id = version;
    o.owner_partner_id = owner;
    return o;
}

tier_what_if worked_example() {
    tier_replay replay(proposed, {v6, v7}, v7.table.tiers, partners);
    // 1: 1,000 yuan, A. Now: profit 30 % = 30,000, 20 % = 6,000. Proposed: 40,000, 25 % = 10,000.
    auto o1 = order(1, 100'000, 7, 1);
    o1.recorded_dividend_fen = 6'000;
    replay.add(o1);
    // 2: 500 yuan of drinks with the POS's profit 200 yuan, B, a quarter refunded. Now: 钻石 50 % =
    // 10,000, less floor(10,000 x 12,500 / 50,000) = 2,500: 7,500; profit 20,000 - 5,000 = 15,000.
    // Proposed: the POS's profit again, 金卡 40 % = 8,000, less 2,000: 6,000.
    auto o2 = order(2, 50'000, 7, 2);
    o2.pos_profit_fen = 20'000;
    o2.category = "drinks";
    o2.refunded_fen = 12'500;
    o2.recorded_dividend_fen = 7'500;
    replay.add(o2);
    // 3: 100 yuan of drinks under version 6 (no drinks margin): 3,000 at 10 % = 300. Proposed:
    // drinks 60 % = 6,000 at 25 % = 1,500.
    auto o3 = order(3, 10'000, 6, 1);
    o3.category = "drinks";
    o3.recorded_dividend_fen = 300;
    replay.add(o3);
    // 4: 200 yuan paid before the store had tiers: nothing then. Proposed: 8,000 at 25 % = 2,000.
    replay.add(order(4, 20'000, std::nullopt, 1));
    // 5: 300 yuan, nobody's customer: profit 9,000 / 12,000, no dividend.
    replay.add(order(5, 30'000, 7, std::nullopt));
    // 6: 400 yuan, C's customer (no tier, stopped): profit 12,000 / 16,000, no dividend.
    replay.add(order(6, 40'000, 7, 3));
    // 7: 9.99 yuan, A. Now: floor(299.7) = 299 profit, floor(59.8) = 59. Proposed: 399, floor(99.75) = 99.
    auto o7 = order(7, 999, 7, 1);
    o7.recorded_dividend_fen = 59;
    replay.add(o7);
    return replay.result();
}

TEST(tier_preview, totals_of_the_worked_example) {
    const auto r = worked_example();
    EXPECT_EQ(r.orders, 7);
    // 30,000 + 15,000 + 3,000 + 0 + 9,000 + 12,000 + 299
    EXPECT_EQ(r.current.profit_fen, 69'299);
    // 6,000 + 7,500 + 300 + 0 + 0 + 0 + 59
    EXPECT_EQ(r.current.dividends_fen, 13'859);
    EXPECT_EQ(r.current.share_of_profit_bp(), 1999) << "floor(13,859 x 10,000 / 69,299) = floor(1999.88)";
    // 40,000 + 15,000 + 6,000 + 8,000 + 12,000 + 16,000 + 399
    EXPECT_EQ(r.proposed.profit_fen, 97'399);
    // 10,000 + 6,000 + 1,500 + 2,000 + 0 + 0 + 99
    EXPECT_EQ(r.proposed.dividends_fen, 19'599);
    EXPECT_EQ(r.proposed.share_of_profit_bp(), 2012) << "floor(19,599 x 10,000 / 97,399) = floor(2012.24)";
    EXPECT_EQ(r.recorded_dividends_fen, 13'859) << "what the ledger holds: the replay under the versions in force agrees";
}

TEST(tier_preview, partners_of_the_worked_example) {
    const auto r = worked_example();
    EXPECT_EQ(r.tier_changes, 2) << "B (钻石 -> 金卡) and E (银卡 -> 金卡); A keeps 银卡 at another ratio, D keeps 金卡";
    // Listed: with purchases (A, B, C) or a change (B, E); largest dividends first, then by id.
    ASSERT_EQ(r.partners.size(), 4u);
    const auto& a = r.partners[0];
    EXPECT_EQ(a.partner_id, 1u);
    EXPECT_EQ(a.orders, 4);
    EXPECT_EQ(a.current_dividends_fen, 6'359);    // 6,000 + 300 + 0 + 59
    EXPECT_EQ(a.proposed_dividends_fen, 13'599);  // 10,000 + 1,500 + 2,000 + 99
    EXPECT_EQ(a.current_tier->ratio_bp, 2000);
    EXPECT_EQ(a.proposed_tier->ratio_bp, 2500);
    EXPECT_FALSE(a.tier_changes());
    const auto& b = r.partners[1];
    EXPECT_EQ(b.partner_id, 2u);
    EXPECT_EQ(b.orders, 1);
    EXPECT_EQ(b.current_dividends_fen, 7'500);
    EXPECT_EQ(b.proposed_dividends_fen, 6'000);
    EXPECT_EQ(b.current_tier->name, "钻石");
    EXPECT_EQ(b.proposed_tier->name, "金卡");
    EXPECT_TRUE(b.tier_changes());
    const auto& c = r.partners[2];
    EXPECT_EQ(c.partner_id, 3u);
    EXPECT_EQ(c.orders, 1);
    EXPECT_EQ(c.current_dividends_fen, 0);
    EXPECT_EQ(c.proposed_dividends_fen, 0);
    EXPECT_FALSE(c.current_tier);
    EXPECT_FALSE(c.tier_changes());
    const auto& e = r.partners[3];
    EXPECT_EQ(e.partner_id, 5u);
    EXPECT_EQ(e.orders, 0);
    EXPECT_EQ(e.current_tier->name, "银卡");
    EXPECT_EQ(e.proposed_tier->name, "金卡");
}

TEST(tier_preview, the_table_in_force_proposed_again_changes_nothing) {
    tier_replay replay(v7.table, {v7}, v7.table.tiers, partners);
    for (std::uint64_t id = 1; id <= 50; ++id) {
        auto o = order(id, 1'000 * static_cast<std::int64_t>(id) + 7, 7, 1 + id % 5);
        if (id % 3 == 0) o.category = "drinks";
        if (id % 4 == 0) o.refunded_fen = o.amount_fen / 3;
        if (id % 7 == 0) o.pos_profit_fen = 123;
        replay.add(o);
    }
    const auto r = replay.result();
    EXPECT_EQ(r.current.profit_fen, r.proposed.profit_fen);
    EXPECT_EQ(r.current.dividends_fen, r.proposed.dividends_fen);
    EXPECT_GT(r.current.dividends_fen, 0);
    EXPECT_EQ(r.tier_changes, 0);
    for (const auto& p : r.partners) EXPECT_EQ(p.current_dividends_fen, p.proposed_dividends_fen) << p.partner_id;
}

TEST(tier_preview, the_rules_of_a_payment_hold_a_partners_own_purchase_earns_nothing) {
    tier_replay replay(proposed, {v7}, v7.table.tiers, partners);
    auto own = order(1, 100'000, 7, 1);
    own.customer_user_id = 101;  // the owner A buying themself
    replay.add(own);
    const auto r = replay.result();
    EXPECT_EQ(r.current.dividends_fen, 0);
    EXPECT_EQ(r.proposed.dividends_fen, 0);
    EXPECT_EQ(r.current.profit_fen, 30'000);
}

TEST(tier_preview, a_fully_refunded_order_leaves_nothing) {
    tier_replay replay(proposed, {v7}, v7.table.tiers, partners);
    auto o = order(1, 33'333, 7, 2);
    o.refunded_fen = 33'333;
    replay.add(o);
    const auto r = replay.result();
    EXPECT_EQ(r.current.profit_fen, 0);
    EXPECT_EQ(r.current.dividends_fen, 0);
    EXPECT_EQ(r.proposed.dividends_fen, 0);
    EXPECT_EQ(r.partners.front().orders, 1);
}

TEST(tier_preview, no_orders_no_share_of_profit) {
    const auto r = tier_replay(proposed, {}, {}, partners).result();
    EXPECT_EQ(r.orders, 0);
    EXPECT_FALSE(r.current.share_of_profit_bp());
    EXPECT_FALSE(r.proposed.share_of_profit_bp());
    // Without a version in force every partner with a proposed tier gains one.
    EXPECT_EQ(r.tier_changes, 4);
}

TEST(tier_preview, an_order_naming_what_it_was_not_given_is_refused) {
    tier_replay replay(proposed, {v7}, v7.table.tiers, partners);
    EXPECT_THROW(replay.add(order(1, 100, 6, 1)), std::invalid_argument) << "version 6 not given";
    EXPECT_THROW(replay.add(order(2, 100, 7, 99)), std::invalid_argument) << "partner 99 not given";
    EXPECT_EQ(replay.result().orders, 0);
}

}  // namespace

namespace {

TEST(tier_preview, what_an_order_names_late_can_be_added_before_it) {
    tier_replay replay(proposed, {v7}, v7.table.tiers, {partner(1, 1'000'000)});
    EXPECT_TRUE(replay.knows_partner(1));
    EXPECT_FALSE(replay.knows_partner(2));
    EXPECT_FALSE(replay.knows_version(6));
    replay.add_partner(partner(2, 5'000'000));
    replay.add_version(v6);
    replay.add(order(1, 10'000, 6, 2));  // under version 6: 3,000 profit at 银卡 10 % = 300
    const auto r = replay.result();
    EXPECT_EQ(r.current.dividends_fen, 300);
    EXPECT_EQ(r.partners.front().partner_id, 2u);
    EXPECT_EQ(r.tier_changes, 1) << "the partner added late is counted like the others (钻石 -> 金卡)";
}

}  // namespace
